"""Fetch progress on stderr, only for a person watching a terminal; CI logs stay quiet.

`aligner.sync.read.read` calls a `ProgressCallback(source, fetched_so_far, done, total)` every
few items (`total` only where the tracker tells it, e.g. Jira Data Center's search);
`progress_for()` returns one that redraws a single status line, or None when stderr is not a
terminal (or `--quiet`), so nothing at all is printed in CI.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import Protocol, TextIO


class ProgressCallback(Protocol):
    """Told `(source, fetched_so_far, done)`, and `total` when the tracker said how many."""

    def __call__(self, source: str, count: int, done: bool, total: int | None = None) -> None:
        ...

ERASE_LINE = "\r\x1b[K"


class TerminalProgress:
    """Redraws `fetched N items from SOURCE…` at most every `interval` seconds; erased when done."""

    def __init__(self, stream: TextIO, interval: float = 0.2,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.stream = stream
        self.interval = interval
        self.clock = clock
        self._last = float("-inf")

    def __call__(self, source: str, count: int, done: bool, total: int | None = None) -> None:
        if done:
            self.stream.write(ERASE_LINE)
        else:
            now = self.clock()
            if now - self._last < self.interval:
                return
            self._last = now
            of = f" of {total}" if total else ""
            self.stream.write(f"{ERASE_LINE}fetched {count}{of} items from {source}…")
        self.stream.flush()


def progress_for(stream: TextIO | None = None, quiet: bool = False) -> ProgressCallback | None:
    """A progress callback for `stream` (default stderr) if it is a terminal, else None."""
    stream = sys.stderr if stream is None else stream
    if quiet or not _is_terminal(stream):
        return None
    return TerminalProgress(stream)


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # closed or odd streams: treat as not a terminal
        return False
