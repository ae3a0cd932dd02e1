"""One GraphQL request to Linear: validated locally, sent once, its failure classified.

Retrying is not done here: callers wrap requests in `aligner.retry.call_with_retry`, the one
retry layer, and only `RetriableError`s are retried. Credentials never appear in messages.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

import requests
from gql import Client, GraphQLRequest
from graphql import GraphQLError, OperationDefinitionNode
from graphql.execution.values import get_variable_values

from aligner.deadline import default_deadline, with_deadline
from aligner.errors import AuthError, RetriableError, TrackerError
from aligner.logs import redact_payload
from aligner.pacing import Pacer, Signal

from .ratelimit import signal

log = logging.getLogger(__name__)

AUTH_CODES = frozenset({"AUTHENTICATION_ERROR", "FORBIDDEN", "UNAUTHENTICATED"})
THROTTLE_CODES = frozenset({"RATELIMITED"})
RESET_HEADERS = (("X-RateLimit-Requests-Remaining", "X-RateLimit-Requests-Reset"),
                 ("X-RateLimit-Complexity-Remaining", "X-RateLimit-Complexity-Reset"))


class UncertainWrite(RetriableError):
    """The request may or may not have been applied (connection lost, timeout, 5xx)."""


@dataclass
class Reply:
    """A 200 answer: `data` may be partial when `errors` name fields (a mutation batch)."""

    data: dict[str, Any] | None
    errors: list[dict[str, Any]]


@cache
def _client() -> Client:
    """gql client holding the schema extract, used to validate every document locally."""
    sdl = files(__package__).joinpath("schema.graphql").read_text(encoding="utf-8")
    return Client(schema=sdl)


@cache
def prepare(source: str) -> GraphQLRequest:
    """Parse and validate a document against the schema (cached per document text)."""
    request = GraphQLRequest(source)
    try:
        _client().validate(request)
    except GraphQLError as error:
        raise TrackerError(f"Linear query does not match the schema (a bug): {error}") from None
    return request


def check_variables(request: GraphQLRequest, variables: Mapping[str, Any]) -> None:
    """Coerce variables against the schema, so a malformed filter never reaches the server."""
    operation = next(d for d in request.document.definitions
                     if isinstance(d, OperationDefinitionNode))
    schema = _client().schema
    assert schema is not None
    coerced = get_variable_values(schema, operation.variable_definitions or (), dict(variables))
    if isinstance(coerced, list):
        raise TrackerError(f"Linear query variables do not match the schema (a bug): "
                           f"{coerced[0].message}")


class LinearHTTP:
    """POSTs GraphQL documents; counts requests; raises classified errors.

    Thread-safe: workers share it; every request takes a slot from the `pacer`, which learns
    from each answer's budget headers (ratelimit.py).
    """

    def __init__(self, url: str, authorization: str, *, timeout: float, credential: str,
                 clock: Callable[[], float] = time.time, deadline: float | None = None,
                 pacer: Pacer | None = None) -> None:
        self.url = url
        self.timeout = timeout  # each socket read; `deadline` (4 x by default): each request
        self.credential = credential  # the env var's name, for messages
        self.clock = clock
        self.pacer = pacer or Pacer(1)
        self.requests = 0
        self.complexity = 0.0  # points the answers reported (X-Complexity), for benchmarks
        self._count = threading.Lock()
        self._session = with_deadline(requests.Session(), deadline or default_deadline(timeout))
        self._session.headers.update({"Authorization": authorization,
                                      "Content-Type": "application/json",
                                      "User-Agent": "aligner (+linear adapter)"})

    def post(self, source: str, variables: Mapping[str, Any], *, write: bool = False) -> Reply:
        """Send one document; a 200 is returned even with field errors (callers decide)."""
        request = prepare(source)
        check_variables(request, variables)
        body = json.dumps({"query": source, "variables": dict(variables)})
        name = _operation_name(request)
        with self.pacer.slot():
            with self._count:
                self.requests += 1
            try:
                response = self._session.post(self.url, data=body, timeout=self.timeout)
            except requests.RequestException as error:  # refused, dropped, too slow, cut short
                kind = UncertainWrite if write else RetriableError
                what = ("timed out" if isinstance(error, requests.Timeout)
                        else "connection failed")
                raise kind(f"Linear {name}: {what} ({type(error).__name__})") from None
        log.debug("Linear %s: HTTP %s", name, response.status_code)
        return self._classify(name, response, write)

    def _classify(self, name: str, response: requests.Response, write: bool) -> Reply:
        payload = _json(response)
        errors = [self._scrub(e) for e in (payload or {}).get("errors") or ()
                  if isinstance(e, dict)]
        codes = {_code(e) for e in errors}
        status = response.status_code
        if status == 429 or codes & THROTTLE_CODES:
            wait = self._wait(response)
            self.pacer.observe(Signal(throttled=True, wait=wait))
            raise RetriableError(f"Linear {name}: rate limited (HTTP {status})",
                                 retry_after=wait)
        self._observe(response)
        if status in (401, 403) or codes & AUTH_CODES:
            raise AuthError(f"Linear refused the credentials in {self.credential} "
                            f"(HTTP {status}): {_messages(errors) or 'not authorised'}; check "
                            "the key or token and its scopes (read, write)")
        if status >= 500:
            kind = UncertainWrite if write else RetriableError
            raise kind(f"Linear {name}: server error (HTTP {status})")
        if status != 200 or payload is None:
            raise TrackerError(f"Linear {name}: HTTP {status}: "
                               f"{_messages(errors) or 'unexpected answer'}")
        data = payload.get("data")
        if errors and not write:
            raise TrackerError(f"Linear {name}: {_messages(errors)}")
        return Reply(data if isinstance(data, dict) else None, errors)

    def _observe(self, response: requests.Response) -> None:
        """Tell the pacer how much budget is left; count the points this request cost."""
        with self._count:
            self.complexity += _number(response.headers.get("X-Complexity")) or 0.0
        self.pacer.observe(signal(response.headers, self.clock()))

    def _scrub(self, error: dict[str, Any]) -> dict[str, Any]:
        """A server or proxy may echo the key back anywhere in an error (a `message` that is a
        list or an object, `extensions.code`, `userPresentableMessage`, a key): every string
        in the payload is redacted, so it never reaches a message, a log or a report."""
        secret = str(self._session.headers.get("Authorization", "")).removeprefix("Bearer ")
        scrubbed: dict[str, Any] = redact_payload(error, (secret,))
        return scrubbed

    def _wait(self, response: requests.Response) -> float | None:
        """Seconds until the exhausted budget refills: reset headers (epoch ms) or Retry-After."""
        headers = response.headers
        resets = []
        for remaining, reset in RESET_HEADERS:
            left = _number(headers.get(remaining))
            at = _number(headers.get(reset))
            if at is not None and (left is None or left <= 0):
                resets.append(at / 1000.0 - self.clock())
        if resets:
            return max(0.0, max(resets))
        return _number(headers.get("Retry-After"))


def _operation_name(request: GraphQLRequest) -> str:
    for definition in request.document.definitions:
        if isinstance(definition, OperationDefinitionNode) and definition.name:
            return definition.name.value
    return "request"


def _json(response: requests.Response) -> dict[str, Any] | None:
    try:
        payload = response.json()
    except (ValueError, RecursionError):  # not JSON, or nested past any real answer
        return None
    return payload if isinstance(payload, dict) else None


def _code(error: Mapping[str, Any]) -> str:
    extensions = error.get("extensions")
    code = extensions.get("code") if isinstance(extensions, Mapping) else None
    return str(code or "").upper()


def _messages(errors: list[dict[str, Any]]) -> str:
    return "; ".join(str(e.get("message") or _code(e) or "error") for e in errors[:3])


def _number(value: str | None) -> float | None:
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None
