"""Discovery for `aligner init --from jira`: projects as teams, components, open epics, few
requests; through the CLI, a starter that validates."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
import responses
from click.testing import CliRunner

from aligner.cli import cli
from aligner.errors import AuthError
from aligner.model.load import load_config
from aligner.plugins.discovery import Discovery, RoadmapCandidate, TeamCandidate
from tests.fakes.jira import CLOUD, DATACENTER, FakeJira

from .support import adapter

PROJECTS = (("CHK", "Checkout"), ("OPS", "Operations: on-call #1"), ("PAY", "Payments"))
TEAMS = (
    TeamCandidate("CHK", "Checkout", {"projects": ["CHK"], "components": []},
                  ("components in CHK: Cart, Payments page",),
                  (RoadmapCandidate("jira:CHK-1", "epic: Redesign the cart"),)),
    TeamCandidate("OPS", "Operations: on-call #1", {"projects": ["OPS"], "components": []},
                  ("components in OPS: Pager",)),
    TeamCandidate("PAY", "Payments", {"projects": ["PAY"], "components": []},
                  roadmap=(RoadmapCandidate("jira:PAY-1", "epic: Pay by link"),)),
)


def epics(found: Discovery) -> list[str]:
    return [c.link for team in found.teams for c in team.roadmap]


def seed_site(fake: FakeJira) -> None:
    """Three projects, two with components; two open epics, a done one, and a story."""
    fake.add_project("CHK", "Checkout", components=["Cart", "Payments page"])
    fake.add_project("OPS", "Operations: on-call #1", components=["Pager"])
    fake.add_project("PAY", "Payments")
    earlier = fake.now - timedelta(days=3)
    fake.add_issue("CHK-1", "Redesign the cart", issuetype="Epic", category="indeterminate",
                   updated=earlier)
    fake.add_issue("CHK-2", "Old checkout", issuetype="Epic", category="done")
    fake.add_issue("CHK-3", "A story under the epic", epic="CHK-1")
    fake.add_issue("PAY-1", "Pay by link", issuetype="Epic")


def test_each_project_is_a_team_with_its_components_and_open_epics(fake: FakeJira) -> None:
    seed_site(fake)
    found = adapter(fake).discover()
    assert found.tracker == "jira" and found.teams == TEAMS  # open epics only
    assert found.strategy == ()
    assert found.scope == {"jql": "project in (CHK, OPS, PAY) AND statusCategory != Done"}


def test_the_scope_quotes_keys_jql_would_misread(fake: FakeJira) -> None:
    fake.add_project("AB_1", "Underscored")
    fake.add_project("x2", "Lower case")
    assert adapter(fake).discover().scope == {
        "jql": 'project in (AB_1, "x2") AND statusCategory != Done'}


def test_one_listing_one_components_call_per_project_and_one_epic_search(
        fake: FakeJira) -> None:
    seed_site(fake)
    run = adapter(fake)
    run.discover()
    listing, search = ("project.search", "search-jql") if fake.cloud else (
        "project.list", "search")
    assert fake.per_op() == {listing: 1, "project.components": 3, search: 1}
    assert run.request_count == 5 and fake.writes == []
    api = "3" if fake.cloud else "2"
    assert {r.path for r in fake.requests if r.op == "project.components"} == {
        f"/rest/api/{api}/project/{key}/components" for key in ("CHK", "OPS", "PAY")}
    epics = next(r for r in fake.requests if r.op == search)
    assert epics.query["jql"] == ["issuetype = Epic AND statusCategory != Done "
                                  "ORDER BY updated DESC"]
    assert epics.query["fields"] == ["summary,project"] and "properties" not in epics.query
    assert epics.query["maxResults"] == ["5000" if fake.cloud else "1000"]


@pytest.mark.parametrize("mode", [CLOUD, DATACENTER])
def test_long_listings_are_paged(mode: str, rsps: responses.RequestsMock) -> None:
    fake = FakeJira(mode, max_page=2).install(rsps)
    for number in range(1, 6):
        fake.add_project(f"P{number}", f"Project {number}")
        fake.add_issue(f"P{number}-1", f"Epic {number}", issuetype="Epic")
    found = adapter(fake).discover()
    assert [t.key for t in found.teams] == ["P1", "P2", "P3", "P4", "P5"]
    assert sorted(epics(found)) == [f"jira:P{n}-1" for n in range(1, 6)]
    if fake.cloud:
        pages = [r.query["startAt"] for r in fake.requests if r.op == "project.search"]
        assert pages == [["0"], ["2"], ["4"]]
    else:
        assert fake.count("project.list") == 1  # Data Center lists every project at once
    assert fake.count("search-jql" if fake.cloud else "search") == 3


def test_throttling_goes_through_the_one_retry_layer(fake: FakeJira, waits: list[float]) -> None:
    seed_site(fake)
    fake.throttle("GET", "/project/CHK/components", retry_after=7)
    assert adapter(fake, waits).discover().teams == TEAMS
    assert waits == [7.0]


def test_a_project_gone_since_the_listing_is_skipped(fake: FakeJira,
                                                     caplog: pytest.LogCaptureFixture) -> None:
    seed_site(fake)
    fake.fail("GET", "/project/OPS/components", 404, message="No project could be found")
    with caplog.at_level(logging.WARNING):
        found = adapter(fake).discover()
    assert found.teams == (TEAMS[0], replace(TEAMS[1], notes=()), TEAMS[2])
    assert "components of OPS skipped" in caplog.text


def test_a_site_refusing_the_epic_query_gives_no_epics(fake: FakeJira,
                                                      caplog: pytest.LogCaptureFixture) -> None:
    seed_site(fake)
    fake.fail("GET", r"/api/\d/search", 400,
              message="The value 'Epic' does not exist for the field 'issuetype'.")
    with caplog.at_level(logging.WARNING):
        found = adapter(fake).discover()
    assert epics(found) == [] and [t.key for t in found.teams] == ["CHK", "OPS", "PAY"]
    assert "does not exist for the field 'issuetype'" in caplog.text


def test_refused_credentials_stop_discovery(fake: FakeJira) -> None:
    seed_site(fake)
    fake.revoke()
    with pytest.raises(AuthError, match="refused the credentials"):
        adapter(fake).discover()


def test_init_from_jira_drafts_a_valid_starter(fake: FakeJira, tmp_path: Path) -> None:
    seed_site(fake)
    target = tmp_path / "aligner.yaml"
    auth = [] if fake.cloud else ["--pat-env", "JIRA_PAT"]
    result = CliRunner().invoke(cli, ["init", "--from", "jira", "--url", fake.base_url,
                                      *auth, "-c", str(target)], env=fake.env())
    assert result.exit_code == 0, result.stderr
    # a custom domain is asked what it is; *.atlassian.net is known to be Cloud
    assert fake.count("server-info") == (0 if fake.cloud else 1) and fake.writes == []
    checked = CliRunner().invoke(cli, ["validate", "-c", str(target)])
    assert checked.exit_code == 0, checked.stdout + checked.stderr

    text = target.read_text(encoding="utf-8")
    assert fake.token not in text and fake.pat not in text
    assert "# components in CHK: Cart, Payments page" in text
    assert "# components in OPS: Pager" in text
    assert '#   - "jira:CHK-1"   # epic: Redesign the cart' in text
    assert '#   - "jira:PAY-1"   # epic: Pay by link' in text
    assert "CHK-2" not in text  # done epics are no candidates

    loaded = load_config(target)
    model = loaded.model
    assert [t.name for t in model.teams] == [name for _, name in PROJECTS]
    assert [t.owns.trackers["jira"]["projects"] for t in model.teams] == [
        ["CHK"], ["OPS"], ["PAY"]]
    assert all(o.links == () for o in model.objectives)  # candidates stay comments
    section = loaded.trackers["jira"]
    assert section.jql == "project in (CHK, OPS, PAY) AND statusCategory != Done"  # type: ignore[attr-defined]
    assert section.url == fake.base_url  # type: ignore[attr-defined]
