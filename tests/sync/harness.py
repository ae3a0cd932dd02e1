"""A small harness that runs `aligner sync` scenarios on a stateful fake tracker.

Each tracker's harness builds the same organisation — an epic/project linked from objective
CHK-Q4-1, one aligned item, untraced items — so one scenario test runs on Jira and Linear.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import responses
import yaml

from aligner.sync.run import SyncOutcome, run_sync

AS_OF = date(2026, 11, 15)
UNTRACED = ("T-2", "T-3", "T-4")  # symbolic keys; each harness maps them to real ones


@dataclass
class Harness:
    """Subclasses set up the fake; `key()` maps the symbolic keys T-1… to tracker keys."""

    tmp: Path
    waivers: list[dict[str, Any]] = field(default_factory=list)
    writeback: dict[str, Any] = field(default_factory=dict)
    sleeps: list[float] = field(default_factory=list)

    # to implement per tracker
    def key(self, symbolic: str) -> str: raise NotImplementedError
    def tracker_settings(self) -> dict[str, Any]: raise NotImplementedError
    def env(self) -> dict[str, str]: raise NotImplementedError
    def install(self, rsps: responses.RequestsMock) -> None: raise NotImplementedError
    def labels(self, symbolic: str) -> list[str]: raise NotImplementedError
    def aligner_comments(self, symbolic: str) -> list[str]: raise NotImplementedError
    def write_requests(self) -> int: raise NotImplementedError
    def reset_requests(self) -> None: raise NotImplementedError
    def link_to_objective(self, symbolic: str) -> None: raise NotImplementedError
    def owner_links(self) -> list[str]: raise NotImplementedError
    def owns(self) -> dict[str, Any]: raise NotImplementedError

    @property
    def config(self) -> Path:
        model = {
            "version": 1,
            "strategy": [{"id": "grow", "name": "Grow self-serve revenue"}],
            "objectives": [{"id": "CHK-Q4-1", "team": "checkout", "supports": "grow",
                            "links": self.owner_links()}],
            "teams": [{"id": "checkout", "owns": self.owns()}],
            "trackers": {self.name: self.tracker_settings()},
            "waivers": self.waivers,
            "writeback": self.writeback,
        }
        path = self.tmp / "aligner.yaml"
        path.write_text(yaml.safe_dump(model, sort_keys=False))
        return path

    name = ""

    def sync(self, **kwargs: Any) -> SyncOutcome:
        kwargs.setdefault("as_of", AS_OF)
        kwargs.setdefault("state_path", self.tmp / "state.db")
        return run_sync(self.config, env=self.env(),
                        options={"sleep": self.sleeps.append}, **kwargs)

    @contextmanager
    def running(self) -> Iterator[Harness]:
        with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
            self.install(rsps)
            yield self
