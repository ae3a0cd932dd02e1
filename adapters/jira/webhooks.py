"""Jira webhook deliveries: verify the signature, then say which issue to re-read.

A Jira admin webhook created with a secret signs each delivery with
`X-Hub-Signature: sha256=<hex HMAC-SHA256 of the raw body>`. Jira's signature carries no
timestamp, so a replayed delivery cannot be told from a retry; that is harmless here: the
payload is only a hint, the issue is re-read, and an unchanged issue plans no write.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from typing import Any

from aligner.plugins.tracker import WebhookEvent, json_object

SIGNATURE_HEADER = "x-hub-signature"
SCHEME = "sha256="


def sign(body: bytes, secret: str) -> str:
    """The header value Jira sends for `body` (used by tests and benchmarks too)."""
    return SCHEME + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify(headers: Mapping[str, str], body: bytes, secret: str,
           now: float) -> WebhookEvent | None:
    """The event a delivery hints at, or None when it is unsigned, forged or unreadable."""
    del now  # Jira's signature has no timestamp to check (see the module docstring)
    given = headers.get(SIGNATURE_HEADER, "")
    if not secret or not given.startswith(SCHEME):
        return None
    if not hmac.compare_digest(given.encode(), sign(body, secret).encode()):
        return None
    payload = json_object(body)
    if payload is None:
        return None
    return WebhookEvent(_keys(payload), _kind(payload), _actor(payload))


def _keys(payload: Mapping[str, Any]) -> tuple[str, ...]:
    """The issue the event is about: issue events and comment events both carry `issue`."""
    issue = payload.get("issue")
    key = issue.get("key") if isinstance(issue, dict) else None
    return (key,) if isinstance(key, str) and key else ()


def _kind(payload: Mapping[str, Any]) -> str:
    kind = payload.get("webhookEvent")
    return kind.removeprefix("jira:") if isinstance(kind, str) else ""


def _actor(payload: Mapping[str, Any]) -> str | None:
    user = payload.get("user")
    if not isinstance(user, dict):
        return None
    actor = user.get("accountId") or user.get("name")
    return actor if isinstance(actor, str) else None
