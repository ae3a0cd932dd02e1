"""Jira Cloud: aligner's comment is created inside the issue edit that records it, so a kill
leaves no comment without its state. Before creating, aligner still looks (one read per 100
planned creations, none when nothing is to be created) and adopts an aligner comment no state
names — one an older version posted before it was killed, or one another run with separate
state created meanwhile — instead of creating a second one."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from aligner.cli import cli
from aligner.engine.items import BacklogItem
from aligner.plugins.adapter import WriteResult
from aligner.sync.plan import CREATE, UPDATE, ItemPlan
from aligner_adapters.jira.precheck import windows
from aligner_adapters.jira.state import ADF_MARKER, mark_adf, marked_adf
from tests.fakes.jira import CLOUD, DATACENTER, FakeJira, Recorded

from .support import adapter, full_run, plans_for, seed_backlog, write_model

AS_OF = "2026-11-20"
MARKED = mark_adf({"type": "doc", "version": 1, "content": [
    {"type": "paragraph", "content": [{"type": "text", "text": "aligner: stale findings"}]}]})


def sync(fake: FakeJira, config: Path, state: Path, code: int = 0) -> Result:
    result = CliRunner().invoke(cli, ["sync", "-c", str(config), "--state", str(state),
                                      "--as-of", AS_OF, "--fail-on", "never", "--format",
                                      "json"], env=fake.env())
    assert result.exit_code == code, result.output
    return result


def comment_checks(fake: FakeJira) -> list[Recorded]:
    """The precheck's reads: bulkfetch asking for the `comment` field only."""
    return [r for r in fake.requests if r.op == "bulkfetch" and r.body["fields"] == ["comment"]]


def apply_all(fake: FakeJira, fault: str | None = None, status: int = 503) -> list[WriteResult]:
    """One run on `project = CHK` (PLAT-1, the epic, is known); `fault` fails that path."""
    run = adapter(fake, jql="project = CHK")
    plans = plans_for(run.fetch(), ["PLAT-1"])
    if fault:
        fake.fail("POST", fault, status, times=99)
    results = list(run.apply(plans))
    assert [r.error for r in results if r.error] == []
    return results


def small_site(rsps: object, mode: str = CLOUD) -> FakeJira:
    fake = FakeJira(mode, now=datetime.now(UTC)).install(rsps)
    fake.add_issue("PLAT-1", "Platform epic", issuetype="Epic", category="indeterminate")
    fake.add_issue("CHK-1", "Traced work", epic="PLAT-1")
    fake.add_issue("CHK-2", "Untraced work")
    fake.add_issue("CHK-3", "More untraced work")
    return fake


def test_killed_at_the_edit_that_creates_the_comment_nothing_is_half_done(
        rsps: object, tmp_path: Path) -> None:
    fake = small_site(rsps)
    config = write_model(tmp_path, fake)
    fake.interrupt("PUT", "/issue/CHK-2$")  # the one write that would comment and record
    killed = sync(fake, config, tmp_path / "state.db", code=3)
    assert "rerun" in killed.stderr
    assert fake.comments("CHK-2") == [] and fake.issue_property("CHK-2") is None

    fake.reset_requests()
    sync(fake, config, tmp_path / "fresh" / "state.db")  # no local state: not in recovery
    assert len(fake.comments("CHK-2")) == len(fake.comments("CHK-3")) == 1
    assert fake.labels("CHK-2") == fake.labels("CHK-3") == ["aligner:untraced"]
    assert fake.issue_property("CHK-2") == fake.issue_property("CHK-3")
    assert fake.issue_property("CHK-2")["comment"] == "in-edit"
    assert fake.count("comment.create") == 0 and len(fake.writes) == 2  # one edit each
    assert len(comment_checks(fake)) == 1 and fake.count("myself") == 0
    assert fake.comments("CHK-1") == []

    fake.reset_requests()
    again = json.loads(sync(fake, config, tmp_path / "fresh2" / "state.db").stdout)
    assert fake.writes == [] and again["sync"]["complete"]
    assert comment_checks(fake) == [] and fake.count("myself") == 0


def test_a_comment_that_differs_is_updated_in_place(rsps: object) -> None:
    fake = small_site(rsps)
    stale = fake.add_comment("CHK-2", MARKED, author=fake.email)  # an older run's, unrecorded
    full_run(fake, jql="project = CHK")
    [comment] = fake.comments("CHK-2")
    assert comment["id"] == stale["id"] and comment["body"] != MARKED
    assert marked_adf(comment["body"])
    assert fake.issue_property("CHK-2")["comment"] == stale["id"]
    assert [r.path for r in fake.requests if r.op == "comment.update"] == [
        f"/rest/api/3/issue/CHK-2/comment/{stale['id']}"]


@pytest.mark.parametrize("who", ["a person quoting aligner", "the API user, unmarked"])
def test_only_the_api_users_marked_comment_is_aligners(rsps: object, who: str) -> None:
    fake = small_site(rsps)
    if who == "a person quoting aligner":  # the invisible marker is copied along
        human = fake.add_comment("CHK-2", MARKED)
    else:  # a token that belongs to a person, who also comments by hand
        human = fake.add_comment("CHK-2", {"type": "doc", "version": 1, "content": []},
                                 author=fake.email)
    full_run(fake, jql="project = CHK")
    first, second = fake.comments("CHK-2")
    assert first == human and marked_adf(second["body"])  # untouched; a new one beside it
    assert fake.issue_property("CHK-2")["comment"] == "in-edit"
    assert fake.count("comment.update") == 0 and fake.count("comment.delete") == 0


def test_one_read_per_100_creations_and_none_without_creations(rsps: object, mode: str) -> None:
    fake = FakeJira(mode).install(rsps)
    seed_backlog(fake)
    _, _, plans = full_run(fake)
    creations = sum(p.comment == CREATE for p in plans)
    assert creations > 100  # two windows at least
    assert len(comment_checks(fake)) == ((creations + 99) // 100 if fake.cloud else 0)
    assert all(len(r.body["issueIdsOrKeys"]) <= 100 and "properties" not in r.body
               for r in comment_checks(fake))
    assert fake.count("myself") == 0  # no marked comment anywhere: no need to know who we are
    fake.reset_requests()
    run = adapter(fake)
    items = list(run.fetch())
    ancestors = list(run.fetch_missing(sorted({p for i in items for p in i.parents})))
    assert plans_for(items, [a.key for a in ancestors]) == []
    assert comment_checks(fake) == []


def test_the_api_user_is_asked_for_once_when_a_marked_comment_turns_up(rsps: object) -> None:
    fake = FakeJira(CLOUD).install(rsps)
    for n in range(1, 151):
        fake.add_issue(f"CHK-{n}")
    fake.add_comment("CHK-150", MARKED, author=fake.email)  # checked in the second window
    apply_all(fake)
    assert len(comment_checks(fake)) == 2 and fake.count("myself") == 1
    assert len(fake.comments("CHK-150")) == 1 and fake.count("comment.update") == 1
    assert fake.count("comment.create") == 0 and fake.count("edit") == 150


def test_a_cut_short_comment_list_falls_back_to_listing_them(rsps: object) -> None:
    fake = FakeJira(CLOUD, comment_limit=1).install(rsps)
    fake.add_issue("CHK-1")
    fake.add_comment("CHK-1", {"type": "doc", "version": 1, "content": []})
    fake.add_comment("CHK-1", MARKED, author=fake.email,
                     properties={"aligner": {"v": 1, "digest": "stale"}})
    full_run(fake, jql="project = CHK")
    assert len(fake.comments("CHK-1")) == 2  # updated the one it found, posted none
    assert fake.count("comment.list") == 1 and fake.count("comment.update") == 1


@pytest.mark.parametrize("status", [400, 403, 503])
def test_a_failed_check_falls_back_to_the_per_issue_check(rsps: object, status: int) -> None:
    fake = small_site(rsps)
    fake.add_comment("CHK-2", MARKED, author=fake.email,
                     properties={"aligner": {"v": 1, "digest": "stale"}})
    apply_all(fake, "/bulkfetch$", status)
    assert len(fake.comments("CHK-2")) == 1 and len(fake.comments("CHK-3")) == 1
    assert fake.count("comment.list") == 2  # CHK-2 and CHK-3, each looked at once


def test_recovery_mode_and_data_center_make_no_check(rsps: object) -> None:
    cloud = small_site(rsps)
    run = adapter(cloud, jql="project = CHK")
    assert all(r.ok for r in run.apply(plans_for(run.fetch(), ["PLAT-1"]), recover=True))
    assert comment_checks(cloud) == [] and cloud.count("comment.list") == 2
    dc = small_site(rsps, DATACENTER)
    full_run(dc, jql="project = CHK")
    assert [r.op for r in dc.requests].count("bulkfetch") == 0


def test_windows_hold_at_most_100_creations_in_order() -> None:
    plans = [ItemPlan(BacklogItem(f"CHK-{n}", "jira", "jira"), comment=CREATE if n % 2 else
                      UPDATE) for n in range(1, 251)]
    parts = list(windows(plans))
    assert [p for part in parts for p in part] == plans
    assert [sum(p.comment == CREATE for p in part) for part in parts] == [100, 25]
    assert list(windows([])) == []


def test_the_marker_survives_merged_text_nodes() -> None:
    merged = {"type": "doc", "version": 1, "content": [{"type": "paragraph", "content": [
        {"type": "text", "text": "Fix it." + ADF_MARKER}]}]}
    assert marked_adf(merged) and marked_adf(MARKED)
    assert not marked_adf({"type": "doc", "version": 1, "content": [{"type": "paragraph",
                           "content": [{"type": "text", "text": ADF_MARKER + " quoted"}]}]})
    assert not marked_adf("plain text" + ADF_MARKER) and not marked_adf(None)
    empty = mark_adf({"type": "doc", "version": 1, "content": []})
    assert empty["content"] == [{"type": "paragraph", "content": [
        {"type": "text", "text": ADF_MARKER}]}]
