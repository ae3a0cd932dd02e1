"""Jira's rate-limit headers, read into the tracker-neutral `Signal` the pacer acts on.

Atlassian ("Rate limiting", "Build an app that respects rate limits"): a 429 carries
`Retry-After` and `RateLimit-Reason`; `jira-burst-based` is a per-second limit of one endpoint
and method (slow down that endpoint only), `jira-per-issue-on-write` limits writes to one issue
(20 per 2 s: space them), the quota reasons concern the whole site. `X-RateLimit-NearLimit:
true` (or `X-RateLimit-Remaining` under a fifth of `X-RateLimit-Limit`) warns before the 429.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from aligner.pacing import SITE, Signal

BURST = "jira-burst-based"
PER_ISSUE = "jira-per-issue-on-write"
PER_ISSUE_SPACING = 2.0 / 20  # 20 writes per 2 s to one issue
NEAR = 0.2  # Atlassian flags "near limit" under 20 % of the budget left
_ISSUE = re.compile(r"/issue/([A-Za-z][A-Za-z0-9_]*-\d+|\d+)")
_IDS = re.compile(r"/(?:[A-Za-z][A-Za-z0-9_]*-\d+|\d+)(?=/|$)")


def endpoint(method: str, path: str) -> str:
    """The burst limit's scope: one method on one endpoint (ids and keys taken out)."""
    return f"{method} {_IDS.sub('/{}', path)}"


def issue_scope(path: str) -> str | None:
    """The per-issue write limit's scope: the issue a path writes to, if any."""
    found = _ISSUE.search(path)
    return f"issue:{found.group(1)}" if found else None


def scopes(method: str, path: str) -> tuple[str, ...]:
    """The scopes a request is in, besides the whole site."""
    issue = issue_scope(path) if method != "GET" else None
    return (endpoint(method, path), *((issue,) if issue else ()))


def signal(method: str, path: str, status: int, headers: Mapping[str, str],
           retry_after: float | None) -> Signal:
    """What one answer says: throttled (and where), near the limit, or clear."""
    reason = (headers.get("RateLimit-Reason") or "").strip().casefold()
    if status == 429 or (status == 503 and retry_after is not None):
        if reason == BURST:
            return Signal(throttled=True, scope=endpoint(method, path), wait=retry_after)
        issue = issue_scope(path)
        if reason == PER_ISSUE and issue:
            return Signal(throttled=True, scope=issue, wait=retry_after,
                          space=PER_ISSUE_SPACING)
        return Signal(throttled=True, scope=SITE, wait=retry_after)
    return Signal(near_limit=near_limit(headers))


def near_limit(headers: Mapping[str, str]) -> bool:
    """`X-RateLimit-NearLimit: true`, or under a fifth of the budget left."""
    if (headers.get("X-RateLimit-NearLimit") or "").strip().casefold() == "true":
        return True
    try:
        left = float(headers.get("X-RateLimit-Remaining") or "")
        limit = float(headers.get("X-RateLimit-Limit") or "")
    except ValueError:
        return False
    return limit > 0 and left < NEAR * limit
