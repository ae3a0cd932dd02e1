"""Who holds an item, and which owned areas it touches (DESIGN §4)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from aligner.engine.items import BacklogItem
from aligner.model.schema import OperatingModel


@dataclass(frozen=True, slots=True)
class Area:
    """An owned component or label the item touches, with every team that claims it."""

    kind: str  # "component" | "label"
    name: str  # as written on the item
    owners: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Holding:
    team: str | None
    via: str  # "Team field 3a1…", "Linear team CHK", "project CHK", or "" when unheld


class Ownership:
    """Indexes the model's `owns` sections once; answers per item in O(labels + components)."""

    def __init__(self, model: OperatingModel) -> None:
        self._team_ids: dict[str, str] = {}
        self._linear: dict[str, str] = {}
        self._projects: dict[str, str] = {}
        self._components: dict[str, list[str]] = defaultdict(list)  # "proj/name" or "/name"
        self._labels: dict[str, list[str]] = defaultdict(list)
        for team in model.teams:
            jira = team.owns.jira
            for team_id in jira.team_ids:
                self._team_ids.setdefault(team_id, team.id)
            for key in team.owns.linear.teams:
                self._linear.setdefault(key.casefold(), team.id)
            for project in jira.projects:
                self._projects.setdefault(project.casefold(), team.id)
            for component in jira.components:
                project, _, name = component.rpartition("/")
                _claim(self._components, f"{project.casefold()}/{name.casefold()}", team.id)
            for label in team.owns.labels:
                _claim(self._labels, label.casefold(), team.id)

    def holder(self, item: BacklogItem) -> Holding:
        """Atlassian Team field, then Linear team, then Jira project."""
        if item.team_id and item.team_id in self._team_ids:
            return Holding(self._team_ids[item.team_id], f"Team field {item.team_id}")
        if item.linear_team and item.linear_team.casefold() in self._linear:
            return Holding(self._linear[item.linear_team.casefold()],
                           f"Linear team {item.linear_team}")
        if item.tracker == "jira" and item.project and item.project.casefold() in self._projects:
            return Holding(self._projects[item.project.casefold()], f"project {item.project}")
        return Holding(None, "")

    def areas(self, item: BacklogItem) -> tuple[Area, ...]:
        """Owned components (by name, or PROJ/Name in that project) and owned labels."""
        found: list[Area] = []
        project = (item.project or "").casefold()
        for component in item.components:
            name = component.casefold()
            owners = _merge(self._components.get(f"/{name}"),
                            self._components.get(f"{project}/{name}"))
            if owners:
                found.append(Area("component", component, owners))
        for label in item.labels:
            owners = tuple(self._labels.get(label.casefold(), ()))
            if owners:
                found.append(Area("label", label, owners))
        return tuple(found)


def _claim(index: dict[str, list[str]], key: str, team: str) -> None:
    if team not in index[key]:
        index[key].append(team)


def _merge(*groups: list[str] | None) -> tuple[str, ...]:
    out: list[str] = []
    for group in groups:
        out.extend(t for t in group or () if t not in out)
    return tuple(out)
