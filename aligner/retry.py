"""The one retry layer every adapter uses: bounded, honouring the server's Retry-After.

Adapters classify failures first (see `aligner.errors`): only `RetriableError` is retried;
auth errors, bad queries and non-idempotent writes whose outcome is unknown are not.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from tenacity import RetryCallState, Retrying, retry_if_exception_type, stop_after_attempt
from tenacity.stop import stop_base

from aligner.errors import RetriableError, TrackerError

T = TypeVar("T")
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RetryPolicy:
    """Atlassian's advice: wait at least Retry-After, back off from ~2 s with jitter, few tries."""

    attempts: int = 5
    base_delay: float = 2.0
    max_delay: float = 60.0
    max_total_wait: float = 300.0
    sleep: Callable[[float], None] = time.sleep
    jitter: Callable[[], float] = random.random

    def delay(self, attempt: int, retry_after: float | None) -> float:
        backoff: float = min(self.max_delay, self.base_delay * 2.0 ** (attempt - 1))
        backoff *= 0.5 + self.jitter() / 2
        return max(backoff, float(retry_after or 0.0))


class _WaitBudget(stop_base):
    """Stop when the next wait would push the total past the policy's budget."""

    def __init__(self, policy: RetryPolicy) -> None:
        self.policy = policy

    def __call__(self, retry_state: RetryCallState) -> bool:
        upcoming = _wait_for(self.policy, retry_state)
        return retry_state.idle_for + upcoming > self.policy.max_total_wait


def _wait_for(policy: RetryPolicy, state: RetryCallState) -> float:
    error = state.outcome.exception() if state.outcome else None
    retry_after = error.retry_after if isinstance(error, RetriableError) else None
    return policy.delay(state.attempt_number, retry_after)


def _log_wait(policy: RetryPolicy, state: RetryCallState, what: str) -> None:
    """At -v: why the run pauses, for how long, and which try comes next."""
    error = state.outcome.exception() if state.outcome else None
    log.info("%s: %s; retrying in %.1f s (try %d of %d)", what, error,
             _wait_for(policy, state), state.attempt_number + 1, policy.attempts)


def call_with_retry(policy: RetryPolicy, call: Callable[[], T], what: str) -> T:
    """Run `call`, retrying `RetriableError`s within the policy; re-raise the last one plainly."""
    retrying = Retrying(
        retry=retry_if_exception_type(RetriableError),
        stop=stop_after_attempt(policy.attempts) | _WaitBudget(policy),
        wait=lambda state: _wait_for(policy, state),
        sleep=policy.sleep,
        before_sleep=lambda state: _log_wait(policy, state, what),
        reraise=True,
    )
    try:
        return retrying(call)
    except RetriableError as error:
        raise TrackerError(f"{what}: gave up after retries: {error}") from None
