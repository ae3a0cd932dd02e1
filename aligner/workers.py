"""Bounded worker threads that keep results in order: how adapters run requests concurrently.

The trackers' clients are blocking (the `jira` library, `requests` under gql), so concurrency is
a small thread pool. Each unit of work (one ticket's plan, one write batch, one page) runs on one
worker from start to end, so the writes of one ticket keep their order. Results come back in
the order of the inputs.

Stopping is clean: when a unit raises (an AuthError, or KeyboardInterrupt raised by Ctrl-C in
the main thread or by a test in a worker), no further unit starts, the units already running
finish (each leaves its ticket consistent, as a sequential run would), and the error propagates.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def ordered(concurrency: int, work: Callable[[T], R], items: Iterable[T], *,
            first_alone: bool = False) -> Iterator[R]:
    """`work(item)` for each item, at most `concurrency` at once; results in item order.

    `concurrency` 1 runs everything in the calling thread (the sequential behaviour).
    `first_alone`: the first item runs before any other starts, so what an adapter learns
    from its first write (e.g. whether the site accepts a parameter) holds for the rest.
    """
    pending = iter(items)
    if concurrency <= 1:
        yield from (work(item) for item in pending)
        return
    if first_alone:
        for item in pending:
            yield work(item)
            break
    yield from _pooled(concurrency, work, pending)


def _pooled(concurrency: int, work: Callable[[T], R], items: Iterator[T]) -> Iterator[R]:
    running: deque[Future[R]] = deque()
    pool = ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="aligner")
    try:
        for item in items:
            running.append(pool.submit(work, item))
            if len(running) >= concurrency * 2:  # bounded look-ahead, results in order
                yield running.popleft().result()
        while running:
            yield running.popleft().result()
    finally:  # an error, Ctrl-C or an abandoned generator: start nothing new, finish the rest
        for future in running:
            future.cancel()
        pool.shutdown(wait=True)
