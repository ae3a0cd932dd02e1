"""Pacing: how many requests may be in flight, and when the next one may go.

One thread-safe `Pacer` per adapter sits under the one retry layer (`aligner.retry`): every
attempt takes a slot from it, and every answer tells it what the tracker said about its budget
(a `Signal`, read from the headers by the adapter). The pacer is tracker-neutral:

- **concurrency adapts (AIMD):** a throttled or near-limit answer halves the requests allowed
  in flight (never below 1); a streak of clear answers adds one back, up to the configured
  ceiling. It never exceeds what `--concurrency` / `trackers.<name>.concurrency` allow.
- **pauses are scoped:** a throttle may pause the whole site (`"*"`), one endpoint (a burst
  limit) or one ticket (a per-issue write limit); only requests in that scope wait.
- **spacing:** a scope may require a minimum interval between requests (e.g. 20 writes per
  2 s to one issue, or a complexity budget spread until its reset).

The thread that was throttled waits in the retry layer; the pause it records makes the other
workers wait too, instead of hammering the tracker with requests bound to be refused.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from aligner.errors import RetriableError

log = logging.getLogger(__name__)
SITE = "*"  # the scope every request is in
CLEAR_STREAK = 10  # clear answers in a row before one more request may be in flight
MAX_PACING_WAIT = 300.0  # a longer pause is refused at once (the retry layer's budget)
LOGGED_WAIT = 0.5  # seconds: shorter pacing waits are routine spacing, not worth a line


@dataclass(frozen=True, slots=True)
class Signal:
    """What one answer said about the budget (all optional; the default means "all clear").

    `wait`: seconds before `scope` may be asked again; `space`: seconds between requests in
    `scope` from now on (0 clears it); `near_limit`: the budget is running low.
    """

    throttled: bool = False
    near_limit: bool = False
    scope: str = SITE
    wait: float | None = None
    space: float | None = None


class SleepClock:
    """A clock that advances by what is slept through it: for an injected (test) sleep that
    does not really wait, so pauses and spacing still add up consistently."""

    def __init__(self, sleep: Callable[[float], None]) -> None:
        self._sleep = sleep
        self._now = 0.0
        self._lock = threading.Lock()

    def now(self) -> float:
        return self._now

    def sleep(self, seconds: float) -> None:
        self._sleep(seconds)
        with self._lock:
            self._now += seconds


class Pacer:
    """Bounds the requests in flight and spaces them; shared by an adapter's threads."""

    def __init__(self, ceiling: int = 1, *, sleep: Callable[[float], None] = time.sleep,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.ceiling = max(1, ceiling)
        self.limit = self.ceiling
        self.sleep = sleep
        self.clock = clock
        self.in_flight = 0
        self.throttles = 0  # answers that said "slow down" (429, RATELIMITED, near limit)
        self.lowest = self.ceiling  # the lowest limit reached, for reports and tests
        self.waits: list[float] = []  # every pacing wait, for tests and benchmarks
        self._streak = 0
        self._paused: dict[str, float] = {}  # scope -> clock time it may be asked again
        self._spacing: dict[str, float] = {}  # scope -> seconds between requests
        self._next: dict[str, float] = {}  # scope -> earliest time of its next request
        self._turn = threading.Condition()

    @contextmanager
    def slot(self, scopes: Sequence[str] = ()) -> Iterator[None]:
        """Hold one of the requests allowed in flight, after any pause or spacing.

        A pause longer than the retry layer would ever wait raises `RetriableError` at once
        (which that layer then gives up on): no request is sent into a known refusal.
        """
        with self._turn:
            while self.in_flight >= self.limit:
                self._turn.wait()
            wait = self._reserve((SITE, *scopes))
            if wait > MAX_PACING_WAIT:
                raise RetriableError(f"rate limited: the tracker asked to wait {wait:.0f} s",
                                     retry_after=wait)
            self.in_flight += 1
        try:
            if wait > 0:
                self.waits.append(wait)
                if wait >= LOGGED_WAIT:  # -v says why a run seems to stall
                    log.info("rate limit: waiting %.1f s before the next request (%s)", wait,
                             ", ".join(s for s in (SITE, *scopes) if s in self._paused
                                       or s in self._spacing) or SITE)
                self.sleep(wait)
            yield
        finally:
            with self._turn:
                self.in_flight -= 1
                self._turn.notify()

    def _reserve(self, scopes: Sequence[str]) -> float:
        """Seconds this request waits; books its turn in every spaced scope (lock held)."""
        now = self.clock()
        start = max([now, *(self._paused.get(s, now) for s in scopes)])
        for scope in scopes:
            interval = self._spacing.get(scope)
            if interval:
                start = max(start, self._next.get(scope, start))
        for scope in scopes:
            interval = self._spacing.get(scope)
            if interval:
                self._next[scope] = start + interval
        return start - now

    def observe(self, signal: Signal) -> None:
        """Learn from one answer: pause, space, halve or (after a clear streak) grow."""
        with self._turn:
            now = self.clock()
            if signal.wait:
                self._paused[signal.scope] = max(self._paused.get(signal.scope, now),
                                                 now + signal.wait)
            if signal.space is not None:  # the next request keeps its distance from this one
                self._spacing[signal.scope] = signal.space
                if signal.space:
                    self._next[signal.scope] = max(self._next.get(signal.scope, now),
                                                   now + signal.space)
            if signal.throttled or signal.near_limit:
                self.throttles += 1
                self._streak = 0
                self.limit = max(1, self.limit // 2)
                self.lowest = min(self.lowest, self.limit)
                return
            self._streak += 1
            if self._streak >= CLEAR_STREAK and self.limit < self.ceiling:
                self._streak = 0
                self.limit += 1
                self._turn.notify()


def concurrency_of(options: Mapping[str, Any], configured: int) -> int:
    """`sync --concurrency N` (in the adapter's options) wins over the tracker's setting."""
    given = options.get("concurrency")
    return max(1, int(given)) if given else max(1, configured)


def pacer_for(options: Mapping[str, Any], configured: int) -> Pacer:
    """The adapter's pacer; with an injected `sleep` and no `clock`, time moves by sleeping."""
    sleep = options.get("sleep", time.sleep)
    clock = options.get("clock")
    ceiling = concurrency_of(options, configured)
    if clock is None and sleep is not time.sleep:
        virtual = SleepClock(sleep)
        return Pacer(ceiling, sleep=virtual.sleep, clock=virtual.now)
    return Pacer(ceiling, sleep=sleep, clock=clock or time.monotonic)
