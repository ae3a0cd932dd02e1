"""The sync harness on the stateful fake Linear (executes against the official schema)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import responses

from tests.fakes.linear import FakeLinear
from tests.sync.harness import Harness


@dataclass
class LinearHarness(Harness):
    fake: FakeLinear = field(init=False)
    name = "linear"

    def __post_init__(self) -> None:
        self.fake = FakeLinear()
        self.fake.add_team("CHK")
        self.fake.add_project("Checkout v2", teams=["CHK"])
        self.fake.add_issue("CHK", "Apple Pay on the cart page", project="Checkout v2")
        for n in (2, 3, 4):
            self.fake.add_issue("CHK", f"Untraced work {n}")

    def key(self, symbolic: str) -> str:
        return "CHK-" + symbolic.split("-")[1]

    def tracker_settings(self) -> dict[str, Any]:
        return {"api_key_env": "LINEAR_API_KEY", "teams": ["CHK"], "url": self.fake.url}

    def env(self) -> dict[str, str]:
        return {"LINEAR_API_KEY": self.fake.api_key}

    def install(self, rsps: responses.RequestsMock) -> None:
        self.fake.install(rsps)

    def labels(self, symbolic: str) -> list[str]:
        return sorted(n for n in self.fake.label_names(self.key(symbolic))
                      if n.startswith("aligner:"))

    def aligner_comments(self, symbolic: str) -> list[str]:
        bot = self.fake.store.viewer_id
        return [c["body"] for c in self.fake.comments_on(self.key(symbolic))
                if c["userId"] == bot]

    def write_requests(self) -> int:
        return self.fake.mutation_requests

    def reset_requests(self) -> None:
        self.fake.reset_counters()

    def link_to_objective(self, symbolic: str) -> None:
        self.fake.update_issue(self.key(symbolic), project="Checkout v2")

    def owner_links(self) -> list[str]:
        return ["linear:project:Checkout v2"]

    def owns(self) -> dict[str, Any]:
        return {"linear": {"teams": ["CHK"]}}
