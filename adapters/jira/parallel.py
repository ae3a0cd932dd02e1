"""Reading a large Jira scope with several requests in flight (`concurrency` above 1).

Cloud: `/search/jql` pages follow each other (each page's token comes from the one before), so
a large scope is read in two steps instead: the ids, up to 5,000 per page when only `id` is
asked for, and the bodies with `POST /issue/bulkfetch` (100 per request), several at once,
starting as soon as the first id page arrives. That costs one request more per 5,000 issues
than the paged search, so the first `SEQUENTIAL_PAGES` pages are read as before: a scope that
fits in them (every incremental sync, most small backlogs) costs exactly what it did, and only
a scope beyond them pays the id pages (2 % more requests) to be read `concurrency` times faster.

Data Center: `/search` answers `total`, so after the first page every other `startAt` is known
and the remaining pages are fetched concurrently — the same requests as one after the other.
Pages come back in order either way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

from aligner.errors import TrackerError
from aligner.workers import ordered

from .paging import Page, offset_pages, token_pages

SEQUENTIAL_PAGES = 3  # ids + bulkfetch: 3 + 1 + pages/workers round trips, a win from ~5 pages
ID_PAGE = 5000  # Cloud's /search/jql grants up to 5,000 per page when only ids are asked for
BULK = 100  # bulkfetch takes at most 100 issues
SEARCH_JQL = "/rest/api/3/search/jql"
BULKFETCH = "/rest/api/3/issue/bulkfetch"


def cloud_pages(site: Any, fetch: Callable[[str | None], Page], jql: str,
                fields: Sequence[str], properties: Sequence[str]) -> Iterator[list[Any]]:
    """The paged search; past `SEQUENTIAL_PAGES` pages, ids then bodies concurrently."""
    # an id listing is already as cheap as it gets: bodies would only cost more requests
    workers = 1 if set(fields) <= {"id", "key"} else site.transport.pacer.ceiling
    more = [True]

    def watched(token: str | None) -> Page:
        page = fetch(token)
        more[0] = not page.get("isLast", not page.get("nextPageToken"))
        return page

    seen: set[str] = set()
    for count, page in enumerate(token_pages(watched), start=1):
        yield page
        seen.update(str(issue.get("id")) for issue in page if isinstance(issue, dict))
        if workers > 1 and count >= SEQUENTIAL_PAGES and more[0]:
            break
    else:
        return
    ids = (issue_id for issue_id in issue_ids(site, jql) if issue_id not in seen)
    yield from ordered(workers, lambda chunk: bulkfetch(site, chunk, fields, properties),
                       chunks(ids, BULK))


def issue_ids(site: Any, jql: str) -> Iterator[str]:
    """Every id the JQL selects, in its order, ID_PAGE per request."""
    params = {"jql": jql, "maxResults": ID_PAGE, "fields": "id"}

    def page(token: str | None) -> Page:
        asked = {**params, **({"nextPageToken": token} if token else {})}
        answer = site.transport.call("GET", SEARCH_JQL, params=asked, what="Jira search (ids)")
        return answer if isinstance(answer, dict) else {}

    for issues in token_pages(page):
        yield from (str(i["id"]) for i in issues if isinstance(i, dict) and "id" in i)


def bulkfetch(site: Any, ids: Sequence[str], fields: Sequence[str],
              properties: Sequence[str]) -> list[Any]:
    """Up to BULK issues by id, with the same fields and properties as the search."""
    body: dict[str, Any] = {"issueIdsOrKeys": list(ids), "fields": list(fields)}
    if properties:
        body["properties"] = list(properties)
    answer = site.transport.retrying(
        lambda: site.transport.send("POST", BULKFETCH, body=body), "Jira search (bodies)")
    return list((answer or {}).get("issues") or ()) if isinstance(answer, dict) else []


def chunks(values: Iterator[str], size: int) -> Iterator[list[str]]:
    """Consecutive lists of `size` values (the last may be shorter), lazily."""
    chunk: list[str] = []
    for value in values:
        chunk.append(value)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def dc_pages(site: Any, fetch: Callable[[int], Page]) -> Iterator[list[Any]]:
    """Data Center: the first page tells `total` and the page size granted; the other
    `startAt`s are then fetched concurrently (each page checked as the paginator would)."""
    workers = site.transport.pacer.ceiling
    if workers <= 1:
        yield from offset_pages(fetch)
        return
    first = fetch(0)
    issues = list(first.get("issues") or ())
    yield issues
    total = first.get("total")
    if not issues or first.get("isLast") is True or not isinstance(total, int):
        return
    step = len(issues)

    def page(start: int) -> list[Any]:
        answer = fetch(start)
        if answer.get("startAt", start) != start:
            raise TrackerError(f"Jira answered startAt={answer.get('startAt')} when asked for "
                               f"{start}; stopping instead of looping over the same page")
        return list(answer.get("issues") or ())

    yield from ordered(workers, page, range(step, total, step))
