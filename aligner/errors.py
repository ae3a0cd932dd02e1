"""The exceptions the CLI turns into one line and an exit code, and their "did you mean" hints."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_TRACKER = 3
EXIT_INTERNAL = 4  # a bug in aligner or a plugin: never 1, which means findings


class AlignerError(Exception):
    """Base class: a failure the user must see as one clear line."""

    exit_code = EXIT_USAGE


class ConfigError(AlignerError):
    """The model file or the command line is wrong (exit 2)."""

    exit_code = EXIT_USAGE


class ConfigErrors(ConfigError):
    """Several model-file problems found at once (`aligner validate` lists them all).

    `errors` holds each located ConfigError; the message is one line per error.
    """

    def __init__(self, errors: Iterable[ConfigError], more: int = 0) -> None:
        self.errors = tuple(errors)
        lines = [str(e) for e in self.errors]
        if more:
            lines.append(f"… and {more} more error{'s' if more > 1 else ''} (fix these first)")
        self.lines = tuple(lines)
        super().__init__("\n".join(lines))


class TrackerError(AlignerError):
    """A tracker could not be read or written (exit 3)."""

    exit_code = EXIT_TRACKER


class AuthError(TrackerError):
    """The tracker refused the credentials (401/403): retrying cannot help."""


class RetriableError(TrackerError):
    """A throttle or transient server error; `retry_after` is the server's advice in seconds."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def did_you_mean(name: str, known: Iterable[str]) -> str:
    """A ` (did you mean 'x'?)` suffix when a near name exists, else an empty string."""
    candidates = list(known)
    folded = {c.casefold(): c for c in candidates}
    if name.casefold() in folded and folded[name.casefold()] != name:
        return f" (did you mean {folded[name.casefold()]!r}?)"
    close = difflib.get_close_matches(name, candidates, n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""
