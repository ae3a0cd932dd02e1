"""At -v a run says why it pauses: retries and rate-limit pacing are logged (#18)."""

from __future__ import annotations

import logging

import pytest

from aligner.errors import RetriableError
from aligner.pacing import Pacer, Signal
from aligner.retry import RetryPolicy, call_with_retry


def test_a_retry_wait_is_logged_with_its_reason(caplog: pytest.LogCaptureFixture) -> None:
    calls = []

    def flaky() -> str:
        calls.append(1)
        if len(calls) == 1:
            raise RetriableError("HTTP 429 Too Many Requests", retry_after=7)
        return "ok"

    policy = RetryPolicy(sleep=lambda s: None, jitter=lambda: 0.0)
    with caplog.at_level(logging.INFO, logger="aligner.retry"):
        assert call_with_retry(policy, flaky, "Jira search") == "ok"
    assert "Jira search: HTTP 429 Too Many Requests; retrying in 7.0 s (try 2 of 5)" in \
        caplog.text


def test_a_pacing_pause_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    slept: list[float] = []
    now = [0.0]
    pacer = Pacer(2, sleep=slept.append, clock=lambda: now[0])
    pacer.observe(Signal(scope="*", wait=12.0, throttled=True))
    with caplog.at_level(logging.INFO, logger="aligner.pacing"), pacer.slot():
        pass
    assert slept == [12.0]
    assert "rate limit: waiting 12.0 s before the next request" in caplog.text
