"""`aligner sync` end to end on the stateful fakes: the write-back promise, scenario by scenario.

Every scenario runs on each tracker harness, so Jira Cloud, Jira Data Center and Linear keep
the same promise.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from aligner.cli import cli
from aligner.mirror.store import StateLocked, StateStore
from tests.sync.harness import AS_OF, UNTRACED, Harness
from tests.sync.jira_harness import JiraHarness

HARNESSES = {
    "jira-cloud": lambda tmp: JiraHarness(tmp, mode="cloud"),
    "jira-dc": lambda tmp: JiraHarness(tmp, mode="datacenter"),
}
try:  # the Linear harness lands with the Linear fake
    from tests.sync.linear_harness import LinearHarness

    HARNESSES["linear"] = lambda tmp: LinearHarness(tmp)
except ImportError:  # pragma: no cover
    pass


@pytest.fixture(params=sorted(HARNESSES))
def tracker(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Harness]:
    harness = HARNESSES[request.param](tmp_path)
    with harness.running():
        yield harness


def flagged(h: Harness) -> dict[str, tuple[list[str], int]]:
    return {k: (h.labels(k), len(h.aligner_comments(k))) for k in ("T-1", *UNTRACED)}


def test_first_sync_flags_and_rerun_writes_nothing(tracker: Harness) -> None:
    outcome = tracker.sync()
    assert outcome.complete and not outcome.failed
    assert flagged(tracker) == {"T-1": ([], 0), **{k: (["aligner:untraced"], 1)
                                                    for k in UNTRACED}}
    tracker.reset_requests()
    again = tracker.sync()
    assert again.planned == [] and tracker.write_requests() == 0


def test_fresh_machine_rerun_writes_nothing(tracker: Harness, tmp_path: Path) -> None:
    tracker.sync()
    tracker.reset_requests()
    outcome = tracker.sync(state_path=tmp_path / "elsewhere" / "state.db")
    assert outcome.planned == [] and tracker.write_requests() == 0


def test_fixing_the_link_removes_the_flags(tracker: Harness) -> None:
    tracker.sync()
    tracker.link_to_objective("T-2")
    outcome = tracker.sync()
    assert [p.item.key for p in outcome.planned] == [tracker.key("T-2")]
    assert flagged(tracker)["T-2"] == ([], 0)
    assert flagged(tracker)["T-3"] == (["aligner:untraced"], 1)
    tracker.reset_requests()
    assert tracker.sync(full=True).planned == [] and tracker.write_requests() == 0


def test_on_resolve_keep_leaves_a_resolved_note(tracker: Harness) -> None:
    tracker.writeback = {"on_resolve": "keep"}
    tracker.sync()
    tracker.link_to_objective("T-2")
    tracker.sync()
    comments = tracker.aligner_comments("T-2")
    assert tracker.labels("T-2") == [] and len(comments) == 1 and "resolved" in comments[0]
    tracker.reset_requests()
    assert tracker.sync(full=True).planned == []


def test_waiver_suppresses_until_it_expires(tracker: Harness) -> None:
    tracker.waivers = [{"items": [tracker.key("T-3")], "codes": ["untraced"], "reason": "KTLO",
                        "owner": "jane@acme.example", "expires": "2026-11-20"}]
    outcome = tracker.sync()
    assert flagged(tracker)["T-3"] == ([], 0)
    waived = [f for f in outcome.evaluation.findings if f.waived]
    assert [(f.item, f.code) for f in waived] == [(tracker.key("T-3"), "AL101")]
    later = tracker.sync(as_of=date(2026, 11, 21))
    assert flagged(tracker)["T-3"] == (["aligner:untraced"], 1)
    assert [w.reason for w in later.evaluation.waivers.expired] == ["KTLO"]


def test_dry_run_writes_nothing_and_its_plan_is_what_a_real_run_does(tracker: Harness) -> None:
    dry = tracker.sync(dry_run=True)
    assert tracker.write_requests() == 0
    planned = [(p.item.key, p.add_labels, p.remove_labels, p.comment) for p in dry.planned]
    real = tracker.sync()
    assert [(p.item.key, p.add_labels, p.remove_labels, p.comment)
            for p in real.planned] == planned
    assert [r.key for r in real.results if r.ok] == [key for key, *_ in planned]


def one_ticket_writes(tracker: Harness) -> int:
    """A first run's writes per ticket: Jira Cloud creates the comment inside the one edit."""
    return 1 if getattr(tracker, "mode", "") == "cloud" else 2


def test_budget_leaves_the_rest_pending_and_the_next_run_finishes(tracker: Harness) -> None:
    first = tracker.sync(max_writes=one_ticket_writes(tracker))
    assert not first.complete and len(first.pending) == 2
    assert sum(bool(tracker.labels(k)) for k in UNTRACED) == 1
    second = tracker.sync(max_writes=100)
    assert second.complete and len(second.planned) == 2
    assert all(flagged(tracker)[k] == (["aligner:untraced"], 1) for k in UNTRACED)


def test_budget_exhaustion_exits_3_through_the_cli(tracker: Harness) -> None:
    result = CliRunner().invoke(cli, ["sync", "-c", str(tracker.config), "--as-of",
                                      AS_OF.isoformat(), "--max-writes", "1", "--state",
                                      str(tracker.tmp / "state.db"), "--format", "json"],
                                env=tracker.env())
    assert result.exit_code == 3, result.output
    report = json.loads(result.stdout)
    pending = 3 if one_ticket_writes(tracker) == 2 else 2  # Cloud: one ticket fits in 1
    assert report["sync"]["complete"] is False and len(report["sync"]["pending"]) == pending


def test_a_concurrent_second_sync_is_refused(tracker: Harness) -> None:
    with StateStore.open(tracker.tmp / "state.db"), pytest.raises(StateLocked):
        tracker.sync()
    assert tracker.write_requests() == 0


def test_killed_mid_apply_converges_without_duplicate_comments(
        tracker: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    adapter_type = type(_adapter(tracker))
    original = adapter_type.apply

    def die_after_first(self, plans, recover=False):  # type: ignore[no-untyped-def]
        results = original(self, plans, recover=recover)
        yield next(results)
        raise KeyboardInterrupt

    monkeypatch.setattr(adapter_type, "apply", die_after_first)
    with pytest.raises(KeyboardInterrupt):
        tracker.sync()
    monkeypatch.setattr(adapter_type, "apply", original)
    outcome = tracker.sync()
    assert outcome.complete
    assert all(flagged(tracker)[k] == (["aligner:untraced"], 1) for k in UNTRACED)
    tracker.reset_requests()
    assert tracker.sync().planned == [] and tracker.write_requests() == 0


def _adapter(tracker: Harness) -> object:
    from aligner.model.load import load_config
    from aligner.sync.read import open_adapters

    return open_adapters(load_config(tracker.config), env=tracker.env())[tracker.name]


def test_killed_between_comment_and_state_converges_without_duplicate(
        tracker: Harness) -> None:
    if not hasattr(tracker, "interrupt_state_write"):
        pytest.skip("this tracker records state in the same request as the comment")
    tracker.interrupt_state_write("T-2")
    with pytest.raises(KeyboardInterrupt):
        tracker.sync()
    # Cloud posts its comment before the edit that records it; Data Center edits first
    assert len(tracker.aligner_comments("T-2")) <= 1 and tracker.labels("T-2") == []
    assert tracker.sync().complete
    assert all(flagged(tracker)[k] == (["aligner:untraced"], 1) for k in UNTRACED)


def test_a_failed_write_is_reported_for_its_item_and_the_run_goes_on(tracker: Harness) -> None:
    if not hasattr(tracker, "break_writes"):
        pytest.skip("this tracker batches several items' writes in one request")
    tracker.break_writes("T-3")
    result = CliRunner().invoke(cli, ["sync", "-c", str(tracker.config), "--as-of",
                                      AS_OF.isoformat(), "--state", str(tracker.tmp / "s.db")],
                                env=tracker.env())
    assert result.exit_code == 3
    assert f"write failed for {tracker.key('T-3')}" in result.stdout
    assert "The run is incomplete" in result.stdout
    assert flagged(tracker)["T-2"] == (["aligner:untraced"], 1)
    assert flagged(tracker)["T-4"] == (["aligner:untraced"], 1)


def test_dry_run_through_the_cli_prints_the_plan(tracker: Harness) -> None:
    result = CliRunner().invoke(cli, ["sync", "-c", str(tracker.config), "--as-of",
                                      AS_OF.isoformat(), "--dry-run", "--show-comments",
                                      "--state", str(tracker.tmp / "s.db")], env=tracker.env())
    assert result.exit_code == 1, result.output  # untraced findings at --fail-on error
    out = result.stdout
    assert f"Plan: 3 items to change, {3 * one_ticket_writes(tracker)} write operations" in out
    assert f"{tracker.key('T-2')}        +aligner:untraced  comment: create" in out
    assert "this ticket has 1 alignment problem" in out  # as the tracker will show it
    assert "Sync: evaluated " in out and "Dry run: nothing was written." in out
    assert tracker.write_requests() == 0
