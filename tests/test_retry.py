"""The one retry layer (aligner.retry): it waits at least Retry-After, backs off, stops within
a count and a total wait, never retries what cannot succeed, and gives up with one clear line.
No real sleeping: the policy's sleep records the waits."""

from __future__ import annotations

import pytest

from aligner.errors import EXIT_TRACKER, AuthError, RetriableError, TrackerError
from aligner.retry import RetryPolicy, call_with_retry


class Flaky:
    """A call that raises the given errors in turn, then answers "ok"."""

    def __init__(self, *errors: Exception) -> None:
        self.errors = list(errors)
        self.calls = 0

    def __call__(self) -> str:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return "ok"


def policy(waits: list[float], attempts: int = 5, max_delay: float = 60.0,
           max_total_wait: float = 300.0) -> RetryPolicy:
    """A policy without jitter (the full backoff) that records its waits instead of sleeping."""
    return RetryPolicy(attempts=attempts, max_delay=max_delay, max_total_wait=max_total_wait,
                       sleep=waits.append, jitter=lambda: 1.0)


def throttled(retry_after: float | None = None) -> RetriableError:
    return RetriableError("429 Too Many Requests", retry_after=retry_after)


def test_a_throttled_call_waits_the_servers_retry_after_then_succeeds() -> None:
    waits: list[float] = []
    call = Flaky(throttled(retry_after=7))
    assert call_with_retry(policy(waits), call, "search") == "ok"
    assert waits == [7.0] and call.calls == 2


def test_retry_after_is_a_minimum_the_backoff_can_exceed() -> None:
    waits: list[float] = []
    call_with_retry(policy(waits), Flaky(throttled(), throttled(0.5), throttled(1)), "search")
    assert waits == [2.0, 4.0, 8.0]  # from 2 s, doubling; Retry-After 0.5 and 1 s are shorter


def test_backoff_is_capped_and_jittered() -> None:
    waits: list[float] = []
    capped = policy(waits, max_delay=5.0, attempts=6)
    call_with_retry(capped, Flaky(*[throttled() for _ in range(4)]), "search")
    assert waits == [2.0, 4.0, 5.0, 5.0]
    halved = RetryPolicy(jitter=lambda: 0.0)
    assert [halved.delay(n, None) for n in (1, 2, 3)] == [1.0, 2.0, 4.0]
    assert halved.delay(1, 30.0) == 30.0  # jitter never shortens Retry-After


def test_the_number_of_attempts_is_bounded_and_the_failure_says_so() -> None:
    waits: list[float] = []
    call = Flaky(*[throttled() for _ in range(10)])
    with pytest.raises(TrackerError) as failure:
        call_with_retry(policy(waits, attempts=3), call, "Jira search page 4")
    assert call.calls == 3 and waits == [2.0, 4.0]
    assert str(failure.value) == ("Jira search page 4: gave up after retries: "
                                  "429 Too Many Requests")
    assert not isinstance(failure.value, RetriableError)  # callers see a plain tracker error
    assert failure.value.exit_code == EXIT_TRACKER


def test_the_total_wait_is_bounded_even_when_the_server_asks_for_more() -> None:
    waits: list[float] = []
    call = Flaky(*[throttled(retry_after=40) for _ in range(10)])
    with pytest.raises(TrackerError, match="gave up after retries"):
        call_with_retry(policy(waits, max_total_wait=100.0), call, "Linear issues")
    assert waits == [40.0, 40.0] and call.calls == 3  # a third wait would pass 100 s
    waits.clear()
    with pytest.raises(TrackerError):
        call_with_retry(policy(waits), Flaky(throttled(retry_after=3600)), "Linear issues")
    assert waits == []  # an hour's Retry-After is over the budget: give up now, not wait


@pytest.mark.parametrize("error", [
    AuthError("401 Unauthorized: check JIRA_API_TOKEN"),
    TrackerError("400 Bad Request: the JQL is invalid"),
    ValueError("a bug in the caller"),
])
def test_errors_that_cannot_succeed_on_retry_are_raised_at_once(error: Exception) -> None:
    waits: list[float] = []
    call = Flaky(error)
    with pytest.raises(type(error)) as raised:
        call_with_retry(policy(waits), call, "search")
    assert raised.value is error and call.calls == 1 and waits == []


def test_a_call_that_succeeds_is_called_once() -> None:
    waits: list[float] = []
    call = Flaky()
    assert call_with_retry(policy(waits), call, "search") == "ok"
    assert call.calls == 1 and waits == []
