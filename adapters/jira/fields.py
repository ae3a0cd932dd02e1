"""Which custom field holds Epic Link, Parent Link, Team and Story Points on this Jira site.

The ids differ per site (customfield_10014 on one Cloud site, customfield_12311120 on Apache's
Data Center), so they are resolved from the field list: by the field's custom type first (names
are translated and duplicated — one site has four fields called "Team"), then by name.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

EPIC_LINK_TYPE = "com.pyxis.greenhopper.jira:gh-epic-link"
PARENT_LINK_TYPE = "com.atlassian.jpo:jpo-custom-field-parent"
STORY_POINTS_TYPE = "com.pyxis.greenhopper.jira:jsw-story-points"  # Cloud "Story point estimate"
STORY_POINTS_NAMES = ("Story Points", "Story point estimate")  # DC: a plain number field
TEAM_TYPES = (
    "com.atlassian.teams:rm-teams-custom-field-team",
    "com.atlassian.jira.plugin.system.customfieldtypes:atlassian-team",
)


@dataclass(frozen=True, slots=True)
class FieldIds:
    epic_link: str | None = None
    parent_link: str | None = None
    team: str | None = None
    story_points: str | None = None  # estimates weigh allocation shares (DESIGN §14)

    def ids(self) -> tuple[str, ...]:
        return tuple(f for f in (self.epic_link, self.parent_link, self.team, self.story_points)
                     if f)


def _pick(fields: Sequence[Mapping[str, Any]], types: Iterable[str], name: str) -> str | None:
    """By custom type (preferring the one with the expected name), else by name alone."""
    wanted = tuple(types)
    typed = [f for f in fields if (f.get("schema") or {}).get("custom") in wanted]
    named = [f for f in fields
             if str(f.get("name", "")).casefold() == name.casefold() and f.get("custom")]
    for field in [f for f in typed if f in named] + typed + named:
        return str(field["id"])
    return None


def resolve_from_field_list(fields: Sequence[Mapping[str, Any]]) -> FieldIds:
    """Resolve from `GET /rest/api/2/field` (a list of field definitions)."""
    return FieldIds(
        epic_link=_pick(fields, (EPIC_LINK_TYPE,), "Epic Link"),
        parent_link=_pick(fields, (PARENT_LINK_TYPE,), "Parent Link"),
        team=_pick(fields, TEAM_TYPES, "Team"),
        story_points=next((found for name in STORY_POINTS_NAMES
                           if (found := _pick(fields, (STORY_POINTS_TYPE,), name))), None),
    )


def resolve_from_names(names: Mapping[str, str]) -> FieldIds:
    """Resolve from a search response's `names` map (`expand=names`), as exports carry it."""
    as_list: list[Mapping[str, Any]] = [
        {"id": fid, "name": name, "custom": fid.startswith("customfield_")}
        for fid, name in names.items()
    ]
    return resolve_from_field_list(as_list)
