"""Pacing from Jira's own signals: Retry-After, RateLimit-Reason, near-limit headers (#15).

Time is the pacer's virtual clock (it moves by the injected sleep): nothing really waits.
"""

from __future__ import annotations

from typing import Any

import pytest
import requests
import responses

from aligner.errors import RetriableError
from aligner.pacing import Pacer, SleepClock
from aligner.retry import RetryPolicy
from aligner_adapters.jira.ratelimit import scopes, signal
from aligner_adapters.jira.transport import JiraTransport
from tests.fakes.jira import FakeJira

from .support import adapter, seed_backlog

SITE = "https://pacing.atlassian.net"


def transport(ceiling: int = 8) -> tuple[JiraTransport, list[float]]:
    slept: list[float] = []
    clock = SleepClock(slept.append)
    pacer = Pacer(ceiling, sleep=clock.sleep, clock=clock.now)
    policy = RetryPolicy(sleep=pacer.sleep, jitter=lambda: 0.0)
    return JiraTransport(SITE, requests.Session(), policy, pacer=pacer), slept


def test_a_burst_limit_slows_that_endpoint_only(fake: FakeJira) -> None:
    seed_backlog(fake)
    waits: list[float] = []
    run = adapter(fake, waits, options={"concurrency": 8})
    fake.throttle("GET", "/search", retry_after=7)
    assert len(list(run.fetch())) > 0
    pacer = run.transport.pacer
    assert pacer.throttles == 1 and pacer.lowest == 4  # halved once, from 8
    assert waits == [7.0]  # the retry waited Retry-After; nothing else had to
    path = "/rest/api/3/search/jql" if fake.cloud else "/rest/api/2/search"
    with pacer.slot(scopes("GET", "/rest/api/3/field")):
        pass  # another endpoint: not paused
    assert pacer.waits == []
    pacer.observe(signal("GET", path, 429, {"RateLimit-Reason": "jira-burst-based"}, 5.0))
    with pacer.slot(scopes("GET", "/rest/api/3/field")):
        pass
    with pacer.slot(scopes("GET", path)):
        pass
    assert pacer.waits == [5.0]  # only the throttled endpoint waited


@responses.activate
def test_the_per_issue_write_limit_spaces_writes_to_that_issue() -> None:
    run, slept = transport()
    throttle = {"Retry-After": "1", "RateLimit-Reason": "jira-per-issue-on-write"}
    responses.put(f"{SITE}/rest/api/3/issue/CHK-1", status=429, headers=throttle, json={})
    for _ in range(3):
        responses.put(f"{SITE}/rest/api/3/issue/CHK-1", status=204)
    responses.put(f"{SITE}/rest/api/3/issue/CHK-2", status=204)
    for key in ("CHK-1", "CHK-1", "CHK-2"):
        run.call("PUT", f"/rest/api/3/issue/{key}", body={"update": {}})
    assert slept[0] == 1.0  # the retry honoured Retry-After
    # the next write to CHK-1 came 2 s / 20 later; the one to CHK-2 did not wait
    assert run.pacer.waits == [pytest.approx(0.1)]
    assert run.pacer.limit == 4


@responses.activate
def test_near_limit_halves_concurrency_and_clear_answers_bring_it_back() -> None:
    run, _ = transport(8)
    url = f"{SITE}/rest/api/3/myself"
    responses.get(url, json={}, headers={"X-RateLimit-NearLimit": "true"})
    responses.get(url, json={}, headers={"X-RateLimit-Remaining": "10",
                                         "X-RateLimit-Limit": "100"})
    for _ in range(2):
        run.call("GET", "/rest/api/3/myself")
    assert run.pacer.limit == 2 and run.pacer.throttles == 2
    responses.get(url, json={})
    for _ in range(20):
        run.call("GET", "/rest/api/3/myself")
    assert run.pacer.limit == 4  # one more per ten clear answers, up to the ceiling
    assert run.pacer.waits == []  # near the limit slows down; it does not stop


def test_a_pause_beyond_the_retry_budget_sends_nothing() -> None:
    pacer = Pacer(4, sleep=lambda s: None, clock=lambda: 0.0)
    pacer.observe(signal("GET", "/x", 429, {}, 3600.0))
    sent: list[Any] = []
    with pytest.raises(RetriableError, match="3600"), pacer.slot():
        sent.append(1)
    assert sent == [] and pacer.in_flight == 0
