"""Linear's budget headers, read into the tracker-neutral `Signal` the pacer acts on.

Linear ("Rate limiting"): leaky buckets per key, one of requests and one of complexity points,
refilled at a constant rate; every answer carries `X-RateLimit-Requests-{Limit,Remaining,Reset}`,
`X-RateLimit-Complexity-{Limit,Remaining,Reset}` (resets in epoch milliseconds) and the
request's own cost in `X-Complexity`. Throttling answers HTTP 400 `RATELIMITED` (or 429).

Near the end of either budget the pacer halves the requests in flight and spreads what is
left until the reset, so the run slows down instead of being refused.
"""

from __future__ import annotations

from collections.abc import Mapping

from aligner.pacing import Signal

NEAR = 0.1  # under a tenth of a budget left is "near the limit"
AHEAD = 20  # or fewer than this many requests of this cost left, when no limit is sent


def signal(headers: Mapping[str, str], now: float) -> Signal:
    """Clear, or near a limit with the spacing that makes the rest last until its reset."""
    cost = max(1.0, _number(headers.get("X-Complexity")) or 1.0)
    left: list[tuple[float, float]] = []  # (requests still possible, seconds to reset)
    for kind, per_request in (("Requests", 1.0), ("Complexity", cost)):
        remaining = _number(headers.get(f"X-RateLimit-{kind}-Remaining"))
        if remaining is None:
            continue
        limit = _number(headers.get(f"X-RateLimit-{kind}-Limit"))
        low = remaining < NEAR * limit if limit else remaining < AHEAD * per_request
        if low:
            reset = _number(headers.get(f"X-RateLimit-{kind}-Reset"))
            seconds = max(0.0, reset / 1000.0 - now) if reset is not None else 0.0
            left.append((max(1.0, remaining / per_request), seconds))
    if not left:
        return Signal(space=0.0)
    space = max(seconds / possible for possible, seconds in left)
    return Signal(near_limit=True, space=space)


def _number(value: str | None) -> float | None:
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None
