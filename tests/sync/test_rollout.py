"""A quiet, gradual rollout (DESIGN §6): labels only, then comments; one team at a time.

Runs on each tracker harness (Jira Cloud, Jira Data Center, Linear), like the sync scenarios.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from aligner.engine.evaluate import evaluate
from aligner.model.load import config_from_text
from aligner.model.schema import Writeback
from aligner.sync.check import run_check
from aligner.sync.planner import plan
from tests.sync.harness import AS_OF, UNTRACED, Harness
from tests.sync.test_sync_scenarios import HARNESSES, flagged

ACME = Path(__file__).parents[2] / "examples" / "acme" / "aligner.yaml"


@pytest.fixture(params=sorted(HARNESSES))
def tracker(request: pytest.FixtureRequest, tmp_path: Path,
            monkeypatch: pytest.MonkeyPatch) -> Iterator[Harness]:
    harness = HARNESSES[request.param](tmp_path)
    one_team = type(harness).config.fget
    assert one_team is not None

    def two_teams(self: Harness) -> Path:  # a second team that holds nothing here
        path: Path = one_team(self)
        model: dict[str, Any] = yaml.safe_load(path.read_text())
        model["teams"].append({"id": "payments"})
        path.write_text(yaml.safe_dump(model, sort_keys=False))
        return path

    monkeypatch.setattr(type(harness), "config", property(two_teams))
    with harness.running():
        yield harness


def test_labels_only_writes_no_comment_and_a_fresh_machine_writes_nothing(
        tracker: Harness, tmp_path: Path) -> None:
    tracker.writeback = {"comment": False}
    outcome = tracker.sync()
    assert outcome.complete and all(p.comment is None for p in outcome.planned)
    assert flagged(tracker) == {"T-1": ([], 0), **{k: (["aligner:untraced"], 0)
                                                    for k in UNTRACED}}
    tracker.reset_requests()
    again = tracker.sync(state_path=tmp_path / "fresh" / "state.db")
    assert again.planned == [] and tracker.write_requests() == 0


def test_turning_comments_on_later_adds_only_the_comments(tracker: Harness) -> None:
    tracker.writeback = {"comment": False}
    tracker.sync()
    tracker.writeback = {}
    outcome = tracker.sync(full=True)
    assert sorted(p.comment or "" for p in outcome.planned) == ["create"] * len(UNTRACED)
    assert all(p.add_labels == () for p in outcome.planned)
    assert all(flagged(tracker)[k] == (["aligner:untraced"], 1) for k in UNTRACED)


def test_a_team_not_opted_in_is_checked_and_reported_but_not_written(tracker: Harness) -> None:
    tracker.writeback = {"teams": ["payments"]}
    outcome = tracker.sync()
    assert outcome.planned == [] and tracker.write_requests() == 0
    found = {f.item for f in outcome.evaluation.findings if f.code == "AL101"}
    assert found == {tracker.key(k) for k in UNTRACED}
    tracker.writeback = {"teams": ["checkout"]}
    assert len(tracker.sync().planned) == len(UNTRACED)


def test_writeback_teams_plans_only_the_opted_in_holders() -> None:
    run = run_check(ACME, as_of=AS_OF)
    config = run.config
    sources = {o.source for o in run.evaluation.outcomes}
    evaluation = evaluate(config, run.snapshot.graph, run.evaluation.as_of, keep=sources)
    everyone = plan(config.model.writeback, run.snapshot.graph, evaluation, sources)
    growth = plan(Writeback(teams=("growth",)), run.snapshot.graph, evaluation, sources)
    holder = {o.key: o.team for o in evaluation.outcomes}
    assert {holder[p.item.key] for p in everyone} > {"growth"}
    assert growth and {holder[p.item.key] for p in growth} == {"growth"}
    assert [p.item.key for p in growth] == [p.item.key for p in everyone
                                            if holder[p.item.key] == "growth"]


def test_writeback_teams_must_name_teams() -> None:
    with pytest.raises(Exception, match=r"writeback\.teams\[0\]: unknown team 'chekout' "
                                        r"\(did you mean 'checkout'\?\)"):
        config_from_text("version: 1\nteams: [{id: checkout}]\n"
                         "writeback: {teams: [chekout]}\n")


def test_the_dry_run_says_how_many_comments_and_the_write_budget_the_first_run_needs(
        tracker: Harness) -> None:
    from click.testing import CliRunner

    from aligner.cli import cli
    from tests.sync.harness import AS_OF as DAY

    result = CliRunner().invoke(cli, ["sync", "-c", str(tracker.config), "--as-of",
                                      DAY.isoformat(), "--dry-run", "--state",
                                      str(tracker.tmp / "s.db")], env=tracker.env())
    # Jira Cloud creates each comment inside the one edit (labels + state + comment)
    needed = 3 if getattr(tracker, "mode", "") == "cloud" else 6
    assert f"Plan: 3 items to change, {needed} write operations" in result.stdout
    assert ("Comments to create: 3 (each may notify the ticket's watchers). Write budget "
            f"needed: {needed} — run the first sync with --max-writes {needed}") in result.stdout
    assert tracker.write_requests() == 0
