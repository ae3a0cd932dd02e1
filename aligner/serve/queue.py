"""The dirty set: items waiting to be re-read, one entry per item, due after a debounce.

Webhook handlers mark items (cheap, thread-safe); the one worker takes what is due. A burst
of deliveries about one ticket is one entry, so duplicates cost nothing and their order does
not matter. The set is bounded: when it is full, `mark` refuses and the handler answers 503
with Retry-After (the trackers deliver again), and the worker is asked for an early
reconcile, which re-reads whatever changed in the meantime.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable

Key = tuple[str, str]  # (source, item key)
MAX_WAIT_DEBOUNCES = 10  # an item edited non-stop is still re-read after 10 debounces


class DirtyQueue:
    """Thread-safe dirty set with a per-item trailing debounce and a capacity."""

    def __init__(self, capacity: int, debounce: float,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.capacity = capacity
        self.debounce = debounce
        self.clock = clock
        self._due: dict[Key, float] = {}
        self._first: dict[Key, float] = {}  # when each entry was first marked (latency)
        self._changed = threading.Condition()
        self.overflowed = False  # a refused mark: the worker reconciles early

    def __len__(self) -> int:
        with self._changed:
            return len(self._due)

    def mark(self, source: str, keys: Iterable[str], delay: float | None = None) -> bool:
        """Mark items dirty; False (nothing marked) when that would exceed the capacity."""
        now, wait = self.clock(), self.debounce if delay is None else delay
        wanted = [(source, key) for key in dict.fromkeys(keys)]
        with self._changed:
            new = sum(key not in self._due for key in wanted)
            if len(self._due) + new > self.capacity:
                self.overflowed = True
                return False
            for key in wanted:
                first = self._first.setdefault(key, now)
                self._due[key] = min(now + wait, first + wait * MAX_WAIT_DEBOUNCES)
            self._changed.notify_all()
        return True

    def take_due(self) -> dict[Key, float]:
        """Remove and return the due entries, each with the time it was first marked."""
        now = self.clock()
        with self._changed:
            due = [key for key, when in self._due.items() if when <= now]
            for key in due:
                del self._due[key]
            return {key: self._first.pop(key) for key in due}

    def next_due(self) -> float | None:
        """When the earliest entry falls due (clock time), or None when empty."""
        with self._changed:
            return min(self._due.values(), default=None)

    def wait(self, timeout: float) -> None:
        """Sleep until something is marked or `timeout` seconds pass (the worker's idle)."""
        with self._changed:
            self._changed.wait(timeout)

    def wake(self) -> None:
        """Wake a waiting worker (shutdown)."""
        with self._changed:
            self._changed.notify_all()
