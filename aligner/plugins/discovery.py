"""What `aligner init --from TRACKER` learns from a tracker to draft a starter model.

An adapter that can list these implements the optional `Discoverer` protocol
(`aligner.plugins.adapter`): `discover() -> Discovery`, read-only, a handful of requests,
independent of
the scope settings (`jql`, `teams`) since the starter is what will set them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Found:
    """One discovered tracker object.

    `key`: the Jira project key, component name, epic key, Linear team key, or Linear
    project/initiative id. `parent`: the Jira project of a component or epic, the Linear team
    key of a project, the parent initiative id of an initiative (None at the top).
    """

    key: str
    name: str = ""
    parent: str | None = None


@dataclass(frozen=True)
class Discovery:
    """Everything a starter model can be drafted from (empty tuples for the other tracker)."""

    tracker: str  # "jira" | "linear"
    projects: tuple[Found, ...] = ()  # Jira projects
    components: tuple[Found, ...] = ()  # Jira components, parent = project key
    epics: tuple[Found, ...] = ()  # open Jira epics, parent = project key
    teams: tuple[Found, ...] = ()  # Linear teams
    linear_projects: tuple[Found, ...] = ()  # Linear projects, parent = a team key
    initiatives: tuple[Found, ...] = ()  # Linear initiatives, parent = parent initiative id
