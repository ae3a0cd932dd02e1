"""What `aligner init --from linear` drafts a starter from: teams, projects, initiatives.

Each team becomes a candidate team owning it; its projects the roadmap items its objectives
could link, each filed under the first of its initiatives (so the draft can link it from an
objective supporting that initiative); initiatives become the strategy (top level) and bets
(nested), completed or canceled ones retired; `teams:` is scoped to the teams found.

One `Workspace` read (the same document every run starts with) scoped to every team the
credential can see, not to `teams:` in the settings: the starter is what will set them.
"""

from __future__ import annotations

from typing import Any

from aligner.plugins.discovery import (
    BucketCandidate,
    Discovery,
    RoadmapCandidate,
    StrategyCandidate,
    TeamCandidate,
)

from .reader import Workspace

Node = dict[str, Any]
OVER = frozenset({"Completed", "Canceled"})
UPKEEP_LABELS = frozenset({"bug", "ktlo", "keep-the-lights-on", "maintenance", "tech debt",
                           "tech-debt", "chore"})  # initiative statuses a draft marks retired


def discovery(workspace: Workspace) -> Discovery:
    """Teams with the projects each works on (a project of two teams is a candidate for
    both; one attached to no team is left out); initiatives with their parent."""
    roadmap: dict[str, list[RoadmapCandidate]] = {key: [] for key in workspace.teams}
    for node in workspace.projects:
        candidate = _project(node)
        for key in dict.fromkeys(_keys(node)):
            roadmap.setdefault(key, []).append(candidate)
    teams = tuple(TeamCandidate(key, workspace.team_names.get(key) or key, {"teams": [key]},
                                roadmap=tuple(roadmap[key])) for key in workspace.teams)
    strategy = tuple(_initiative(node) for node in workspace.initiatives)
    return Discovery("linear", teams=teams, strategy=strategy,
                     scope={"teams": list(workspace.teams)} if teams else {},
                     strategy_from="top-level Linear initiatives", bets_from="sub-initiatives",
                     buckets=_buckets(workspace))


def _buckets(workspace: Workspace) -> tuple[BucketCandidate, ...]:
    """Linear has no issue types: workspace labels that name upkeep (Bug, ktlo, …) suggest
    a keep-the-lights-on bucket matching them."""
    names = sorted({label.name for label in workspace.labels.values()
                    if label.name.casefold() in UPKEEP_LABELS})
    return (BucketCandidate("keep-the-lights-on", "Bugs and other upkeep",
                            {"labels": names}),) if names else ()


def _project(node: Node) -> RoadmapCandidate:
    project_id, name = str(node["id"]), str(node.get("name") or "")
    initiatives = [str(i["id"]) for i in _nodes(node.get("initiatives")) if i.get("id")]
    return RoadmapCandidate(f"linear:project:{name or project_id}", f"project id {project_id}",
                            initiatives[0] if initiatives else None)


def _keys(node: Node) -> list[str]:
    return [str(team["key"]) for team in _nodes(node.get("teams")) if team.get("key")]


def _initiative(node: Node) -> StrategyCandidate:
    parent = node.get("parentInitiative")
    parent_id = str(parent["id"]) if isinstance(parent, dict) and parent.get("id") else None
    name = str(node.get("name") or "")
    return StrategyCandidate(str(node["id"]), name, parent_id,
                             link=f"linear:initiative:{name or node['id']}",
                             retired=node.get("status") in OVER)


def _nodes(connection: Any) -> list[Node]:
    nodes = connection.get("nodes") if isinstance(connection, dict) else None
    return [n for n in nodes or () if isinstance(n, dict)]
