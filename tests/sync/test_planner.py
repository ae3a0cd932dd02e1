"""The pure planner: (desired flags, flags on the ticket) → operations, or nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from aligner.comment.document import Comment, Paragraph, Text
from aligner.engine.items import BacklogItem, TicketFlags
from aligner.mirror.store import StateLocked, StateStore
from aligner.sync.budget import within_budget, write_cost
from aligner.sync.plan import CREATE, DELETE, RESOLVED, UPDATE, plan_item
from aligner.sync.planner import digest_of

BODY = Comment((Paragraph((Text("x"),)),))
UNTRACED = frozenset({"aligner:untraced"})


def item(**flags: object) -> BacklogItem:
    return BacklogItem("CHK-1", "jira", "jira", flags=TicketFlags(**flags))  # type: ignore[arg-type]


def test_new_finding_adds_label_and_creates_comment() -> None:
    plan = plan_item(item(), UNTRACED, "d1", BODY)
    assert plan is not None
    assert (plan.add_labels, plan.remove_labels, plan.comment) == (("aligner:untraced",), (),
                                                                   CREATE)
    assert plan.digest == "d1" and plan.body is BODY


def test_unchanged_ticket_needs_nothing() -> None:
    assert plan_item(item(labels=UNTRACED, comment_id="c", digest="d1"), UNTRACED, "d1",
                     BODY) is None


def test_changed_findings_update_the_comment_in_place() -> None:
    plan = plan_item(item(labels=UNTRACED, comment_id="c", digest="d1"),
                     frozenset({"aligner:stale-link"}), "d2", BODY)
    assert plan is not None and plan.comment == UPDATE
    assert plan.add_labels == ("aligner:stale-link",)
    assert plan.remove_labels == ("aligner:untraced",)


def test_fixed_ticket_loses_labels_and_comment() -> None:
    plan = plan_item(item(labels=UNTRACED, comment_id="c", digest="d1"), frozenset(), None,
                     None)
    assert plan is not None and plan.comment == DELETE and plan.digest is None
    assert plan.remove_labels == ("aligner:untraced",)


def test_on_resolve_keep_edits_once_to_a_resolved_note() -> None:
    flags = {"labels": UNTRACED, "comment_id": "c", "digest": "d1"}
    plan = plan_item(item(**flags), frozenset(), None, None, on_resolve="keep",
                     resolved_body=BODY)
    assert plan is not None and plan.comment == UPDATE and plan.digest == RESOLVED
    assert plan_item(item(comment_id="c", digest=RESOLVED), frozenset(), None, None,
                     on_resolve="keep", resolved_body=BODY) is None


def test_without_comments_labels_alone_are_the_state() -> None:
    assert plan_item(item(labels=UNTRACED), UNTRACED, "d1", BODY, comment=False) is None
    plan = plan_item(item(labels=UNTRACED, comment_id="c", digest="d1"), UNTRACED, "d1", BODY,
                     comment=False)
    assert plan is not None and plan.comment == DELETE


def test_digest_ignores_order_and_repeats_but_not_codes() -> None:
    assert digest_of(["AL101", "AL203", "AL203"]) == digest_of(["AL203", "AL101"])
    assert digest_of(["AL101"]) != digest_of(["AL102"])


def test_budget_keeps_whole_items_and_leaves_the_rest_pending() -> None:
    plans = [plan_item(BacklogItem(f"CHK-{n}", "jira", "jira"), UNTRACED, "d", BODY)
             for n in range(5)]
    assert all(p is not None and write_cost(p) == 2 for p in plans)
    now, pending = within_budget(plans, 5)  # type: ignore[arg-type]
    assert [p.item.key for p in now] == ["CHK-0", "CHK-1"]
    assert [p.item.key for p in pending] == ["CHK-2", "CHK-3", "CHK-4"]


def test_state_store_lock_cursor_and_history(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    with StateStore.open(path) as state:
        with pytest.raises(StateLocked, match="another aligner sync is running"), \
                StateStore.open(path):
            pass
        from datetime import UTC, datetime

        now = datetime(2026, 11, 15, 9, 30, tzinfo=UTC)
        state.save_cursor("jira", now, "fp1")
        assert state.cursor("jira", "fp1") == now
        assert state.cursor("jira", "fp2") is None  # model or rules changed: full read
        run = state.start_run(["jira"])
        assert state.previous_run_interrupted()
        state.finish_run(run, "complete", {"items": 3})
        assert not state.previous_run_interrupted()
        assert [r.summary for r in state.runs()] == [{"items": 3}]
