"""Logging for the command line: `--quiet` / `--verbose`, on stderr, with secrets redacted.

The redaction filter sits on the one handler, so records from every logger (aligner, adapters,
urllib3) pass through it: values of the environment variables the model file names for
authentication, and `Authorization` header values, never reach a log line.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Iterable, Mapping
from typing import Any

MIN_SECRET_LENGTH = 4  # shorter values would redact ordinary words
REDACTED = "***"
_MAX_PAYLOAD_DEPTH = 32  # error payloads are shallow; deeper parts are dropped, not walked
_HEADER = re.compile(r"""(?i)(['"]?(?:proxy-)?authorization['"]?\s*[:=]\s*['"]?)"""
                     r"""((?:basic|bearer|token)\s+)?[^'",}\s]+""")
_SCHEME = re.compile(r"(?i)\b(basic|bearer)\s+[A-Za-z0-9._~+/=-]{8,}")


class SecretFilter(logging.Filter):
    """Rewrites each record's message (and traceback) with known secrets replaced by ***."""

    def __init__(self) -> None:
        super().__init__()
        self.secrets: set[str] = set()

    def add(self, values: Iterable[str]) -> None:
        self.secrets.update(v for v in values if v and len(v) >= MIN_SECRET_LENGTH)

    def redact(self, text: str) -> str:
        for secret in sorted(self.secrets, key=len, reverse=True):
            text = text.replace(secret, REDACTED)
        text = _HEADER.sub(lambda m: f"{m.group(1)}{m.group(2) or ''}{REDACTED}", text)
        return _SCHEME.sub(lambda m: f"{m.group(1)} {REDACTED}", text)

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = self.redact(record.getMessage()), None
        if record.exc_info:
            text = logging.Formatter().formatException(record.exc_info)
            record.exc_text, record.exc_info = self.redact(text), None
        elif record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


class _StderrHandler(logging.Handler):
    """Writes to whatever `sys.stderr` is at the time (test runners swap it)."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            sys.stderr.write(self.format(record) + "\n")
        except Exception:
            self.handleError(record)


SECRETS = SecretFilter()
_HANDLER = _StderrHandler()
_HANDLER.addFilter(SECRETS)
_HANDLER.setFormatter(logging.Formatter("aligner: %(levelname)s %(name)s: %(message)s"))


def redact_payload(value: Any, extra: Iterable[str] = (), depth: int = 0) -> Any:
    """A decoded JSON payload with every string in it, keys included, redacted: the secrets
    registered here and `extra` (a server may echo a key anywhere in an error, in any shape).
    Absurd nesting is cut short rather than walked."""
    if isinstance(value, str):
        for secret in extra:
            if len(secret) >= MIN_SECRET_LENGTH:
                value = value.replace(secret, REDACTED)
        return SECRETS.redact(value)
    if depth >= _MAX_PAYLOAD_DEPTH:
        return "…"
    if isinstance(value, Mapping):
        return {redact_payload(str(k), extra, depth + 1): redact_payload(v, extra, depth + 1)
                for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [redact_payload(v, extra, depth + 1) for v in value]
    return value


def configure_logging(verbosity: int = 0) -> None:
    """-1 quiet (errors only), 0 warnings, 1 info (requests, timings), 2+ debug."""
    level = {-1: logging.ERROR, 0: logging.WARNING, 1: logging.INFO}.get(
        verbosity, logging.DEBUG if verbosity > 1 else logging.ERROR)
    root = logging.getLogger()
    if _HANDLER not in root.handlers:
        root.addHandler(_HANDLER)
    root.setLevel(level)
    _HANDLER.setLevel(level)


def secret_env_names(trackers: Mapping[str, Any]) -> set[str]:
    """Names of environment variables the tracker settings point at (`*_env` keys, any depth)."""
    names: set[str] = set()
    stack: list[Any] = [trackers]
    while stack:
        node = stack.pop()
        if isinstance(node, Mapping):
            for key, value in node.items():
                if str(key).endswith("_env") and isinstance(value, str):
                    names.add(value)
                else:
                    stack.append(value)
        elif isinstance(node, list | tuple):
            stack.extend(node)
    return names


def register_env_secrets(trackers: Mapping[str, Any], env: Mapping[str, str]) -> None:
    """Redact, from now on, the values of the env vars the tracker settings name."""
    SECRETS.add(env[name] for name in secret_env_names(trackers) if name in env)
