"""Writing: labels, the comment and aligner's state, then idempotence, fixing and keeping."""

from __future__ import annotations

from typing import Any

from aligner.report.sync import plan_line
from aligner.sync.budget import write_cost
from aligner.sync.plan import CREATE, DELETE, UPDATE
from aligner_adapters.jira.state import mark_adf, marked_adf, wiki_marker
from tests.fakes.jira import FakeJira

from .support import DANGLING, adapter, full_run, plans_for, seed_backlog


def test_flags_appear_and_a_second_run_writes_nothing(fake: FakeJira) -> None:
    seed_backlog(fake)
    _, _, plans = full_run(fake)
    flagged = [p for p in plans if p.comment == CREATE]
    assert len(flagged) == len(plans) > 100
    assert fake.labels("CHK-1") == ["aligner:untraced"]
    assert "aligner:broken-link" in fake.labels("CHK-25")  # its epic does not exist
    assert fake.labels("CHK-10") == ["area:checkout", "aligner:untraced"]  # human label kept
    [comment] = fake.comments("CHK-1")
    if fake.cloud:  # created inside the edit, with the state naming it (#13 item 1)
        assert comment["body"]["type"] == "doc" and marked_adf(comment["body"])
        assert comment["author"]["accountId"] == fake.user_view(fake.email)["accountId"]
        assert fake.issue_property("CHK-1") == {"v": 1, "digest": "aligner:untraced",
                                                "comment": "in-edit"}
        assert fake.count("comment.create") == 0  # one write per flagged item, not two
    else:
        assert comment["body"].endswith("{anchor:aligner-state-" +
                                         b"aligner:untraced".hex() + "}")
    edits = [r for r in fake.writes if r.op == "edit"]
    assert len(edits) == len(plans)  # one edit per changed item: labels and state together
    assert all(r.query["notifyUsers"] == ["false"] for r in edits)
    assert all("labels" not in (r.body.get("fields") or {}) for r in edits)

    fake.reset_requests()
    run = adapter(fake)
    items = list(run.fetch())
    ancestors = list(run.fetch_missing(sorted({p for i in items for p in i.parents})))
    assert plans_for(items, [a.key for a in ancestors]) == []
    assert list(run.apply([])) == [] and fake.writes == []
    assert len(fake.requests) == 5  # field list, three pages, one ancestor batch


def test_fixing_the_link_removes_labels_and_comment(fake: FakeJira) -> None:
    seed_backlog(fake)
    full_run(fake)
    fake.add_comment("CHK-1", "Thanks, looking" if not fake.cloud else {
        "type": "doc", "version": 1, "content": []})  # a human reply stays
    epic = {"parent": {"key": "PLAT-1"}} if fake.cloud else {"customfield_12311120": "PLAT-1"}
    fake.update_fields("CHK-1", **epic)
    fake.reset_requests()
    _, _, plans = full_run(fake)
    [fixed] = [p for p in plans if p.item.key == "CHK-1"]
    assert fixed.comment == DELETE and fixed.remove_labels == ("aligner:untraced",)
    assert fake.labels("CHK-1") == []
    assert [fake.author(c) for c in fake.comments("CHK-1")] == ["pm@acme.example"]
    assert fake.count("comment.delete") == 1
    if fake.cloud:
        assert fake.issue_property("CHK-1") == {"v": 1, "digest": None, "comment": None}


def test_changed_findings_update_the_comment_in_place(fake: FakeJira) -> None:
    fake.add_issue("CHK-1")
    full_run(fake, jql="project = CHK")
    [before] = fake.comments("CHK-1")
    fake.update_fields("CHK-1", **({"parent": {"key": DANGLING}} if fake.cloud
                                   else {"customfield_12311120": DANGLING}))
    _, _, [plan] = full_run(fake, jql="project = CHK")
    assert plan.comment == UPDATE
    [after] = fake.comments("CHK-1")
    assert after["id"] == before["id"] and after["body"] != before["body"]
    assert fake.labels("CHK-1") == ["aligner:broken-link"]


def test_keep_on_resolve_edits_the_comment_to_a_resolved_note(fake: FakeJira) -> None:
    fake.add_issue("PLAT-1", issuetype="Epic")
    fake.add_issue("CHK-1")
    full_run(fake, jql="project = CHK")
    fake.update_fields("CHK-1", **({"parent": {"key": "PLAT-1"}} if fake.cloud
                                   else {"customfield_12311120": "PLAT-1"}))
    run = adapter(fake, jql="project = CHK")
    items = list(run.fetch())
    from aligner.comment.document import Comment, Paragraph, Text

    note = Comment((Paragraph((Text("Resolved."),)),))
    [plan] = plans_for(items, ["PLAT-1"], on_resolve="keep", resolved_body=note)
    assert [r.error for r in run.apply([plan])] == [None]
    [comment] = fake.comments("CHK-1")
    assert "Resolved." in str(comment["body"]) and fake.labels("CHK-1") == []
    again = adapter(fake, jql="project = CHK")
    assert plans_for(again.fetch(), ["PLAT-1"], on_resolve="keep", resolved_body=note) == []


def test_a_comment_deleted_by_a_person_is_posted_again_on_update(fake: FakeJira) -> None:
    fake.add_issue("CHK-1")
    full_run(fake, jql="project = CHK")
    fake.issues["CHK-1"]["comments"].clear()  # someone deleted aligner's comment
    if not fake.cloud:
        return  # on DC the comment is the state: the next plan simply creates it again
    fake.update_fields("CHK-1", parent={"key": DANGLING})
    fake.reset_requests()
    full_run(fake, jql="project = CHK")
    [comment] = fake.comments("CHK-1")
    # the id was not known yet ("in-edit"): one listing finds nothing, the edit creates anew
    assert fake.issue_property("CHK-1")["comment"] == "in-edit"
    assert fake.count("comment.list") == 1 and fake.count("comment.update") == 0
    assert [r.op for r in fake.writes] == ["edit"] and marked_adf(comment["body"])


def test_sites_that_refuse_notify_users_get_edits_without_it(rsps: object, mode: str) -> None:
    fake = FakeJira(mode, notify_requires_admin=True).install(rsps)
    for n in range(1, 4):
        fake.add_issue(f"CHK-{n}")
    full_run(fake, jql="project = CHK")
    edits = [r for r in fake.requests if r.op == "edit"]
    assert [r.status for r in edits] == [403, 204, 204, 204]  # asked once, then not again
    assert all(fake.labels(f"CHK-{n}") == ["aligner:untraced"] for n in range(1, 4))


def test_one_failing_item_does_not_stop_the_others(fake: FakeJira) -> None:
    for n in range(1, 4):
        fake.add_issue(f"CHK-{n}")
    run = adapter(fake, jql="project = CHK")
    plans = plans_for(run.fetch())
    del fake.issues["CHK-2"]  # deleted between reading and writing
    results = list(run.apply(plans))
    assert [r.key for r in results] == ["CHK-1", "CHK-2", "CHK-3"]
    assert results[1].error and "404" in results[1].error
    assert results[0].ok and results[2].ok
    assert results[0].requests == (1 if fake.cloud else 2)  # Cloud: comment inside the edit


def test_no_write_when_only_the_digest_moves_on_data_center(rsps: object) -> None:
    fake = FakeJira("datacenter").install(rsps)
    fake.add_issue("CHK-1")
    run = adapter(fake, jql="project = CHK")
    [plan] = plans_for(run.fetch())
    assert run._writer is None and plan.digest
    list(run.apply([plan]))
    # DC: the state is in the comment, so the labels go first (a refused edit posts nothing)
    assert [r.op for r in fake.writes] == ["edit", "comment.create"]
    assert list(fake.writes[0].body) == ["update"]


def test_an_oversized_comment_is_summarised_within_jiras_limit(fake: FakeJira) -> None:
    """#13 item 3: ~100 owned components made a 35,850-character comment Jira refused."""
    import json
    from dataclasses import replace

    from tests.comment.test_limits import big_comment

    fake.add_issue("CHK-1")
    run = adapter(fake, jql="project = CHK")
    [plan] = plans_for(run.fetch())
    [result] = run.apply([replace(plan, body=big_comment(150))])
    assert result.ok and fake.labels("CHK-1") == ["aligner:untraced"]
    [comment] = fake.comments("CHK-1")
    body = comment["body"]
    stored = json.dumps(body) if fake.cloud else body
    assert 20_000 < len(stored) <= 32_767 and "more." in str(body)


def test_a_refused_comment_never_blocks_the_labels(fake: FakeJira) -> None:
    """#13 item 3: the labels go on although the comment fails; the next run retries it."""
    fake.add_issue("CHK-1")
    if fake.cloud:  # the edit that creates the comment is refused; without it, it goes
        fake.fail("PUT", "/issue/CHK-1$", 400, message="comment too long")
    else:
        fake.fail("POST", "/issue/CHK-1/comment$", 400, message="comment too long", times=99)
    run = adapter(fake, jql="project = CHK")
    [result] = run.apply(plans_for(run.fetch()))
    assert "too long" in (result.error or "")
    assert fake.labels("CHK-1") == ["aligner:untraced"] and fake.comments("CHK-1") == []
    fake.faults.clear()
    again = adapter(fake, jql="project = CHK")
    [retry] = plans_for(again.fetch())
    assert retry.comment == CREATE and retry.add_labels == ()
    assert [r.ok for r in again.apply([retry])] == [True] and len(fake.comments("CHK-1")) == 1


def duplicate(fake: FakeJira, key: str, digest: str = "aligner:untraced") -> dict[str, Any]:
    """An aligner comment beside the one there: what a second run with its own state posts."""
    if fake.cloud:
        body = mark_adf({"type": "doc", "version": 1, "content": [
            {"type": "paragraph", "content": [{"type": "text", "text": "aligner: dup"}]}]})
        return fake.add_comment(key, body, author=fake.email)
    return fake.add_comment(key, "dup" + wiki_marker(digest), author=fake.email)


def test_duplicate_comments_are_deleted_and_counted(fake: FakeJira) -> None:
    """#13 item 2: Data Center's search shows the duplicate to any run; Cloud's search carries
    no comments, so `sync --full` looks (one bulkfetch per 100 commented issues) — and a
    normal run on Cloud reads nothing more."""
    fake.add_issue("CHK-1")
    full_run(fake, jql="project = CHK")
    extra = duplicate(fake, "CHK-1")
    fake.reset_requests()
    if fake.cloud:
        normal = adapter(fake, jql="project = CHK")
        assert plans_for(normal.fetch()) == [] and fake.count("bulkfetch") == 0
    run = adapter(fake, jql="project = CHK", options={"full": True})
    [plan] = plans_for(run.fetch())
    assert len(plan.delete_extras) == 1 and plan.comment is None and not plan.changes_labels
    assert write_cost(plan) == 1 and "delete 1 duplicate comment" in plan_line(plan)
    [result] = run.apply([plan])
    assert result.ok and result.repaired == 1 and fake.count("comment.delete") == 1
    assert len(fake.comments("CHK-1")) == 1
    # Cloud's state names no id yet ("in-edit"): the newest stays; DC keeps the newest too
    assert fake.comments("CHK-1")[0]["id"] == extra["id"]
    again = adapter(fake, jql="project = CHK", options={"full": True})
    assert plans_for(again.fetch()) == []


def test_cloud_learns_the_id_and_repairs_duplicates_when_it_updates(rsps: object) -> None:
    """An update of a comment created inside an edit (id not known yet) lists the comments
    once: it keeps the newest, deletes the others, and records the id with its edit."""
    fake = FakeJira("cloud").install(rsps)
    fake.add_issue("CHK-1")
    full_run(fake, jql="project = CHK")
    assert fake.issue_property("CHK-1")["comment"] == "in-edit"
    newest = duplicate(fake, "CHK-1")
    fake.update_fields("CHK-1", parent={"key": DANGLING})
    fake.reset_requests()
    run = adapter(fake, jql="project = CHK")
    [plan] = plans_for(run.fetch())
    assert plan.comment == UPDATE and plan.delete_extras == ()
    [result] = run.apply([plan])
    assert result.ok and result.repaired == 1
    [comment] = fake.comments("CHK-1")
    assert comment["id"] == newest["id"] and fake.issue_property("CHK-1")["comment"] == newest["id"]
    assert [r.op for r in fake.writes] == ["comment.update", "comment.delete", "edit"]
    assert fake.count("comment.list") == 1 and fake.count("myself") == 1
