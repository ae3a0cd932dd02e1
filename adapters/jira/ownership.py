"""What a team owns in Jira (`owns.jira`), and the matching handles on Jira items.

Holder order (DESIGN §4): the Atlassian Team field, then the project. Components are areas; a
model entry `Name` matches that component in any project, `PROJ/Name` only in project PROJ.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from pydantic import BaseModel, ConfigDict, Field

from aligner.engine.items import AreaRef, HolderRef
from aligner.plugins.tracker import AREA, HOLDER, Claim


class JiraOwnership(BaseModel):
    """`teams[].owns.jira`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    projects: tuple[str, ...] = Field(default=(), description="Jira project keys this team holds.")
    components: tuple[str, ...] = Field(
        default=(), description="Component names (any project) or PROJ/Name (one project).")
    team_ids: tuple[str, ...] = Field(
        default=(), description="Atlassian Team field ids; decide the holder first.")


def claims(owns: JiraOwnership) -> Iterator[Claim]:
    """The handles a team's `owns.jira` claims."""
    for team_id in owns.team_ids:
        yield Claim(_team_key(team_id), HOLDER)
    for project in owns.projects:
        yield Claim(_project_key(project), HOLDER)
    for component in owns.components:
        project, _, name = component.rpartition("/")
        yield Claim(_component_key(project, name), AREA)


def holders(project: str, team_id: str | None) -> tuple[HolderRef, ...]:
    """An issue's holder handles: its Team field, then its project."""
    team = (HolderRef(_team_key(team_id), f"Team field {team_id}"),) if team_id else ()
    return (*team, HolderRef(_project_key(project), f"project {project}"))


def areas(project: str, components: Iterable[str]) -> tuple[AreaRef, ...]:
    """An issue's components, each matched by name in any project or in its own project."""
    return tuple(AreaRef("component", name, (_component_key("", name),
                                             _component_key(project, name)))
                 for name in components)


def selector_keys(kind: str, value: str) -> tuple[str, ...]:
    """A selector's project (holder handle) or component (`Name`, `PROJ/Name`: area handle)."""
    if kind == "projects":
        return (_project_key(value),)
    if kind == "components":
        project, _, name = value.rpartition("/")
        return (_component_key(project, name),)
    return ()


def _team_key(team_id: str) -> str:
    return f"jira:team:{team_id}".casefold()


def _project_key(project: str) -> str:
    return f"jira:project:{project}".casefold()


def _component_key(project: str, name: str) -> str:
    return f"jira:component:{project}/{name}".casefold()
