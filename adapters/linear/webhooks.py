"""Linear webhook deliveries: verify signature and timestamp, then say what to re-read.

Linear signs each delivery with `Linear-Signature: <hex HMAC-SHA256 of the raw body>` and puts
`webhookTimestamp` (milliseconds since the epoch) in the body; a delivery more than a minute
away from now is refused as a replay, as Linear's documentation advises.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from typing import Any

from aligner.plugins.tracker import WebhookEvent, json_object

SIGNATURE_HEADER = "linear-signature"
MAX_SKEW_SECONDS = 60.0
CONTAINERS = {"Project": "project", "Initiative": "initiative"}  # type -> key prefix


def sign(body: bytes, secret: str) -> str:
    """The header value Linear sends for `body` (used by tests and benchmarks too)."""
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify(headers: Mapping[str, str], body: bytes, secret: str,
           now: float) -> WebhookEvent | None:
    """The event a delivery hints at; None when unsigned, forged, replayed or unreadable."""
    given = headers.get(SIGNATURE_HEADER, "")
    if not secret or not given:
        return None
    if not hmac.compare_digest(given.encode(), sign(body, secret).encode()):
        return None
    payload = json_object(body)
    if payload is None or not _fresh(payload.get("webhookTimestamp"), now):
        return None
    kind = f"{payload.get('type', '')}.{payload.get('action', '')}"
    return WebhookEvent(_keys(payload), kind, _actor(payload))


def _fresh(stamp: Any, now: float) -> bool:
    if isinstance(stamp, bool) or not isinstance(stamp, int | float):
        return False
    return abs(now - stamp / 1000.0) <= MAX_SKEW_SECONDS


def _keys(payload: Mapping[str, Any]) -> tuple[str, ...]:
    """Issues by identifier (`ENG-42`), projects and initiatives as `project:<id>`."""
    data = payload.get("data")
    if not isinstance(data, dict):
        return ()
    kind = payload.get("type")
    if kind == "Issue":
        key = data.get("identifier")
    elif kind in CONTAINERS:
        key = f"{CONTAINERS[kind]}:{data['id']}" if isinstance(data.get("id"), str) else None
    else:  # comments, labels, cycles…: nothing aligner evaluates changed
        key = None
    return (key,) if isinstance(key, str) and key else ()


def _actor(payload: Mapping[str, Any]) -> str | None:
    actor = payload.get("actor")
    found = actor.get("id") if isinstance(actor, dict) else None
    return found if isinstance(found, str) else None
