"""The exceptions the CLI turns into one line and an exit code."""

from __future__ import annotations

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_TRACKER = 3


class AlignerError(Exception):
    """Base class: a failure the user must see as one clear line."""

    exit_code = EXIT_USAGE


class ConfigError(AlignerError):
    """The model file or the command line is wrong (exit 2)."""

    exit_code = EXIT_USAGE


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


class IncompleteRun(AlignerError):
    """The run did not finish everything it planned (budget, rate limit, failed writes)."""

    exit_code = EXIT_TRACKER
