"""Reading Linear: lean pages, containers, flags from the same page, missing ancestors."""

from __future__ import annotations

import math
from datetime import UTC, datetime

import pytest

from aligner.engine.items import INITIATIVE, PROJECT
from aligner_adapters.linear.documents import ISSUE_PAGE_SIZE
from tests.fakes.linear import FakeLinear

from .conftest import AdapterFactory
from .workspace import build, graph_of


def test_pages_issues_of_the_configured_teams_lean(fake: FakeLinear,
                                                   make_adapter: AdapterFactory) -> None:
    build(fake)
    adapter = make_adapter()
    items = list(adapter.fetch())
    issues = [i for i in items if i.kind == "issue"]
    assert len(issues) == 225  # 250 minus the 25 done: a full read asks for open issues only
    assert {i.holders[0].label for i in issues} == {"Linear team CHK", "Linear team PAY"}
    pages = [r for r in fake.requests if r.name == "Issues"]
    assert len(pages) == math.ceil(225 / ISSUE_PAGE_SIZE)
    assert all(r.complexity < 2_000 for r in pages), [r.complexity for r in pages]
    assert [r.name for r in fake.requests] == ["Workspace", "Issues", "Issues", "Issues"]
    assert adapter.request_count == len(fake.requests)
    assert not fake.writes


def test_containers_carry_nested_initiatives(fake: FakeLinear,
                                             make_adapter: AdapterFactory) -> None:
    build(fake)
    graph = graph_of(make_adapter().fetch())
    wallets = fake.project("Wallets")
    project = graph[f"project:{wallets['id']}"]
    assert project.kind == PROJECT and project.refs == ("linear:project:Wallets",)
    (one_click_key,) = project.parents
    one_click = graph[one_click_key]
    assert one_click.kind == INITIATIVE and one_click.title == "One-click pay"
    frictionless = graph[one_click.parents[0]]
    grow = graph[frictionless.parents[0]]
    assert (frictionless.title, grow.title, grow.parents) == (
        "Frictionless checkout", "Grow self-serve", ())
    assert f"project:{fake.project('Ops tooling')['id']}" not in graph  # OPS is not read


def test_issue_mapping(fake: FakeLinear, make_adapter: AdapterFactory) -> None:
    ws = build(fake, issues=12)
    graph = graph_of(make_adapter().fetch())
    first = graph["CHK-1"]
    assert first.labels == ("area:checkout",)
    assert first.parents == (f"project:{fake.project('Checkout v2')['id']}",)
    assert first.url == fake.issue("CHK-1")["url"] and first.id == fake.issue("CHK-1")["id"]
    assert graph["PAY-3"].parents == (ws.ops_issue,)  # a parent in a team not read
    assert "PAY-5" not in graph  # completed: a full read asks for open issues only
    since = graph_of(make_adapter().fetch(datetime(2000, 1, 1, tzinfo=UTC)))  # incremental
    assert not since["PAY-5"].open and since["PAY-5"].evaluated is False  # sees it closed


def test_flags_come_from_the_same_page(fake: FakeLinear, make_adapter: AdapterFactory) -> None:
    fake.add_team("CHK")
    flagged = fake.add_issue("CHK", "Flagged", labels=["aligner:untraced", "aligner:waive"])
    own = fake.add_comment(flagged, "…\n\n`aligner-state:AL101%2CAL203`",
                           by=fake.store.users[fake.store.viewer_id])
    human = fake.add_issue("CHK", "A human quoted the marker")
    fake.add_comment(human, "see `aligner-state:AL999`")
    items = graph_of(make_adapter(teams=("CHK",)).fetch())
    flags = items["CHK-1"].flags
    assert flags.labels == {"aligner:untraced"}  # the waive label is not a flag
    assert (flags.comment_id, flags.digest) == (own["id"], "AL101,AL203")
    assert items["CHK-2"].flags.comment_id is None  # human comments are never aligner's
    assert len([r for r in fake.requests if r.name == "Issues"]) == 1


def test_incremental_reads_only_recent_changes(fake: FakeLinear,
                                               make_adapter: AdapterFactory) -> None:
    build(fake, issues=20)  # all made at 12:00:xx
    fake.store.now = datetime(2026, 11, 20, 13, tzinfo=UTC)
    fake.update_issue("CHK-3", title="Changed later")
    since = datetime(2026, 11, 20, 12, 30, tzinfo=UTC)
    items = [i for i in make_adapter().fetch(since=since) if i.kind == "issue"]
    assert [i.key for i in items] == ["CHK-3"]
    sent = next(r for r in fake.requests if r.name == "Issues").variables["filter"]
    assert sent["updatedAt"]["gte"] == datetime(2026, 11, 20, 12, 25, tzinfo=UTC).isoformat()


def test_fetch_missing_batches_issues_projects_initiatives(
        fake: FakeLinear, make_adapter: AdapterFactory) -> None:
    ws = build(fake, issues=12)
    adapter = make_adapter()
    list(adapter.fetch())
    tooling = fake.project("Ops tooling")
    fake.reset_counters()
    found = {i.key: i for i in adapter.fetch_missing(
        [ws.ops_issue, f"project:{tooling['id']}", "OPS-999", "NOPE-1", "project:nope",
         "initiative:nope", "not a key"])}
    assert set(found) == {ws.ops_issue, f"project:{tooling['id']}"}
    assert found[ws.ops_issue].parents == (f"project:{tooling['id']}",)
    assert [r.name for r in fake.requests] == ["Projects", "Initiatives", "Issues"]


def test_labels_of_other_teams_are_read_by_id(fake: FakeLinear,
                                              make_adapter: AdapterFactory) -> None:
    fake.add_team("CHK")
    fake.add_team("OPS")
    fake.add_label("ops-only", team="OPS")
    epic = fake.add_issue("OPS", "Epic", labels=["ops-only"])
    fake.add_issue("CHK", "Child", parent=epic)
    adapter = make_adapter(teams=("CHK",))
    list(adapter.fetch())
    (parent,) = adapter.fetch_missing(["OPS-1"])
    assert parent.labels == ("ops-only",)


def test_an_odd_issue_payload_is_skipped_not_fatal(fake: FakeLinear,
                                                   make_adapter: AdapterFactory,
                                                   caplog: pytest.LogCaptureFixture) -> None:
    fake.add_team("CHK")
    adapter = make_adapter(teams=("CHK",))
    list(adapter.fetch())
    good = {"id": "i1", "identifier": "CHK-1", "labelIds": [], "team": {"id": "t", "key": "CHK"}}
    odd = {"id": "i2", "title": "no identifier", "labelIds": []}
    reader = adapter._reader  # the page mapper, fed a payload Linear should never send
    assert [i.key for i in reader._map_page([odd, good])] == ["CHK-1"]
    assert "odd payload" in caplog.text


def test_changed_outside_lists_identifiers_the_scope_does_not_evaluate(
        fake: FakeLinear, make_adapter: AdapterFactory) -> None:
    """The mirror's re-read of held ancestors: issues updated since the cursor that are done or
    in another team, identifiers only, in one lean page."""
    for team in ("CHK", "OPS"):
        fake.add_team(team)
        for n in (1, 2, 3):
            fake.add_issue(team, f"{team} {n}")  # all made at 12:00:xx
    fake.store.now = datetime(2026, 11, 20, 13, tzinfo=UTC)
    fake.update_issue("CHK-1", title="open, in scope: the incremental read has it")
    fake.update_issue("CHK-2", state="completed")
    fake.update_issue("OPS-1", title="another team's parent, edited")
    fake.update_issue("OPS-2", state="canceled")
    since = datetime(2026, 11, 20, 12, 30, tzinfo=UTC)
    keys = list(make_adapter(teams=("CHK",)).changed_outside(since))
    assert sorted(keys) == ["CHK-2", "OPS-1", "OPS-2"]  # not CHK-1, nor CHK-3 / OPS-3 (older)
    [sent] = [r for r in fake.requests if r.name == "ChangedOutside"]
    assert [r.name for r in fake.requests] == ["ChangedOutside"]  # not even the workspace
    assert "nodes { identifier }" in sent.document and sent.complexity <= 600
