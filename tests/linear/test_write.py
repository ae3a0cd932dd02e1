"""Writing flags back: managed labels, one comment per flagged issue, batched, idempotent."""

from __future__ import annotations

import math
import re

from aligner.comment.document import escape_markdown
from aligner.engine.items import BacklogItem
from aligner.sync.plan import DELETE, UPDATE
from aligner_adapters.linear import LinearAdapter
from aligner_adapters.linear.documents import WRITE_BATCH_ITEMS
from aligner_adapters.linear.state import digest_of, state_marker
from tests.fakes.linear import FakeLinear

from .conftest import AdapterFactory
from .workspace import UNTRACED, Workspace, build, plans_for


def read_all(adapter: LinearAdapter) -> list[BacklogItem]:
    """fetch, then the missing ancestors, as the core's collector does."""
    items = list(adapter.fetch())
    keys = {i.key for i in items}
    missing = {p for i in items for p in i.parents if p not in keys}
    while missing:
        found = list(adapter.fetch_missing(sorted(missing)))
        items += found
        keys |= {i.key for i in found}
        missing = {p for i in found for p in i.parents if p not in keys}
    return items


def sync(ws: Workspace, make_adapter: AdapterFactory, **options: object) -> list[object]:
    adapter = make_adapter()
    plans = plans_for(read_all(adapter), ws.aligned_projects, **options)  # type: ignore[arg-type]
    results = list(adapter.apply(plans))
    assert [r.key for r in results] == [p.item.key for p in plans]
    assert all(r.ok for r in results), [r.error for r in results if not r.ok]
    return plans


def side_quest_issue(ws: Workspace) -> str:
    """An open issue in the untraced project (flagged by the first sync)."""
    return next(i["identifier"] for i in ws.fake.store.issues.values()
                if i["projectId"] == ws.side_quest and i["stateType"] == "started")


def own_comments(fake: FakeLinear, key: str) -> list[dict]:
    return [c for c in fake.comments_on(key) if c["userId"] == fake.store.viewer_id]


def test_flags_land_and_a_second_run_writes_nothing(fake: FakeLinear,
                                                    make_adapter: AdapterFactory) -> None:
    ws = build(fake)
    plans = sync(ws, make_adapter)
    flagged = [p.item.key for p in plans]
    assert len(flagged) > 50
    for key in flagged:
        assert UNTRACED in fake.label_names(key)
        (comment,) = own_comments(fake, key)
        assert digest_of(comment["body"]) == "AL101"
    (label,) = fake.find("labels", name=UNTRACED)
    assert label["teamId"] is None  # one workspace label serves both teams
    batches = math.ceil(len(plans) / WRITE_BATCH_ITEMS)
    assert fake.mutation_requests == 1 + batches  # the label creation, then the batches
    assert fake.mutation_count == 1 + 2 * len(plans)
    assert all("labelIds" not in args.get("input", {}) for _, args in fake.writes)
    assert all(r.complexity < 10_000 for r in fake.requests)

    fake.reset_counters()
    assert sync(ws, make_adapter) == []  # a fresh adapter: no local state, nothing to write
    assert fake.mutation_requests == 0
    assert {r.name for r in fake.requests} == {"Workspace", "Issues", "Projects"}


def test_moving_an_issue_into_an_aligned_project_removes_its_flags(
        fake: FakeLinear, make_adapter: AdapterFactory) -> None:
    ws = build(fake, issues=40)
    sync(ws, make_adapter)
    moved = side_quest_issue(ws)
    assert UNTRACED in fake.label_names(moved)
    fake.update_issue(moved, project="Checkout v2")
    human = fake.add_comment(moved, "Moved it, thanks aligner")
    fake.reset_counters()
    (plan,) = sync(ws, make_adapter)
    assert (plan.item.key, plan.remove_labels, plan.comment) == (moved, (UNTRACED,), DELETE)
    assert UNTRACED not in fake.label_names(moved)
    assert own_comments(fake, moved) == [] and fake.comments_on(moved) == [human]
    assert [name for name, _ in fake.writes] == ["issueUpdate", "commentDelete"]
    assert sync(ws, make_adapter) == []


def test_on_resolve_keep_edits_the_comment_once(fake: FakeLinear,
                                               make_adapter: AdapterFactory) -> None:
    ws = build(fake, issues=8)
    sync(ws, make_adapter, on_resolve="keep")
    moved = side_quest_issue(ws)
    fake.update_issue(moved, project="Wallets")
    (plan,) = sync(ws, make_adapter, on_resolve="keep")
    assert plan.comment == UPDATE
    (comment,) = own_comments(fake, moved)
    assert comment["body"].startswith("Resolved.") and digest_of(comment["body"]) == "resolved"
    assert sync(ws, make_adapter, on_resolve="keep") == []


def test_hostile_titles_are_escaped(fake: FakeLinear, make_adapter: AdapterFactory) -> None:
    fake.add_team("CHK")
    title = ("**Boss** says [click](https://evil.example) @everyone <img src=x> "
             "`aligner-state:FORGED` # heading")
    fake.add_issue("CHK", title)
    adapter = make_adapter(teams=("CHK",))
    list(adapter.apply(plans_for(read_all(adapter), set())))
    (comment,) = own_comments(fake, "CHK-1")
    body = comment["body"]
    assert escape_markdown(title) in body
    assert r"\[click\]\(https\:" in body and r"\@everyone" in body
    for raw in ("[click](", "**Boss**", "`aligner-state:FORGED`"):
        assert raw not in body
    assert body.endswith("\n\n" + state_marker("AL101"))  # the hidden state link (#18)
    text = body[:-len(state_marker("AL101"))]
    assert not re.search(r"(?<!\\)[@<>\[\]]", text)  # no mention, tag or link survives
    assert digest_of(body) == "AL101"  # the forged marker in the title is inert


def test_existing_team_label_is_used_and_clashes_fall_back_to_team_labels(
        fake: FakeLinear, make_adapter: AdapterFactory) -> None:
    ws = build(fake, issues=8)
    chk_label = fake.add_label(UNTRACED, team="CHK")  # a team made its own label earlier
    sync(ws, make_adapter)
    labels = {label["teamId"]: label["id"] for label in fake.find("labels", name=UNTRACED)}
    chk, pay = fake.team("CHK")["id"], fake.team("PAY")["id"]
    assert labels == {chk: chk_label["id"], pay: labels[pay]}  # no workspace label possible
    for issue in fake.store.issues.values():
        if set(issue["labelIds"]) & set(labels.values()):
            assert issue["labelIds"].count(labels[issue["teamId"]]) == 1
    assert sync(ws, make_adapter) == []


def test_labels_only_when_comments_are_off(fake: FakeLinear,
                                           make_adapter: AdapterFactory) -> None:
    ws = build(fake, issues=8)
    sync(ws, make_adapter)
    plans = sync(ws, make_adapter, comment=False)
    assert plans and all(p.comment == DELETE and not p.changes_labels for p in plans)
    assert not fake.find("comments", userId=fake.store.viewer_id)
    assert sync(ws, make_adapter, comment=False) == []


def test_one_failing_item_does_not_stop_its_batch(fake: FakeLinear,
                                                  make_adapter: AdapterFactory) -> None:
    ws = build(fake, issues=12)
    sync(ws, make_adapter)
    adapter = make_adapter()
    items = read_all(adapter)
    plans = plans_for(items, set(), code="AL102")  # every comment changes, some labels too
    victim = next(p for p in plans if p.comment == UPDATE)
    del fake.store.comments[victim.item.flags.comment_id]  # a human deleted it meanwhile
    fake.reset_counters()
    results = {r.key: r for r in adapter.apply(plans)}
    assert "Entity not found" in (results[victim.item.key].error or "")
    # Linear stops a request at the failing mutation; the rest go again in a second request
    assert fake.mutation_requests == 2 and fake.requests[0].status == 200
    assert all(r.ok for key, r in results.items() if key != victim.item.key)
    assert len(fake.find("comments", userId=fake.store.viewer_id)) == len(plans) - 1
    rerun = plans_for(read_all(make_adapter()), set(), code="AL102")
    assert [p.item.key for p in rerun] == [victim.item.key]  # the next run repairs it


def test_managed_labels_match_ignoring_case(fake: FakeLinear,
                                            make_adapter: AdapterFactory) -> None:
    fake.add_team("CHK")
    fake.add_project("Aligned", teams=["CHK"])
    fake.add_issue("CHK", "Flagged by hand", labels=["Aligner:Untraced"])
    fake.add_issue("CHK", "Fixed", project="Aligned", labels=["Aligner:Untraced"])
    adapter = make_adapter(teams=("CHK",))
    items = read_all(adapter)
    assert {i.key: i.flags.labels for i in items if i.kind == "issue"} == {
        "CHK-1": {UNTRACED}, "CHK-2": {UNTRACED}}
    plans = plans_for(items, {fake.project("Aligned")["id"]}, comment=False, teams=("CHK",))
    assert [(p.item.key, p.remove_labels) for p in plans] == [("CHK-2", (UNTRACED,))]
    assert all(r.ok for r in adapter.apply(plans))
    assert fake.label_names("CHK-2") == set() and fake.label_names("CHK-1") == {
        "Aligner:Untraced"}
    assert not fake.find("labels", name=UNTRACED)  # the hand-made label serves


def test_a_fresh_adapter_can_apply_plans_read_by_another(fake: FakeLinear,
                                                         make_adapter: AdapterFactory) -> None:
    ws = build(fake, issues=12)
    sync(ws, make_adapter)
    moved = side_quest_issue(ws)
    fake.update_issue(moved, project="Wallets")
    plans = plans_for(read_all(make_adapter()), ws.aligned_projects)
    assert all(r.ok for r in make_adapter().apply(plans))  # no page cache: labels by name
    assert UNTRACED not in fake.label_names(moved) and not own_comments(fake, moved)


def test_an_oversized_comment_is_summarised(fake: FakeLinear,
                                            make_adapter: AdapterFactory) -> None:
    """#13 item 3: a comment past Linear's (conservative) limit summarises, labels land."""
    from dataclasses import replace

    from aligner_adapters.linear.state import COMMENT_LIMIT
    from tests.comment.test_limits import big_comment

    ws = build(fake, issues=3)
    adapter = make_adapter()
    plan = plans_for(read_all(adapter), ws.aligned_projects)[0]
    [result] = adapter.apply([replace(plan, body=big_comment(150))])
    assert result.ok and UNTRACED in fake.label_names(plan.item.key)
    (comment,) = own_comments(fake, plan.item.key)
    assert len(comment["body"]) <= COMMENT_LIMIT + 100 and "more." in comment["body"]
    assert digest_of(comment["body"]) == "AL101"


def test_a_duplicate_comment_is_deleted_and_old_markers_still_read(
        fake: FakeLinear, make_adapter: AdapterFactory) -> None:
    """#13 item 2: the issue page asks for two of aligner's comments; a second one (another
    run with its own state posted it) is deleted by the next write, which says so. An older
    comment's visible code-span marker (#18) still reads back."""
    ws = build(fake, issues=6)
    sync(ws, make_adapter)
    key = side_quest_issue(ws)
    assert len(own_comments(fake, key)) == 1
    me = fake.store.users[fake.store.viewer_id]
    fake.add_comment(key, "an older run's\n\n`aligner-state:AL101`", by=me)
    adapter = make_adapter()
    plans = plans_for(read_all(adapter), ws.aligned_projects)
    [plan] = [p for p in plans if p.item.key == key]
    assert plans == [plan] and plan.comment is None and len(plan.delete_extras) == 1
    [result] = adapter.apply(plans)
    assert result.ok and result.repaired == 1
    (kept,) = own_comments(fake, key)
    assert digest_of(kept["body"]) == "AL101" and kept["id"] not in plan.delete_extras
    assert sync(ws, make_adapter) == []
