"""Reading a Jira site: which deployment it is, its field ids, search pages, ancestor batches.

We page with our own loop rather than `JIRA.enhanced_search_issues`: it needs `properties`,
a paginator that stops on a repeated token, and every page inside the one retry layer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from aligner.errors import TrackerError

from . import parallel
from .fields import FieldIds, resolve_from_field_list
from .jql import ISSUE_KEY, keys_query, missing_keys_named
from .mapping import STATE_PROPERTY
from .paging import offset_pages
from .settings import CLOUD, DATACENTER
from .transport import BadRequest, JiraTransport

BASE_FIELDS = ("summary", "status", "project", "parent", "labels", "components", "updated",
               "issuetype")
BATCH = 100  # bulkfetch takes at most 100 keys; the same keeps a DC `key in` URL short
ID_PAGE = 5000  # Cloud's /search/jql grants up to 5,000 per page when only ids are asked for
DC_ID_PAGE = 1000
PROBE_PATH = "/rest/api/2/serverInfo"  # both deployments serve v2; only Cloud serves v3


@dataclass(frozen=True)
class Site:
    """A Jira site once we know what it is."""

    transport: JiraTransport
    deployment: str

    @property
    def cloud(self) -> bool:
        return self.deployment == CLOUD

    @property
    def api(self) -> str:
        return "/rest/api/3" if self.cloud else "/rest/api/2"


def detect_deployment(transport: JiraTransport) -> str:
    """Ask the site (`deploymentType` is "Cloud" on Cloud, "Server"/"DataCenter" otherwise)."""
    info = transport.call("GET", PROBE_PATH, what="reading the Jira server info") or {}
    kind = str(info.get("deploymentType", "")).casefold() if isinstance(info, dict) else ""
    return CLOUD if kind == "cloud" else DATACENTER


def resolve_field_ids(site: Site) -> FieldIds:
    """Epic Link, Parent Link and Team ids of this site, from its field list (once per run)."""
    listing = site.transport.call("GET", f"{site.api}/field", what="reading the field list")
    if not isinstance(listing, list):
        raise TrackerError("the Jira field list is not a list")
    return resolve_from_field_list([f for f in listing if isinstance(f, dict)])


def wanted_fields(site: Site, ids: FieldIds, objective_field: str | None) -> tuple[str, ...]:
    """Only what the mapping reads; on DC the comments carry aligner's state (see state.py)."""
    extra = (*ids.ids(), *((objective_field,) if objective_field else ()))
    comment = () if site.cloud else ("comment",)
    return tuple(dict.fromkeys((*BASE_FIELDS, *extra, *comment)))


def search(site: Site, jql: str, fields: Sequence[str], page_size: int, *,
           properties: Sequence[str] = (STATE_PROPERTY,),
           on_total: Callable[[int], None] | None = None) -> Iterator[Any]:
    """Every issue the JQL matches, page by page, each page retried within the policy.

    `properties`: the issue properties returned with each issue (Cloud only).
    """
    common = {"jql": jql, "maxResults": page_size, "fields": ",".join(fields)}
    call = site.transport.call
    if site.cloud:
        def cloud_page(token: str | None) -> Any:
            params = dict(common)
            if properties:
                params["properties"] = ",".join(properties)
            if token:
                params["nextPageToken"] = token
            return call("GET", "/rest/api/3/search/jql", params=params, what="Jira search")

        pages = parallel.cloud_pages(site, cloud_page, jql, fields, properties)
    else:
        def dc_page(start: int) -> Any:
            page = call("GET", "/rest/api/2/search", params={**common, "startAt": start},
                        what="Jira search")
            if start == 0 and on_total is not None and isinstance(page, dict) \
                    and isinstance(page.get("total"), int):
                on_total(page["total"])  # Data Center says how many: progress shows it
            return page

        pages = parallel.dc_pages(site, dc_page)
    for page in pages:
        yield from page


def lookup(site: Site, keys: Sequence[str], fields: Sequence[str]) -> Iterator[Any]:
    """Issues by key, in batches; keys that do not exist are simply not returned."""
    wellformed = [key for key in keys if ISSUE_KEY.match(key)]
    for start in range(0, len(wellformed), BATCH):
        batch = wellformed[start:start + BATCH]
        if site.cloud:
            yield from _bulkfetch(site, batch, fields)
        else:
            yield from _search_keys(site, batch, fields)


def _bulkfetch(site: Site, keys: Sequence[str], fields: Sequence[str]) -> list[Any]:
    body = {"issueIdsOrKeys": list(keys), "fields": list(fields),
            "properties": [STATE_PROPERTY]}
    answer = site.transport.retrying(
        lambda: site.transport.send("POST", "/rest/api/3/issue/bulkfetch", body=body),
        "fetching ancestors")
    return list((answer or {}).get("issues") or ())  # unknown keys come back in issueErrors


def refetch(site: Site, scope: str, keys: Sequence[str], fields: Sequence[str]) -> Iterator[Any]:
    """Issues among `keys` that the JQL `scope` still selects, in batches of BATCH keys:
    `(<scope>) AND key in (...)`. Keys out of scope or deleted are simply not returned."""
    wellformed = [key for key in keys if ISSUE_KEY.match(key)]
    for start in range(0, len(wellformed), BATCH):
        batch = wellformed[start:start + BATCH]
        if site.cloud:
            yield from _cloud_keys(site, scope, batch, fields)
        else:
            yield from _search_keys(site, batch, fields, scope)


def _cloud_keys(site: Site, scope: str, keys: Sequence[str],
                fields: Sequence[str]) -> list[Any]:
    """Cloud: `(<scope>) AND key in (...)`; a key the site says does not exist (deleted) is
    dropped and the rest asked again, so one deleted ticket never fails the batch."""
    if not keys:
        return []
    jql = f"({scope}) AND {keys_query(keys)}" if scope else keys_query(keys)
    try:
        return list(search(site, jql, fields, BATCH))
    except BadRequest as error:
        named = missing_keys_named(error.messages, keys)
        if not named:
            raise
        return _cloud_keys(site, scope, [k for k in keys if k not in named], fields)


def listed_keys(site: Site, scope: str) -> Iterator[str]:
    """Every key the JQL selects, ids only: Cloud pages of up to ID_PAGE ids, DC offset
    pages of DC_ID_PAGE keys (DC caps `maxResults` at 1,000 by default)."""
    size = ID_PAGE if site.cloud else DC_ID_PAGE
    for issue in search(site, f"{scope} ORDER BY key ASC", ("id",), size, properties=()):
        if isinstance(issue, dict) and isinstance(issue.get("key"), str):
            yield issue["key"]


def _search_keys(site: Site, keys: Sequence[str], fields: Sequence[str],
                 scope: str = "") -> list[Any]:
    """DC: `key in (...)` with validation off; if the site still refuses a missing key,
    drop the keys its message names, else split the batch until the culprit is alone."""
    if not keys:
        return []
    jql = f"({scope}) AND {keys_query(keys)}" if scope else keys_query(keys)
    params = {"jql": jql, "fields": ",".join(fields), "validateQuery": "false",
              "maxResults": len(keys)}
    try:
        return [issue for page in offset_pages(lambda start: site.transport.call(
            "GET", "/rest/api/2/search", params={**params, "startAt": start},
            what="fetching ancestors")) for issue in page]
    except BadRequest as error:
        if len(keys) == 1:
            return []  # the one key Jira refuses does not exist for us: a broken link
        named = missing_keys_named(error.messages, keys)
        if named:
            return _search_keys(site, [k for k in keys if k not in named], fields, scope)
        half = len(keys) // 2
        return (_search_keys(site, keys[:half], fields, scope)
                + _search_keys(site, keys[half:], fields, scope))
