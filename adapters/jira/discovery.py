"""What `aligner init --from jira` drafts a starter from: projects, components, open epics.

Requests, through the adapter's one retry layer: the projects (Cloud: `/project/search`, 100 a
page; Data Center: `/project`, all at once), one `/project/{key}/components` per project (the
only listing that says which project a component belongs to: Cloud's bulk `/component` does
not), and one search for open epics (fields summary and project only, the largest page each
deployment grants).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

from aligner.errors import TrackerError
from aligner.plugins.discovery import Discovery, Found

from .paging import offset_pages
from .reader import Site, search
from .transport import BadRequest, Forbidden, NotFound

log = logging.getLogger(__name__)

EPICS_JQL = "issuetype = Epic AND statusCategory != Done ORDER BY updated DESC"
EPIC_FIELDS = ("summary", "project")
PROJECT_PAGE = 100  # Cloud's /project/search grants at most 100
EPIC_PAGE = {True: 5000, False: 1000}  # Cloud's documented cap; DC's default search maximum


def discover(site: Site) -> Discovery:
    """Projects, their components and open epics visible to the configured account."""
    projects = list(_projects(site))
    components = [c for p in projects for c in _components(site, p.key)]
    return Discovery("jira", projects=tuple(projects), components=tuple(components),
                     epics=tuple(_epics(site)))


def _projects(site: Site) -> Iterator[Found]:
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
            yield Found(str(project["key"]), str(project.get("name") or ""))


def _components(site: Site, project: str) -> list[Found]:
    path = f"{site.api}/project/{quote(project, safe='')}/components"
    try:
        listed = site.transport.call("GET", path, what=f"listing components of {project}")
    except (NotFound, Forbidden) as error:  # gone or hidden since the listing: skip it
        log.warning("components of %s skipped: %s", project, error)
        return []
    return [Found(str(c["name"]), parent=project) for c in listed or ()
            if isinstance(c, dict) and c.get("name")]


def _epics(site: Site) -> list[Found]:
    try:
        raw = list(search(site, EPICS_JQL, EPIC_FIELDS, EPIC_PAGE[site.cloud], properties=()))
    except BadRequest as error:  # e.g. no issue type named Epic on this site
        log.warning("no epics discovered: Jira refused %r: %s", EPICS_JQL,
                    "; ".join(error.messages) or error)
        return []
    return [epic for issue in raw if (epic := _epic(issue)) is not None]


def _epic(issue: Any) -> Found | None:
    if not isinstance(issue, dict) or not issue.get("key"):
        return None
    fields = issue.get("fields") or {}
    project = fields.get("project") or {}
    parent = project.get("key") if isinstance(project, dict) else None
    return Found(str(issue["key"]), str(fields.get("summary") or ""),
                 str(parent or str(issue["key"]).rsplit("-", 1)[0]))
