"""Turn Linear issues, projects and initiatives into BacklogItems.

Shared by the live Linear adapter (lean pages: `project { id }`, label ids) and the file adapter
(exports that nest the project and its initiatives in each issue).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from aligner.engine.items import INITIATIVE, ISSUE, NO_FLAGS, PROJECT, BacklogItem, TicketFlags

from . import ownership

CLOSED_STATES = frozenset({"completed", "canceled"})


def _nodes(value: Any) -> list[Mapping[str, Any]]:
    if isinstance(value, Mapping):
        value = value.get("nodes")
    return [v for v in value or () if isinstance(v, Mapping)]


def _text(value: Any) -> str | None:
    """A string field, or None when a payload put something else there."""
    return value if isinstance(value, str) and value else None


def team_key(item: BacklogItem) -> str:
    """The issue's team key: Linear identifiers are `<team key>-<number>`, renumbered on a move."""
    return item.key.rsplit("-", 1)[0]


def project_key(project_id: str) -> str:
    return f"project:{project_id}"


def initiative_key(initiative_id: str) -> str:
    return f"initiative:{initiative_id}"


def issue_to_item(
    node: Mapping[str, Any],
    *,
    source: str,
    label_names: Mapping[str, str] | None = None,
    flags: TicketFlags = NO_FLAGS,
) -> BacklogItem:
    """Map an issue node; `label_names` resolves label ids when the page carries only ids."""
    identifier = str(node["identifier"])
    parents: list[str] = []
    parent = node.get("parent")
    if isinstance(parent, Mapping) and parent.get("identifier"):
        parents.append(str(parent["identifier"]))
    project = node.get("project")
    if isinstance(project, Mapping) and project.get("id"):
        parents.append(project_key(str(project["id"])))
    labels = _label_names(node, label_names or {})
    state = (node.get("state") or {}).get("type")
    team = node.get("team") or {"key": identifier.rsplit("-", 1)[0]}  # lean pages: no team
    return BacklogItem(
        key=identifier,
        source=source,
        tracker="linear",
        title=str(node.get("title") or ""),
        kind=ISSUE,
        open=state not in CLOSED_STATES,
        url=_text(node.get("url")),
        id=str(node["id"]) if node.get("id") else None,
        parents=tuple(parents),
        labels=tuple(labels),
        holders=ownership.holders(_text(team.get("key")) if isinstance(team, Mapping) else None),
        updated=_text(node.get("updatedAt")),
        flags=flags,
        estimate=_estimate(node.get("estimate")),
    )


def _estimate(value: Any) -> float | None:
    """Linear's `estimate` (points on the team's scale), None when unestimated."""
    return None if isinstance(value, bool) or not isinstance(value, int | float) \
        else float(value)


def _label_names(node: Mapping[str, Any], label_names: Mapping[str, str]) -> list[str]:
    """Names from nested `labels { nodes { name } }` (exports) or bare `labelIds` (live pages)."""
    names = []
    for label in _nodes(node.get("labels")):
        name = label.get("name") or label_names.get(str(label.get("id")))
        if name:
            names.append(str(name))
    for label_id in node.get("labelIds") or ():
        name = label_names.get(str(label_id))
        if name and name not in names:
            names.append(name)
    return names


def project_to_item(node: Mapping[str, Any], *, source: str) -> BacklogItem:
    """A project is an ancestor named `linear:project:<id>` or `linear:project:<name>`."""
    project_id = str(node["id"])
    initiatives = tuple(initiative_key(str(i["id"])) for i in _nodes(node.get("initiatives"))
                        if i.get("id"))
    name = node.get("name")
    return BacklogItem(
        key=project_key(project_id), source=source, tracker="linear", title=str(name or ""),
        kind=PROJECT, url=_text(node.get("url")), id=project_id, parents=initiatives,
        refs=(f"linear:project:{name}",) if name else (),
    )


def initiative_to_item(node: Mapping[str, Any], *, source: str) -> BacklogItem:
    """An initiative is an ancestor; its parent initiative is its own ancestor."""
    initiative_id = str(node["id"])
    parent = node.get("parentInitiative")
    parents = (initiative_key(str(parent["id"])),) if isinstance(parent, Mapping) and \
        parent.get("id") else ()
    name = node.get("name")
    return BacklogItem(
        key=initiative_key(initiative_id), source=source, tracker="linear",
        title=str(name or ""), kind=INITIATIVE, url=_text(node.get("url")), id=initiative_id,
        parents=parents, refs=(f"linear:initiative:{name}",) if name else (),
    )


def containers_of(node: Mapping[str, Any], *, source: str) -> Iterator[BacklogItem]:
    """The project and initiatives nested in an exported issue node (exports only)."""
    project = node.get("project")
    if not isinstance(project, Mapping) or not project.get("id"):
        return
    yield project_to_item(project, source=source)
    for initiative in _nodes(project.get("initiatives")):
        if initiative.get("id"):
            yield initiative_to_item(initiative, source=source)
            parent = initiative.get("parentInitiative")
            if isinstance(parent, Mapping) and parent.get("id"):
                yield initiative_to_item(parent, source=source)
