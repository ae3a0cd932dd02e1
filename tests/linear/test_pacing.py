"""Pacing from Linear's budgets: requests and complexity remaining, X-Complexity, resets (#15).

Time is injected (a clock and a sleep that only records): nothing really waits.
"""

from __future__ import annotations

import json

import pytest
import responses

from aligner.pacing import Pacer
from aligner.retry import RetryPolicy, call_with_retry
from aligner_adapters.linear.documents import TEAMS_PAGE
from aligner_adapters.linear.ratelimit import signal
from aligner_adapters.linear.transport import LinearHTTP

URL = "https://api.linear.test/graphql"
NOW = 1_800_000_000.0
PAGE = {"data": {"teams": {"nodes": [], "pageInfo": {"hasNextPage": False,
                                                      "endCursor": None}}}}


class Clock:
    def __init__(self) -> None:
        self.now = NOW
        self.slept: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def http(ceiling: int = 6) -> tuple[LinearHTTP, Clock]:
    clock = Clock()
    pacer = Pacer(ceiling, sleep=clock.sleep, clock=lambda: clock.now)
    return LinearHTTP(URL, "lin_api_x", timeout=5, credential="LINEAR_API_KEY",
                      clock=lambda: clock.now, pacer=pacer), clock


def answer(**headers: str) -> None:
    responses.post(URL, body=json.dumps(PAGE), headers=headers,
                   content_type="application/json")


@responses.activate
def test_low_complexity_budget_halves_and_spreads_what_is_left_until_the_reset() -> None:
    linear, _ = http(6)
    reset = str(int((NOW + 60) * 1000))
    for _ in range(3):  # 4,000 points left at 500 a request: 8 requests in 60 s
        answer(**{"X-Complexity": "500", "X-RateLimit-Complexity-Remaining": "4000",
                  "X-RateLimit-Complexity-Reset": reset})
    for _ in range(3):
        linear.post(TEAMS_PAGE, {})
    assert linear.pacer.limit == 1 and linear.pacer.lowest == 1  # 6 -> 3 -> 1 -> 1
    assert linear.pacer.waits == [pytest.approx(7.5), pytest.approx(7.5)]
    assert linear.complexity == 1500


@responses.activate
def test_low_request_budget_is_paced_too_and_a_clear_answer_stops_the_spacing() -> None:
    linear, _ = http(4)
    reset = str(int((NOW + 100) * 1000))
    answer(**{"X-RateLimit-Requests-Remaining": "10", "X-RateLimit-Requests-Limit": "5000",
              "X-RateLimit-Requests-Reset": reset})
    answer(**{"X-RateLimit-Requests-Remaining": "4000", "X-RateLimit-Requests-Limit": "5000"})
    answer()
    for _ in range(3):
        linear.post(TEAMS_PAGE, {})
    assert linear.pacer.waits == [pytest.approx(10.0)]  # 10 requests left for 100 s
    assert linear.pacer.limit == 2


@responses.activate
def test_ratelimited_pauses_every_worker_until_the_reset() -> None:
    linear, clock = http(6)
    reset = str(int((NOW + 40) * 1000))
    responses.post(URL, status=400, json={"data": None, "errors": [
        {"message": "Rate limit exceeded", "extensions": {"code": "RATELIMITED"}}]},
        headers={"X-RateLimit-Requests-Remaining": "0", "X-RateLimit-Requests-Reset": reset})
    answer()
    policy = RetryPolicy(sleep=linear.pacer.sleep, jitter=lambda: 0.0)
    call_with_retry(policy, lambda: linear.post(TEAMS_PAGE, {}), "teams")
    assert clock.slept == [pytest.approx(40, abs=1)]  # the retry waited; no second wait
    assert linear.pacer.limit == 3 and linear.pacer.throttles == 1


def test_the_header_reader_is_clear_with_room_left() -> None:
    assert not signal({"X-RateLimit-Requests-Remaining": "4999", "X-Complexity": "870",
                       "X-RateLimit-Complexity-Remaining": "2000000"}, NOW).near_limit
