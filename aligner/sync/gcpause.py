"""Pausing the cyclic garbage collector while a run builds its item graph."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Run the block with the cyclic GC off, then restore it as it was.

    Fetching and evaluating allocate millions of containers (parsed pages, items, traces,
    findings) and next to no reference cycles, while CPython's generational GC re-scans the
    whole growing heap again and again: a third of `aligner check`'s time at 100k items
    (BENCHMARKS.md). Reference counting frees memory as usual; a cycle made inside the
    block is collected after it.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
