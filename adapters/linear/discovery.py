"""What `aligner init --from linear` drafts a starter from: teams, projects, initiatives.

One `Workspace` read (the same document every run starts with) scoped to every team the
credential can see, not to `teams:` in the settings: the starter is what will set them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from aligner.plugins.discovery import Discovery, Found

from .reader import Workspace

Node = dict[str, Any]


def discovery(workspace: Workspace) -> Discovery:
    """Teams (key, name); one `Found` per project and team (a project of two teams is a
    candidate for both); initiatives with their parent initiative."""
    teams = tuple(Found(key, workspace.team_names.get(key, "")) for key in workspace.teams)
    projects = tuple(found for node in workspace.projects for found in _project(node))
    initiatives = tuple(_initiative(node) for node in workspace.initiatives)
    return Discovery("linear", teams=teams, linear_projects=projects, initiatives=initiatives)


def _project(node: Node) -> Iterator[Found]:
    project_id, name = str(node["id"]), str(node.get("name") or "")
    keys = [str(team["key"]) for team in _nodes(node.get("teams")) if team.get("key")]
    if not keys:  # not attached to any team: still listed, owned by nobody yet
        yield Found(project_id, name)
    for key in dict.fromkeys(keys):
        yield Found(project_id, name, key)


def _initiative(node: Node) -> Found:
    parent = node.get("parentInitiative")
    parent_id = str(parent["id"]) if isinstance(parent, dict) and parent.get("id") else None
    return Found(str(node["id"]), str(node.get("name") or ""), parent_id)


def _nodes(connection: Any) -> list[Node]:
    nodes = connection.get("nodes") if isinstance(connection, dict) else None
    return [n for n in nodes or () if isinstance(n, dict)]
