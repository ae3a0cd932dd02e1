"""The file adapter on real export shapes (tests/data/real, see PROVENANCE.md) and on acme."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aligner.errors import ConfigError
from aligner.plugins.adapter import AdapterContext
from aligner_adapters.file import FileAdapter, FileSettings

REAL = Path(__file__).parents[1] / "data" / "real"
ACME = Path(__file__).parents[2] / "examples" / "acme"


def read(base: Path, *paths: str, **settings: str) -> dict:
    adapter = FileAdapter(FileSettings(path=paths, **settings), AdapterContext(base, {}))
    return {item.key: item for item in adapter.fetch()}


def test_agile_shape_maps_epic_object_and_subtask_parent() -> None:
    items = read(REAL, "tidev-agile-issues.json")
    assert items["DAEMON-107"].parents == ("DAEMON-231",)
    assert items["ALOY-1230"].parents == ("ALOY-1315",)
    assert items["ALOY-1239"].parents == ("TIMOB-18550",)  # an epic in another project
    assert not items["ALOY-1315"].open and items["DAEMON-107"].open
    assert items["DAEMON-107"].holders[-1].label == "project DAEMON"


def test_cloud_search_with_epic_link_field() -> None:
    items = read(REAL, "ctreminiom-search-v2.json", epic_link_field="customfield_10014")
    assert items["KP-19"].parents == ("KP-16",)
    assert items["KP-15"].parents == ("KP-2",)
    assert [a.name for a in items["KP-12"].areas] == ["Component 1", "Component Name"]
    assert items["KP-19"].labels == ("test",)
    assert items["KP-19"].url == "https://ctreminiom.atlassian.net/browse/KP-19"
    assert not items["KP-7"].open


def test_names_map_resolves_field_ids() -> None:
    items = read(ACME, "jira-backlog.json")
    with_epic_link = [i for i in items.values() if i.parents and i.key.startswith("PAY-304")]
    assert with_epic_link[0].parents == ("PAY-99",)


def test_linear_response_yields_issues_projects_and_initiatives() -> None:
    items = read(ACME, "linear-backlog.json")
    kinds = {i.kind for i in items.values()}
    assert kinds == {"issue", "project", "initiative"}
    issue = items["GRO-50"]
    project = items[issue.parents[-1]]
    assert project.kind == "project" and project.title == "Referral program"
    assert f"linear:project:{project.title}".casefold() in project.link_names()
    assert items[project.parents[0]].kind == "initiative"


@pytest.mark.parametrize("content", ["{not json", '{"something": 1}', "42"])
def test_unreadable_snapshot_is_one_clear_error(tmp_path: Path, content: str) -> None:
    (tmp_path / "x.json").write_text(content)
    with pytest.raises(ConfigError, match=r"x\.json"):
        read(tmp_path, "x.json")


def test_issue_without_key_names_its_position(tmp_path: Path) -> None:
    (tmp_path / "x.json").write_text(json.dumps([{"key": "A-1", "fields": {}}, {"fields": {}}]))
    with pytest.raises(Exception, match=r"x\.json: issue #1"):
        read(tmp_path, "x.json")
