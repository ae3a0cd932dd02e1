"""What `aligner init --from jira` drafts a starter from: projects, components, open epics.

Each project becomes a candidate team owning it (its components listed for a person to
assign), its open epics the roadmap items that team's objectives could link, and the JQL is
scoped to the projects found.

Requests, through the adapter's one retry layer: the projects (Cloud: `/project/search`, 100 a
page; Data Center: `/project`, all at once), one `/project/{key}/components` per project (the
only listing that says which project a component belongs to: Cloud's bulk `/component` does
not), and one search for open epics (fields summary and project only, the largest page each
deployment grants).
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

from aligner.errors import TrackerError
from aligner.plugins.discovery import BucketCandidate, Discovery, RoadmapCandidate, TeamCandidate

from .paging import offset_pages
from .reader import Site, search
from .transport import BadRequest, Forbidden, NotFound

log = logging.getLogger(__name__)

# Every Jira project scheme has a Bug type: the usual funded non-strategic work (DESIGN §14)
KTLO = BucketCandidate("keep-the-lights-on", "Bugs and other upkeep", {"issue_types": ["Bug"]})
EPICS_JQL = "issuetype = Epic AND statusCategory != Done ORDER BY updated DESC"
EPIC_FIELDS = ("summary", "project")
PROJECT_PAGE = 100  # Cloud's /project/search grants at most 100
EPIC_PAGE = {True: 5000, False: 1000}  # Cloud's documented cap; DC's default search maximum
MAX_COMPONENTS = 40  # component names listed per project; the starter stays readable
PLAIN_KEY = re.compile(r"[A-Z][A-Z0-9_]*")  # a project key JQL accepts unquoted


def discover(site: Site) -> Discovery:
    """Projects, their components and open epics visible to the configured account."""
    projects = list(_projects(site))
    components = {key: _components(site, key) for key, _ in projects}
    epics = _epics(site)
    teams = tuple(_team(key, name, components[key], [e for e in epics if e[2] == key])
                  for key, name in projects)
    return Discovery("jira", teams=teams, scope=_scope([key for key, _ in projects]),
                     buckets=(KTLO,) if projects else ())


def _team(key: str, name: str, components: list[str],
          epics: list[tuple[str, str, str]]) -> TeamCandidate:
    """A project as a team owning it; its open epics as roadmap candidates."""
    notes = (f"components in {key}: {', '.join(components[:MAX_COMPONENTS])}",) \
        if components else ()
    roadmap = tuple(RoadmapCandidate(f"jira:{epic}", f"epic: {summary}")
                    for epic, summary, _ in epics)
    return TeamCandidate(key, name or key, {"projects": [key], "components": []}, notes,
                         roadmap)


def _scope(keys: list[str]) -> dict[str, Any]:
    """The JQL reading the open issues of the projects found."""
    if not keys:
        return {}
    listed = ", ".join(key if PLAIN_KEY.fullmatch(key) else json.dumps(key) for key in keys)
    return {"jql": f"project in ({listed}) AND statusCategory != Done"}


def _projects(site: Site) -> Iterator[tuple[str, str]]:
    """(key, name) of every project the account can browse."""
    if site.cloud:
        pages = offset_pages(lambda start: site.transport.call(
            "GET", "/rest/api/3/project/search",
            params={"startAt": start, "maxResults": PROJECT_PAGE},
            what="listing Jira projects"), items="values")
        listed = [p for page in pages for p in page]
    else:
        listed = site.transport.call("GET", "/rest/api/2/project", what="listing Jira projects")
    if not isinstance(listed, list):
        raise TrackerError("the Jira project list is not a list")
    for project in listed:
        if isinstance(project, dict) and project.get("key"):
            yield str(project["key"]), str(project.get("name") or "")


def _components(site: Site, project: str) -> list[str]:
    path = f"{site.api}/project/{quote(project, safe='')}/components"
    try:
        listed = site.transport.call("GET", path, what=f"listing components of {project}")
    except (NotFound, Forbidden) as error:  # gone or hidden since the listing: skip it
        log.warning("components of %s skipped: %s", project, error)
        return []
    return [str(c["name"]) for c in listed or () if isinstance(c, dict) and c.get("name")]


def _epics(site: Site) -> list[tuple[str, str, str]]:
    """(key, summary, project key) of each open epic, most recently updated first."""
    try:
        raw = list(search(site, EPICS_JQL, EPIC_FIELDS, EPIC_PAGE[site.cloud], properties=()))
    except BadRequest as error:  # e.g. no issue type named Epic on this site
        log.warning("no epics discovered: Jira refused %r: %s", EPICS_JQL,
                    "; ".join(error.messages) or error)
        return []
    return [epic for issue in raw if (epic := _epic(issue)) is not None]


def _epic(issue: Any) -> tuple[str, str, str] | None:
    if not isinstance(issue, dict) or not issue.get("key"):
        return None
    fields = issue.get("fields") or {}
    project = fields.get("project") or {}
    parent = project.get("key") if isinstance(project, dict) else None
    return (str(issue["key"]), str(fields.get("summary") or ""),
            str(parent or str(issue["key"]).rsplit("-", 1)[0]))
