"""A scripted fault layer between the adapters and a stateful fake tracker.

    wire = Wire.around(harness)                  # Jira (Cloud/DC) or Linear fake
    wire.add(Fault("status", match=is_comment_create, status=502, times=3))
    with wire.installed():
        ...                                      # run_sync / the CLI

A fault either answers instead of the fake (status, truncated/non-JSON body, timeout,
dropped connection, Ctrl-C) or lets the fake do the work first and then loses the answer
(`after=True`): the tracker changed but the client cannot know.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import requests
import responses

from tests.fakes.latency import serialised
from tests.sync.harness import Harness
from tests.sync.jira_harness import JiraHarness

Answer = tuple[int, dict[str, str], str]
Match = Callable[[requests.PreparedRequest], bool]


def body_of(request: requests.PreparedRequest) -> str:
    raw = request.body
    return raw.decode() if isinstance(raw, bytes) else str(raw or "")


def anything(request: requests.PreparedRequest) -> bool:
    return True


def jira_write(request: requests.PreparedRequest) -> bool:
    path = request.path_url.split("?")[0]
    return request.method != "GET" and not re.search(r"/(search(/jql)?|bulkfetch)$", path)


def linear_write(request: requests.PreparedRequest) -> bool:
    query = json.loads(body_of(request) or "{}").get("query") or ""
    return str(query).lstrip().startswith("mutation")


def comment_create(request: requests.PreparedRequest) -> bool:
    """Jira `POST …/comment`, Jira Cloud's issue edit that creates the comment
    (`update.comment`), or a Linear request carrying `commentCreate`."""
    path = request.path_url.split("?")[0]
    if request.method == "POST" and re.search(r"/comment$", path):
        return True
    if request.method == "PUT" and re.search(r"/issue/[^/]+$", path):
        return '"comment": [{"add"' in body_of(request)
    return "commentCreate" in body_of(request)


@dataclass
class Fault:
    kind: str  # status | truncate | not_json | timeout | drop | interrupt | rewrite | hook
    match: Match = anything
    times: int = 1
    status: int = 503
    headers: dict[str, str] = field(default_factory=dict)
    body: str = ""
    after: bool = False  # let the fake do the work first, then fail
    skip: int = 0  # let this many matching requests through first
    rewrite: Callable[[Any], Any] | None = None  # kind "rewrite": edit the fake's JSON answer
    action: Callable[[], None] | None = None  # kind "hook": run first (outside the fake's
    # lock, so it may be a whole other run with its own workers), then serve the request
    hits: int = 0  # how often it struck


@dataclass
class Wire:
    serve: Callable[[requests.PreparedRequest], Answer]
    routes: Callable[[responses.RequestsMock, Callable[..., Answer]], None]
    is_write: Match
    faults: list[Fault] = field(default_factory=list)
    seen: list[tuple[str, str, int | str]] = field(default_factory=list)  # method, path, what
    limit: int = 400  # a run on the harness needs a few dozen requests
    timeouts: list[Any] = field(default_factory=list)  # the client's timeout, per request

    @classmethod
    def around(cls, harness: Harness) -> Wire:
        fake: Any = harness.fake  # type: ignore[attr-defined]
        if isinstance(harness, JiraHarness):
            pattern = re.compile(re.escape(fake.base_url) + r"/rest/.*")

            def jira_routes(rsps: responses.RequestsMock, callback: Callable[..., Answer]) -> None:
                for method in ("GET", "POST", "PUT", "DELETE"):
                    rsps.add_callback(method, pattern, callback=callback)

            return cls(fake._callback, jira_routes, jira_write)

        def linear_routes(rsps: responses.RequestsMock, callback: Callable[..., Answer]) -> None:
            rsps.add_callback("POST", fake.url, callback=callback)

        return cls(fake._handle, linear_routes, linear_write)

    def add(self, *faults: Fault) -> Wire:
        self.faults.extend(faults)
        return self

    @contextmanager
    def installed(self) -> Iterator[Wire]:
        with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
            self.routes(rsps, self)
            yield self

    def writes(self) -> int:
        return sum(1 for *_, what in self.seen if what == "write")

    def __call__(self, request: requests.PreparedRequest) -> Answer:
        hook = self._take(request, hooks=True)
        if hook is not None and hook.action is not None:
            hook.action()
        return self._handle(request)

    @serialised
    def _handle(self, request: requests.PreparedRequest) -> Answer:
        if len(self.seen) > self.limit:
            raise AssertionError(f"more than {self.limit} requests: a retry or paging loop")
        fault = self._take(request)
        self.seen.append((request.method or "", request.path_url,
                          "write" if self.is_write(request) else "read"))
        self.timeouts.append(getattr(request, "req_kwargs", {}).get("timeout"))
        if fault is None:
            return self.serve(request)
        answer = self.serve(request) if fault.after else None
        return self._fail(fault, answer)

    @serialised
    def _take(self, request: requests.PreparedRequest, hooks: bool = False) -> Fault | None:
        for fault in self.faults:
            if (fault.kind == "hook") == hooks and fault.times > 0 and fault.match(request):
                if fault.skip > 0:
                    fault.skip -= 1
                    continue
                fault.times -= 1
                fault.hits += 1
                return fault
        return None

    def _fail(self, fault: Fault, answer: Answer | None) -> Answer:
        if fault.kind == "timeout":
            raise requests.ReadTimeout("read timed out (injected)")
        if fault.kind == "drop":
            raise requests.ConnectionError("connection reset by peer (injected)")
        if fault.kind == "interrupt":
            raise KeyboardInterrupt
        if fault.kind == "rewrite" and answer is not None and fault.rewrite is not None:
            status, headers, body = answer
            return status, headers, json.dumps(fault.rewrite(json.loads(body)))
        if fault.kind == "truncate":
            status, headers, body = answer or (200, {}, '{"data": {"issues": {"nodes": [')
            return status, headers, body[: max(1, len(body) // 2)]
        if fault.kind == "not_json":
            return (fault.status if answer is None else answer[0],
                    {"Content-Type": "text/html"},
                    fault.body or "<html><body>502 Bad Gateway (proxy)</body></html>")
        return fault.status, {"Content-Type": "application/json", **fault.headers}, fault.body
