"""`aligner sync` end to end through the CLI, on the stateful fake Linear.

250 issues in two teams (CHK, PAY), projects realising objectives by name, by id and through
nested initiatives, an untraced project, sub-issues, and a parent in a team not read: the right
labels and one comment per flagged issue appear; a second sync writes nothing; moving an
issue into an aligned project removes its flags on the next sync.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import responses
import yaml
from click.testing import CliRunner

from aligner.cli import cli
from tests.fakes.linear import FakeLinear

from .workspace import UNTRACED, Workspace, build

AS_OF = "2026-11-20"


@pytest.fixture
def ws() -> Iterator[Workspace]:
    fake = FakeLinear()
    fake.store.now = datetime.now(UTC)  # incremental cursors are real time
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        fake.install(rsps)
        yield build(fake)


def write_model(directory: Path, fake: FakeLinear) -> Path:
    wallets = fake.project("Wallets")["id"]
    model = {
        "version": 1,
        "strategy": [{"id": "grow", "name": "Grow self-serve revenue"}],
        "bets": [{"id": "frictionless", "strategy": "grow",
                  "links": ["linear:initiative:Frictionless checkout"]}],
        "objectives": [
            {"id": "CHK-Q4-1", "team": "checkout", "supports": "frictionless",
             "links": ["linear:project:Checkout v2"]},  # by name
            {"id": "PAY-Q4-1", "team": "payments", "supports": "frictionless",
             "contributors": ["checkout"],
             "links": ["linear:initiative:Frictionless checkout"]},  # nested initiatives
            {"id": "PAY-Q4-2", "team": "payments", "supports": "grow",
             "links": [f"linear:project:{wallets}"]},  # by id
        ],
        "teams": [
            {"id": "checkout", "owns": {"linear": {"teams": ["CHK"]}, "labels": ["area:checkout"]}},
            {"id": "payments", "owns": {"linear": {"teams": ["PAY"]}, "labels": ["area:payments"]}},
        ],
        "trackers": {"linear": {"api_key_env": "LINEAR_API_KEY", "teams": ["CHK", "PAY"],
                                "url": fake.url}},
        "writeback": {"label_prefix": "aligner:", "comment": True, "max_writes": 1000},
    }
    path = directory / "aligner.yaml"
    path.write_text(yaml.safe_dump(model, sort_keys=False), encoding="utf-8")
    return path


def sync(fake: FakeLinear, config: Path, state: Path) -> dict[str, Any]:
    result = CliRunner().invoke(cli, ["sync", "-c", str(config), "--state", str(state),
                                      "--as-of", AS_OF, "--fail-on", "never", "--format",
                                      "json"], env={"LINEAR_API_KEY": fake.api_key})
    assert result.exit_code == 0, result.output
    assert fake.api_key not in result.output
    return json.loads(result.stdout)


def managed(fake: FakeLinear, key: str) -> set[str]:
    return {name for name in fake.label_names(key) if name.startswith("aligner:")}


def own_comments(fake: FakeLinear, key: str) -> list[dict[str, Any]]:
    return [c for c in fake.comments_on(key) if c["userId"] == fake.store.viewer_id]


def test_sync_flags_then_writes_nothing_then_clears_a_moved_issue(ws: Workspace,
                                                                  tmp_path: Path) -> None:
    fake = ws.fake
    config, state = write_model(tmp_path, fake), tmp_path / "state.db"
    report = sync(fake, config, state)
    ours = [i for i in fake.store.issues.values() if fake.team(i["teamId"])["key"] != "OPS"]
    open_ours = [i["identifier"] for i in ours if i["stateType"] == "started"]
    assert report["summary"]["items"] == len(open_ours)  # the OPS parent only serves the trace
    assert managed(fake, ws.ops_issue) == set() and fake.comments_on(ws.ops_issue) == []
    assert [r.name for r in fake.requests[:4]] == ["Workspace", "Issues", "Issues", "Issues"]

    side = [i["identifier"] for i in ours
            if i["projectId"] == ws.side_quest and i["stateType"] == "started"]
    traced = [i["identifier"] for i in ours if i["projectId"] in ws.aligned_projects]
    assert side and all(UNTRACED in managed(fake, key) for key in side)
    crossing = {k for k in traced if k.startswith("CHK") and "area:payments" in
                fake.label_names(k)}
    assert crossing and all(managed(fake, k) == {"aligner:boundary-crossing"} for k in crossing)
    clean = [k for k in traced if k not in crossing]
    assert all(managed(fake, k) == set() and not own_comments(fake, k) for k in clean)
    flagged = [key for key in open_ours if managed(fake, key)]
    assert len(flagged) > 60
    assert all(len(own_comments(fake, key)) == 1 for key in flagged)
    assert not [k for k in open_ours if own_comments(fake, k) and not managed(fake, k)]
    assert fake.mutation_requests < len(flagged) / 10  # many items per request

    fake.reset_counters()
    sync(fake, config, state)
    assert fake.writes == [] and fake.mutation_requests == 0
    assert len(fake.requests) <= 8  # workspace, incremental issue pages, missing ancestors

    moved = side[0]
    fake.update_issue(moved, project="Checkout v2")
    fake.reset_counters()
    sync(fake, config, state)
    assert managed(fake, moved) == set() and own_comments(fake, moved) == []
    assert [name for name, _ in fake.writes] == ["issueUpdate", "commentDelete"]
    assert fake.mutation_requests == 1

    fake.reset_counters()
    sync(fake, config, state)
    assert fake.writes == []
