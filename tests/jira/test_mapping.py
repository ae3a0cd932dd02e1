"""Mapping real issues (trimmed, see data/PROVENANCE.md) and resolving real sites' field ids."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aligner_adapters.jira.fields import FieldIds, resolve_from_field_list
from aligner_adapters.jira.mapping import issue_to_item
from tests.fakes.jira import CLOUD, DATACENTER, FakeJira

from .support import adapter

DATA = Path(__file__).parent / "data"
CLOUD_IDS = FieldIds(epic_link="customfield_10014")


def load(name: str) -> dict:
    return json.loads((DATA / f"{name}.json").read_text(encoding="utf-8"))


def test_agile_epic_object_maps_like_an_epic_link() -> None:
    item = issue_to_item(load("MOD-2565"), source="jira", field_ids=FieldIds())
    assert item.parents == ("TIMOB-27477",)  # an epic in another project
    assert item.open and [h.label for h in item.holders] == ["project MOD"]
    assert [(a.kind, a.name, a.keys) for a in item.areas] == [
        ("component", "Omniture", ("jira:component:/omniture", "jira:component:mod/omniture"))]
    assert "gradle" in item.labels


def test_sub_task_parent_and_done_status() -> None:
    sub = issue_to_item(load("ALOY-1230"), source="jira", field_ids=FieldIds())
    assert sub.parents == ("ALOY-1315",) and sub.open
    done = issue_to_item(load("DAEMON-60"), source="jira", field_ids=FieldIds())
    assert done.parents == ("DAEMON-48",) and not done.open and not done.evaluated


def test_cloud_epic_link_field_and_parent() -> None:
    story = issue_to_item(load("KP-19"), source="jira", field_ids=CLOUD_IDS,
                          base_url="https://ctreminiom.atlassian.net")
    assert story.parents == ("KP-16",)
    assert story.url == "https://ctreminiom.atlassian.net/browse/KP-19"
    assert issue_to_item(load("KP-15"), source="jira", field_ids=CLOUD_IDS).parents == ("KP-2",)
    assert issue_to_item(load("KP-16"), source="jira", field_ids=CLOUD_IDS).parents == ()


@pytest.mark.parametrize("name", ["ALOY-1230", "KP-19", "KP-15"])  # REST search has no `epic`
@pytest.mark.parametrize("mode", [CLOUD, DATACENTER])
def test_real_issues_served_by_the_fake_map_the_same(rsps: object, mode: str,
                                                     name: str) -> None:
    raw = load(name)
    fake = FakeJira(mode).install(rsps)
    fake.add_raw(raw)
    project = raw["fields"]["project"]["key"]
    [item] = adapter(fake, jql=f"project = {project}").fetch()
    direct = issue_to_item(raw, source="jira", field_ids=CLOUD_IDS if mode == CLOUD else
                           FieldIds())
    assert (item.key, item.parents, item.open, item.labels) == (
        direct.key, direct.parents, direct.open, direct.labels)


EXPECTED = {  # site: (Epic Link, Parent Link, Team) from its real /rest/api/2/field
    "Apache": ("customfield_12311120", "customfield_12314520", "customfield_12314524"),
    "Jira": ("customfield_12931", "customfield_17631", "customfield_17630"),
    "Sonatype": ("customfield_11500", "customfield_12602", "customfield_12601"),
    "Hyperledger": ("customfield_10006", None, "customfield_10800"),
    "Sakai": ("customfield_10014", "customfield_10018", "customfield_10001"),
    "Spring": ("customfield_10680", None, None),
}


@pytest.mark.parametrize("site", sorted(EXPECTED))
def test_field_ids_of_real_sites(site: str) -> None:
    fields = json.loads((DATA / "field_lists.json").read_text(encoding="utf-8"))[site]
    ids = resolve_from_field_list(fields)
    assert (ids.epic_link, ids.parent_link, ids.team) == EXPECTED[site]


def test_the_right_team_wins_whatever_the_order() -> None:
    fields = json.loads((DATA / "field_lists.json").read_text(encoding="utf-8"))["Sonatype"]
    assert resolve_from_field_list(list(reversed(fields))).team == "customfield_12601"
