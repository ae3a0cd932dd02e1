"""Fakes under concurrent clients: one request served at a time, and optional network latency.

The stateful fakes are plain Python objects: `serialised` makes each request's handling atomic
(workers of a concurrent sync call them from several threads). `slow_down` adds a latency to
every registered answer, slept *outside* that lock, the way a real server overlaps requests:
the benchmarks use it (tests never sleep).
"""

from __future__ import annotations

import functools
import random
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])
_serving = threading.RLock()  # re-entrant: a wire wrapper calls the fake's own callback


def serialised(callback: F) -> F:
    """Serve one request at a time (the fakes' state is not thread-safe)."""

    @functools.wraps(callback)
    def serve(*args: Any, **kwargs: Any) -> Any:
        with _serving:
            return callback(*args, **kwargs)

    return serve  # type: ignore[return-value]


def slow_down(rsps: Any, low: float, high: float | None = None,
              seed: int = 15) -> None:
    """Every answer registered on `rsps` takes `low`..`high` seconds (uniform, seeded)."""
    spread = random.Random(seed)
    lock = threading.Lock()

    def delay() -> float:
        with lock:
            return spread.uniform(low, high if high is not None else low)

    for registered in rsps.registered():
        inner = registered.callback

        def late(request: Any, inner: Any = inner) -> Any:
            time.sleep(delay())
            return inner(request)

        registered.callback = late
