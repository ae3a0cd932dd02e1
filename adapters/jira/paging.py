"""The two ways Jira pages a search: Cloud's page tokens and Data Center's offsets.

A paginator only knows "next page / done"; it refuses to loop when the server repeats itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from aligner.errors import TrackerError

Page = Mapping[str, Any]


def token_pages(fetch: Callable[[str | None], Page]) -> Iterator[list[Any]]:
    """Cloud `/search/jql`: follow `nextPageToken` until `isLast` (there is no `total`)."""
    token: str | None = None
    seen: set[str] = set()
    while True:
        page = fetch(token)
        yield list(page.get("issues") or ())
        following = page.get("nextPageToken")
        if page.get("isLast", not following):
            return
        if not isinstance(following, str) or not following:
            raise TrackerError("Jira said more pages follow but sent no nextPageToken")
        if following in seen:
            raise TrackerError("Jira sent the same nextPageToken twice; stopping instead of "
                               "looping over the same page")
        seen.add(following)
        token = following


def offset_pages(fetch: Callable[[int], Page], items: str = "issues") -> Iterator[list[Any]]:
    """Data Center `/search`, comment lists, Cloud's project list: advance `startAt`.

    By what was returned: the server may grant fewer than the `maxResults` asked for, and
    `total` may shrink while paging. Stops at `total` or `isLast`, whichever the page carries.
    """
    start = 0
    while True:
        page = fetch(start)
        served_from = page.get("startAt", start)
        if served_from != start:
            raise TrackerError(f"Jira answered startAt={served_from} when asked for {start}; "
                               "stopping instead of looping over the same page")
        issues = list(page.get(items) or ())
        yield issues
        start += len(issues)
        total = page.get("total")
        done = page.get("isLast") is True or (isinstance(total, int) and start >= total)
        if not issues or done:
            return
