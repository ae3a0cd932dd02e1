"""The backlog mirror end to end (#12), on each tracker's stateful fake: a plain sync after
edits leaves every ticket as a fresh `--full` sync would, and the next run writes nothing.
"""

from __future__ import annotations

import json
import logging
import re
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from aligner.report.summary import summary
from tests.sync.harness import AS_OF, UNTRACED, Harness
from tests.sync.jira_harness import JiraHarness
from tests.sync.linear_harness import LinearHarness

HARNESSES = {
    "jira-cloud": lambda tmp: JiraHarness(tmp, mode="cloud"),
    "jira-dc": lambda tmp: JiraHarness(tmp, mode="datacenter"),
    "linear": lambda tmp: LinearHarness(tmp),
}
CHILDREN = ("T-5", "T-6", "T-7")  # sub-tasks of T-2


@pytest.fixture(params=sorted(HARNESSES))
def tracker(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Harness]:
    harness = HARNESSES[request.param](tmp_path)
    with harness.running():
        yield harness


# --- edits a person makes, per tracker ------------------------------------------------------

def add_children(h: Harness) -> None:
    for symbolic in CHILDREN:
        if isinstance(h, JiraHarness):
            h.fake.add_issue(h.key(symbolic), "A sub-task", issuetype="Sub-task",
                             parent=h.key("T-2"))
        else:
            assert isinstance(h, LinearHarness)
            h.fake.add_issue("CHK", "A sub-task", parent=h.key("T-2"))


def unlink(h: Harness, symbolic: str) -> None:
    if isinstance(h, JiraHarness):
        if h.fake.cloud:
            h.fake.update_fields(h.key(symbolic), parent=None)
        else:
            from tests.fakes.jira_site import EPIC_LINK
            h.fake.update_fields(h.key(symbolic), **{EPIC_LINK[h.mode]: None})
    else:
        assert isinstance(h, LinearHarness)
        h.fake.update_issue(h.key(symbolic), project=None)


def close(h: Harness, symbolic: str) -> None:
    if isinstance(h, JiraHarness):
        h.fake.update_fields(h.key(symbolic), status={
            "name": "Done", "statusCategory": {"key": "done", "name": "Done"}})
    else:
        assert isinstance(h, LinearHarness)
        h.fake.update_issue(h.key(symbolic), state="completed")


def move_out(h: Harness, symbolic: str) -> None:
    if isinstance(h, JiraHarness):
        h.fake.add_project("OUT")
        h.fake.update_fields(h.key(symbolic), project={"key": "OUT", "id": "99", "name": "OUT"})
    else:
        assert isinstance(h, LinearHarness)
        team = h.fake.add_team("OUT")
        h.fake.update_issue(h.key(symbolic), teamId=team["id"])


def delete(h: Harness, symbolic: str) -> None:
    if isinstance(h, JiraHarness):
        del h.fake.issues[h.key(symbolic)]
    else:
        assert isinstance(h, LinearHarness)
        issue = h.fake.issue(h.key(symbolic))
        del h.fake.store.issues[issue["id"]]


def reads(h: Harness) -> int:
    if isinstance(h, JiraHarness):
        return len(h.fake.reads)
    assert isinstance(h, LinearHarness)
    return h.fake.query_requests


def flags(h: Harness, keys: tuple[str, ...]) -> dict[str, tuple[list[str], int]]:
    return {k: (h.labels(k), len(h.aligner_comments(k))) for k in keys}


def converged_like_full(h: Harness, keys: tuple[str, ...]) -> None:
    """The plain sync's result equals a fresh --full sync's, and the next run writes nothing."""
    after_plain = flags(h, keys)
    fresh = h.sync(full=True, state_path=h.tmp / "fresh.db")
    assert fresh.planned == [], [p.item.key for p in fresh.planned]
    assert flags(h, keys) == after_plain
    h.reset_requests()
    assert h.sync().planned == [] and h.write_requests() == 0


# --- the scenarios ---------------------------------------------------------------------------

def test_a_container_linked_then_unlinked_reflags_every_descendant(tracker: Harness) -> None:
    add_children(tracker)
    first = tracker.sync()
    assert first.complete
    assert all(tracker.labels(k) == ["aligner:untraced"] for k in ("T-2", *CHILDREN))
    tracker.link_to_objective("T-2")  # the parent now traces; its sub-tasks were not edited
    tracker.reset_requests()
    outcome = tracker.sync()
    assert outcome.incremental == {tracker.name: True}
    assert all(tracker.labels(k) == [] for k in ("T-2", *CHILDREN))
    # the whole backlog, not the one item re-read
    assert outcome.evaluation.evaluated == first.evaluation.evaluated
    converged_like_full(tracker, ("T-2", *CHILDREN))
    unlink(tracker, "T-2")
    tracker.sync()
    assert all(tracker.labels(k) == ["aligner:untraced"] for k in ("T-2", *CHILDREN))
    converged_like_full(tracker, ("T-2", *CHILDREN))


@pytest.mark.parametrize("edit", [close, move_out])
def test_a_flagged_ticket_that_leaves_the_scope_is_cleaned(tracker: Harness, edit: Any) -> None:
    assert tracker.sync().complete
    assert flags(tracker, ("T-3",)) == {"T-3": (["aligner:untraced"], 1)}
    before = tracker.sync().evaluation.evaluated
    edit(tracker, "T-3")
    outcome = tracker.sync()
    assert flags(tracker, ("T-3",)) == {"T-3": ([], 0)}
    assert outcome.evaluation.evaluated == before - 1
    tracker.reset_requests()
    assert tracker.sync().planned == [] and tracker.write_requests() == 0


def test_a_closed_ticket_is_cleaned_by_a_full_sync_too(tracker: Harness) -> None:
    assert tracker.sync().complete
    close(tracker, "T-4")
    tracker.sync(full=True, state_path=tracker.tmp / "other.db")  # no mirror at all
    assert flags(tracker, ("T-4",)) == {"T-4": ([], 0)}


def test_a_deleted_ticket_leaves_the_mirror_at_the_reconcile(tracker: Harness) -> None:
    before = tracker.sync().evaluation.evaluated
    delete(tracker, "T-4")
    state = tracker.tmp / "state.db"
    with sqlite3.connect(state) as db:  # as if the last id listing were a day old
        db.execute("UPDATE mirror_sources SET reconciled = '2000-01-01T00:00:00+00:00'")
    outcome = tracker.sync()
    assert outcome.evaluation.evaluated == before - 1
    with sqlite3.connect(state) as db:
        keys = {k for (k,) in db.execute("SELECT key FROM mirror_items")}
    assert tracker.key("T-4") not in keys and tracker.key("T-3") in keys


def test_an_incremental_summary_equals_a_full_ones(tracker: Harness) -> None:
    add_children(tracker)
    tracker.sync()
    tracker.link_to_objective("T-3")
    close(tracker, "T-4")
    plain = tracker.sync()
    full = tracker.sync(full=True, state_path=tracker.tmp / "fresh.db")
    assert plain.incremental == {tracker.name: True}
    assert summary(plain.evaluation) == summary(full.evaluation)
    assert json.dumps(summary(plain.evaluation)).count('"by_team"') == 1


def test_a_budget_stopped_run_resumes_without_a_full_read(tracker: Harness) -> None:
    first = tracker.sync(max_writes=1)
    assert not first.complete and first.pending
    tracker.reset_requests()
    before = reads(tracker)
    second = tracker.sync()
    assert second.complete and second.incremental == {tracker.name: True}
    assert all(tracker.labels(k) == ["aligner:untraced"] for k in UNTRACED)
    assert reads(tracker) - before <= 6  # changes since the cursor + scope exits, no full read
    tracker.reset_requests()
    assert tracker.sync().planned == [] and tracker.write_requests() == 0


def test_the_mirror_survives_a_kill_mid_apply(tracker: Harness,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    import aligner.sync.run as run

    def killed(*args: Any, **kwargs: Any) -> Any:
        raise KeyboardInterrupt

    with monkeypatch.context() as patch:
        patch.setattr(run, "apply", killed)
        with pytest.raises(KeyboardInterrupt):
            tracker.sync()
    assert tracker.sync().complete
    converged_like_full(tracker, ("T-1", *UNTRACED))


def test_a_corrupt_state_file_is_rebuilt_loudly(tracker: Harness,
                                                caplog: pytest.LogCaptureFixture) -> None:
    assert tracker.sync().complete
    state = tracker.tmp / "state.db"
    with sqlite3.connect(state) as db:
        db.execute("UPDATE mirror_items SET holders = 'garbage'")
    outcome = tracker.sync()
    assert "backlog mirror" in caplog.text and "rebuilding" in caplog.text
    assert outcome.incremental == {tracker.name: False} and outcome.planned == []
    tracker.reset_requests()
    assert tracker.sync().planned == [] and tracker.write_requests() == 0


def test_a_check_with_the_state_store_reads_only_the_delta(
        tracker: Harness, caplog: pytest.LogCaptureFixture) -> None:
    from aligner.sync.check import run_check

    fake: Any = tracker.fake  # type: ignore[attr-defined]
    clock = fake if isinstance(tracker, JiraHarness) else fake.store
    add_children(tracker)
    tracker.sync()
    clock.now += timedelta(hours=1)  # an edit an hour later, synced: the cursor moves on
    tracker.link_to_objective("T-3")
    tracker.sync()
    clock.now += timedelta(hours=1)  # and edits another hour later
    tracker.link_to_objective("T-2")
    close(tracker, "T-4")

    def check(**kwargs: Any) -> tuple[Any, int]:
        """The check, and how many items the trackers returned to it (the read's log)."""
        caplog.clear()
        with caplog.at_level(logging.INFO, logger="aligner.sync.read"):
            run = run_check(tracker.config, as_of=AS_OF, env=tracker.env(),
                            options={"sleep": tracker.sleeps.append,
                                     "now": lambda: clock.now}, **kwargs)
        counts = re.findall(r"fetched (\d+) items", caplog.text)
        return run, sum(map(int, counts))

    full, returned_in_full = check()  # no store: everything, as before
    mirrored, returned = check(state_path=tracker.tmp / "state.db")
    assert returned < returned_in_full, (returned, returned_in_full)
    assert summary(mirrored.evaluation) == summary(full.evaluation)
    assert mirrored.snapshot.fetched == full.snapshot.fetched
    again = tracker.sync()  # the check recorded its reads: the sync goes on from there
    assert again.incremental == {tracker.name: True}
    assert summary(again.evaluation) == summary(full.evaluation)
    check(state_path=tracker.tmp / "none.db")  # no store there: none is created
    assert not (tracker.tmp / "none.db").exists()


@pytest.mark.parametrize("mode", ["cloud", "datacenter"])
def test_an_ancestor_outside_the_scope_edited_later_reflags_its_descendants(
        tmp_path: Path, mode: str) -> None:
    """An epic outside the JQL (another project) is held as an ancestor; when a PM removes
    its okr: label, the next plain sync re-reads it (one id query for changes outside the
    scope) and flags the story below it."""
    h = JiraHarness(tmp_path, mode=mode)
    with h.running():
        h.fake.add_issue("PLAT-1", "Platform epic", issuetype="Epic", labels=["okr:CHK-Q4-1"])
        h.fake.add_issue(h.key("T-5"), "Under the platform epic", epic="PLAT-1")
        assert h.sync().complete and h.labels("T-5") == []
        h.fake.now += timedelta(hours=1)
        h.fake.update_fields("PLAT-1", labels=[])
        outcome = h.sync()
        assert outcome.incremental == {h.name: True}
        assert h.labels("T-5") == ["aligner:untraced"]
        converged_like_full(h, ("T-5",))


def test_a_linear_parent_in_another_team_labelled_later_clears_its_child(
        tmp_path: Path) -> None:
    """A parent issue in a team the config does not name is held as an ancestor; when a PM
    labels it `okr:<objective>`, the next plain sync re-reads it (one lean page of identifiers
    changed outside the scope) and clears the child's flags."""
    h = LinearHarness(tmp_path)
    with h.running():
        h.fake.add_team("OUT")
        h.fake.add_issue("OUT", "Platform parent")
        h.fake.add_issue("CHK", "Under another team's parent", parent="OUT-1")
        child = "T-5"  # CHK-5
        assert h.sync().complete and h.labels(child) == ["aligner:untraced"]
        h.reset_requests()
        assert h.sync().planned == [] and h.write_requests() == 0
        quiet = [r.name for r in h.fake.requests]  # a converged incremental run
        # incremental cursors are real time: the PM's edit comes after the last run's start
        h.fake.store.now = datetime.now(UTC) + timedelta(minutes=1)
        okr = h.fake.add_label("okr:CHK-Q4-1")
        h.fake.update_issue("OUT-1", labelIds=[okr["id"]])
        h.reset_requests()
        outcome = h.sync()
        assert outcome.incremental == {h.name: True}
        assert h.labels(child) == [] and h.aligner_comments(child) == []
        changed = [r.name for r in h.fake.requests]
        converged_like_full(h, (child,))
        # the extra cost: one lean page per incremental run, converged or not
        assert quiet.count("ChangedOutside") == changed.count("ChangedOutside") == 1
        assert [r.name for r in h.fake.requests] == quiet
