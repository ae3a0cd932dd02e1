"""Reading: pages, fields, ancestors, incremental queries, on fake Cloud and Data Center sites."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from aligner.errors import ConfigError, TrackerError
from tests.fakes.jira import CLOUD, DATACENTER, FakeJira

from .support import DANGLING, EPICS, adapter, seed_backlog


def test_250_issues_come_in_three_pages_with_only_the_needed_fields(fake: FakeJira) -> None:
    seed_backlog(fake)
    run = adapter(fake)
    items = list(run.fetch())  # a full read asks for open items only: one in 50 is done
    assert len(items) == 245 and len({i.key for i in items}) == 245
    searches = [r for r in fake.requests if r.op in ("search", "search-jql")]
    assert len(searches) == 3
    fields = set(searches[0].query["fields"][0].split(","))
    epic_link = "customfield_10014" if fake.cloud else "customfield_12311120"
    assert {"summary", "status", "parent", "labels", epic_link} <= fields
    assert "description" not in fields and "*all" not in fields
    if fake.cloud:
        assert all(r.query["properties"] == ["aligner"] for r in searches)
        assert searches[0].path == "/rest/api/3/search/jql"
    else:
        assert "comment" in fields  # DC carries aligner's state in its comment
        # pages after the first may come concurrently, in any order
        assert sorted(int(r.query["startAt"][0]) for r in searches) == [0, 100, 200]
    assert fake.count("fields") == 1 and run.request_count == 4


def test_epics_in_another_project_are_fetched_once_in_one_batch(fake: FakeJira) -> None:
    seed_backlog(fake)
    run = adapter(fake)
    items = {i.key: i for i in run.fetch()}
    assert items["CHK-3"].parents == (EPICS[1],)
    missing = sorted({p for i in items.values() for p in i.parents} - items.keys())
    assert missing == sorted([*EPICS, DANGLING])
    before = run.request_count
    found = {i.key: i for i in run.fetch_missing(missing)}
    assert set(found) == set(EPICS)  # the dangling epic is simply absent: a broken link
    assert not found["PLAT-3"].open and found["PLAT-1"].open
    assert run.request_count == before + 1
    assert list(run.fetch_missing(missing)) and run.request_count == before + 1  # cached
    op = "bulkfetch" if fake.cloud else "search"
    assert fake.count(op) == (1 if fake.cloud else 4)


def test_data_center_that_grants_fewer_results_is_paged_by_what_it_returned(
        rsps: object) -> None:
    fake = FakeJira(DATACENTER, max_page=90).install(rsps)
    seed_backlog(fake)
    items = list(adapter(fake).fetch())
    assert len({i.key for i in items}) == 245  # the open ones
    starts = [int(r.query["startAt"][0]) for r in fake.requests if r.op == "search"]
    assert starts[0] == 0 and sorted(starts) == [0, 90, 180]  # later pages in any order


def test_data_center_that_refuses_a_missing_key_still_returns_the_others(rsps: object) -> None:
    fake = FakeJira(DATACENTER, strict_keys=True).install(rsps)
    seed_backlog(fake, size=30)
    run = adapter(fake)
    list(run.fetch())
    found = [i.key for i in run.fetch_missing(["PLAT-1", "NOPE-1", "PLAT-2", "not a key"])]
    assert found == ["PLAT-1", "PLAT-2"]
    lookups = [r.query["jql"][0] for r in fake.requests if "key in" in r.query.get("jql", [""])[0]]
    assert lookups == ['key in ("PLAT-1", "NOPE-1", "PLAT-2")', 'key in ("PLAT-1", "PLAT-2")']


def test_since_narrows_the_users_query_with_an_overlap(fake: FakeJira) -> None:
    seed_backlog(fake, size=20)
    fake.now = datetime(2026, 11, 20, 14, 0, tzinfo=UTC)
    fake.touch("CHK-4")  # changed at 14:00; everything else at 12:00
    since = fake.now - timedelta(minutes=30)
    run = adapter(fake, options={"now": fake.now})
    assert [i.key for i in run.fetch(since)] == ["CHK-4"]
    jql = next(r for r in fake.requests if r.op.startswith("search")).query["jql"][0]
    assert jql == '(project in (CHK, PAY)) AND updated >= "-32m" ORDER BY key ASC'


def test_field_ids_are_resolved_from_the_sites_field_list(fake: FakeJira) -> None:
    run = adapter(fake)
    ids = run.field_ids
    if fake.cloud:
        assert (ids.epic_link, ids.parent_link, ids.team) == (
            "customfield_10014", "customfield_10018", "customfield_10001")
    else:
        assert (ids.epic_link, ids.parent_link, ids.team) == (
            "customfield_12311120", "customfield_12314520", "customfield_12314524")


def test_team_and_objective_fields_map(fake: FakeJira) -> None:
    fake.add_issue("CHK-1", team={"id": "team-42", "name": "Checkout"},
                   customfield_10300={"value": "CHK-Q4-1"})
    item = next(adapter(fake, objective_field="customfield_10300").fetch())
    assert item.objective_ref == "CHK-Q4-1"
    assert [h.label for h in item.holders] == ["Team field team-42", "project CHK"]


def test_a_repeated_page_token_stops_with_an_error(rsps: object) -> None:
    fake = FakeJira(CLOUD).install(rsps)
    seed_backlog(fake)
    fake.stuck_token = True
    with pytest.raises(TrackerError, match="same nextPageToken twice"):
        list(adapter(fake).fetch())
    assert fake.count("search-jql") == 2


def test_the_old_search_is_gone_on_cloud(rsps: object) -> None:
    fake = FakeJira(CLOUD).install(rsps)
    fake.add_issue("CHK-1")
    run = adapter(fake, deployment="datacenter")  # misconfigured: Cloud site, DC API
    with pytest.raises(TrackerError, match=r"410.*deployment"):
        list(run.fetch())


@pytest.mark.parametrize(("mode", "url", "probes"), [
    (CLOUD, "https://acme.atlassian.net", 0),  # Atlassian-hosted: Cloud without asking
    (CLOUD, "https://jira.acme.example", 1),  # a custom domain: ask serverInfo
    (DATACENTER, "https://jira.acme.example/jira", 1),
])
def test_auto_detects_the_deployment(rsps: object, mode: str, url: str, probes: int) -> None:
    fake = FakeJira(mode, url).install(rsps)
    fake.add_issue("CHK-1")
    run = adapter(fake, deployment="auto")
    assert [i.key for i in run.fetch()] == ["CHK-1"]
    assert run.site.deployment == mode and fake.count("server-info") == probes


def test_bad_jql_is_a_configuration_error(fake: FakeJira) -> None:
    with pytest.raises(ConfigError, match=r"trackers\.jira\.jql: .*priorty"):
        list(adapter(fake, jql="priorty = High").fetch())


def test_an_odd_payload_is_skipped_not_fatal(fake: FakeJira) -> None:
    fake.add_issue("CHK-1")
    fake.add_issue("CHK-2")
    fake.issues["CHK-2"]["fields"]["status"] = "Weird"  # not the object Jira documents
    run = adapter(fake, jql="key in (CHK-1, CHK-2)")
    assert [i.key for i in run.fetch()] == ["CHK-1"] and run.skipped == 1


def test_data_center_tells_how_many_issues_the_search_will_yield(fake: FakeJira) -> None:
    seed_backlog(fake)
    run = adapter(fake)
    stream = run.fetch()
    next(stream)
    assert run.expected == (None if fake.cloud else 245)  # Cloud's search/jql has no total
    assert len(list(stream)) == 244
