"""One HTTP request to Jira, classified; retries live in exactly one place (aligner.retry).

The `jira` library's ResilientSession retries 429/503 by itself (max_retries=3, its own sleep).
We turn that layer OFF (max_retries=0) and keep aligner.retry, so that Retry-After, the bounded
attempts and total wait, and the injected sleep apply uniformly to every request, and so that a
POST whose outcome is unknown is never re-sent blindly by a layer that cannot check first.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Mapping
from email.utils import parsedate_to_datetime
from typing import Any, TypeVar

import requests
from jira import JIRA
from jira.exceptions import JIRAError

from aligner.deadline import default_deadline, with_deadline
from aligner.errors import AuthError, RetriableError, TrackerError
from aligner.pacing import Pacer
from aligner.retry import RetryPolicy, call_with_retry

from .ratelimit import scopes, signal
from .settings import Credentials

T = TypeVar("T")
READ_POSTS = ("/search", "/search/jql", "/issue/bulkfetch")  # POSTs that only read


class NotFound(TrackerError):
    """404: the issue, comment or endpoint does not exist (or is not visible)."""


class BadRequest(TrackerError):
    """400: Jira refused the request (bad JQL, invalid field); `messages` are Jira's own."""

    def __init__(self, message: str, messages: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.messages = messages


class Forbidden(AuthError):
    """403: authenticated, but not allowed to do this (permissions vary per project)."""


class OutcomeUnknown(TrackerError):
    """A non-idempotent write got no clear answer (timeout, dropped connection, 5xx)."""


def retry_policy(options: Mapping[str, Any], pacer: Pacer | None = None) -> RetryPolicy:
    """The run's policy; tests inject `sleep` (and `jitter`) so nothing really waits.

    With a `pacer`, the retry layer sleeps through the pacer's clock, so a Retry-After the
    pacer recorded has passed for it too once the throttled request waited it out.
    """
    policy = options.get("retry_policy")
    if isinstance(policy, RetryPolicy):
        return policy
    kwargs: dict[str, Any] = {"sleep": pacer.sleep if pacer else options.get("sleep",
                                                                               time.sleep)}
    if "jitter" in options:
        kwargs["jitter"] = options["jitter"]
    return RetryPolicy(**kwargs)


def build_session(base_url: str, credentials: Credentials, timeout: float,
                  deadline: float | None = None) -> requests.Session:
    """The `jira` library's authenticated session, with its own retries disabled.

    `timeout` bounds each socket read; `deadline` (default 4 × timeout) bounds each request
    as a whole, so a server that trickles its answer cannot hold the run (aligner.deadline).
    """
    auth: dict[str, Any] = (
        {"token_auth": credentials.pat} if credentials.pat
        else {"basic_auth": (credentials.email or "", credentials.token or "")}
    )
    client = JIRA(server=base_url, get_server_info=False, max_retries=0, logging=False,
                  timeout=(min(10.0, timeout), timeout), **auth)
    return with_deadline(client._session, deadline or default_deadline(timeout))


class JiraTransport:
    """Sends requests, counts them, and turns every failure into one of our error types.

    Thread-safe: workers share it; every attempt takes a slot from the `pacer`, which learns
    from each answer's rate-limit headers (ratelimit.py).
    """

    def __init__(self, base_url: str, session: requests.Session, policy: RetryPolicy,
                 secrets: tuple[str, ...] = (), pacer: Pacer | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.session = session
        self.policy = policy
        self.secrets = secrets
        self.pacer = pacer or Pacer(1, sleep=policy.sleep)
        self.requests = 0
        self.total_writes = 0
        self._count = threading.Lock()
        self._mine = threading.local()  # per-thread write count: see `writes`

    @property
    def writes(self) -> int:
        """Write requests sent by the calling thread: a worker's count before and after one
        plan is that plan's own, whatever the other workers send meanwhile."""
        return int(getattr(self._mine, "writes", 0))

    def _counted(self, method: str, path: str) -> None:
        write = method != "GET" and not path.endswith(READ_POSTS)
        with self._count:
            self.requests += 1
            self.total_writes += write
        if write:
            self._mine.writes = self.writes + 1

    def call(self, method: str, path: str, *, params: Mapping[str, Any] | None = None,
             body: Any = None, what: str = "") -> Any:
        """An idempotent request (any GET, PUT or DELETE here), retried within the policy."""
        return self.retrying(lambda: self.send(method, path, params=params, body=body),
                             what or f"{method} {path}")

    def retrying(self, attempt: Callable[[], T], what: str) -> T:
        return call_with_retry(self.policy, attempt, what)

    def send(self, method: str, path: str, *, params: Mapping[str, Any] | None = None,
             body: Any = None, idempotent: bool = True) -> Any:
        """One attempt; returns the decoded JSON body (None when empty)."""
        with self.pacer.slot(scopes(method, path)):
            self._counted(method, path)
            try:
                response = self.session.request(method, self.base_url + path, params=params,
                                                data=None if body is None else json.dumps(body))
            except requests.RequestException as error:
                raise self._no_answer(method, path, error, idempotent) from None
            except JIRAError as error:  # the library's session raises it for any non-2xx
                if not isinstance(error.response, requests.Response):
                    raise TrackerError(f"{method} {path}: no response") from None
                response = error.response
        self.pacer.observe(signal(method, path, response.status_code, response.headers,
                                  _retry_after(response)))
        if not response.ok:
            raise self._classify(method, path, response, idempotent)
        return self._decode(method, path, response, idempotent)

    def _no_answer(self, method: str, path: str, error: Exception,
                   idempotent: bool) -> TrackerError:
        kind = "timed out" if isinstance(error, requests.Timeout) else "connection failed"
        message = f"{method} {path}: {kind}"
        return RetriableError(message) if idempotent else OutcomeUnknown(message)

    def _classify(self, method: str, path: str, response: requests.Response,
                  idempotent: bool) -> TrackerError:
        status = response.status_code
        messages = self._messages(response)
        detail = f"{method} {path}: HTTP {status}" + (f": {'; '.join(messages)}" if messages
                                                        else "")
        if status == 401:
            return AuthError(f"Jira refused the credentials ({detail}); check the token and "
                             "that it belongs to this site")
        if status == 403:
            return Forbidden(f"permission denied ({detail})")
        if status == 429:
            return RetriableError(f"rate limited ({detail})", _retry_after(response))
        if status >= 500:
            if idempotent:
                return RetriableError(detail, _retry_after(response))
            return OutcomeUnknown(detail)
        if status == 404:
            return NotFound(detail)
        if status == 400:
            return BadRequest(detail, messages)
        if status == 410:
            return TrackerError(f"{detail} (this API is gone on this site: is `deployment` "
                                "right?)")
        return TrackerError(detail)

    def _messages(self, response: requests.Response) -> tuple[str, ...]:
        try:
            data = response.json()
        except ValueError:
            return ()
        if not isinstance(data, Mapping):
            return ()
        found = [str(m) for m in data.get("errorMessages") or () if m]
        errors = data.get("errors")
        if isinstance(errors, Mapping):
            found.extend(f"{k}: {v}" for k, v in errors.items())
        if isinstance(data.get("message"), str):
            found.append(data["message"])
        return tuple(self.scrub(m)[:300] for m in found[:5])

    def _decode(self, method: str, path: str, response: requests.Response,
                idempotent: bool = True) -> Any:
        if not response.content:
            return None
        try:
            return response.json()
        except ValueError:
            message = (f"{method} {path}: Jira answered with something that is not JSON (a "
                       "login page or a proxy? check the URL)")
            # a 2xx to a POST that cannot be read may still have created what it posted
            raise (TrackerError if idempotent else OutcomeUnknown)(message) from None

    def scrub(self, text: str) -> str:
        """Remove any secret that a server or proxy might have echoed back."""
        for secret in self.secrets:
            text = text.replace(secret, "***")
        return text


def _retry_after(response: requests.Response) -> float | None:
    """Seconds from a Retry-After header: delta-seconds or an HTTP date."""
    value = response.headers.get("Retry-After")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None
