"""Secrets never leak: failing runs with a recognisable token, everything they produce searched.

For each tracker (fake Jira Cloud, Data Center, Linear) and each failure — refused
credentials, a 5xx storm, timeouts, a 400 or 401 whose body echoes the token back (a proxy
or server that reflects the request), a failure in the middle of writing — `aligner sync`
and `aligner check` run through the CLI at debug verbosity. Then stdout, stderr, every log
record (captured raw, before any redaction filter), the JSON report, every file the run left
(the SQLite state included) and the exceptions raised are searched for the token, in clear
and in the Basic-auth encoding.
"""

from __future__ import annotations

import base64
import functools
import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import aligner.cli
from aligner.sync.check import run_check
from aligner.sync.run import run_sync
from tests.sync.harness import Harness
from tests.sync.jira_harness import JiraHarness

from .support import invoke
from .trackers import AS_OF, tracker
from .wire import Fault, Wire

__all__ = ["tracker"]
TOKEN = "SECRET-TOKEN-1234"


class RawRecords(logging.Handler):
    """Sees every record first, as the library logged it (no redaction yet)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        text = record.getMessage()
        if record.exc_info:
            text += logging.Formatter().formatException(record.exc_info)
        self.lines.append(f"{record.name}: {text}")


@pytest.fixture
def raw_logs() -> Iterator[RawRecords]:
    handler = RawRecords()
    root = logging.getLogger()
    old_level = root.level
    root.handlers.insert(0, handler)
    root.setLevel(logging.DEBUG)
    yield handler
    root.handlers.remove(handler)
    root.setLevel(old_level)


def with_token(harness: Harness, accepted: bool) -> dict[str, str]:
    """Point the harness's credentials at TOKEN; the fake accepts it or expects another."""
    fake: Any = harness.fake  # type: ignore[attr-defined]
    if isinstance(harness, JiraHarness):
        env = {**harness.env(), "JIRA_API_TOKEN": TOKEN, "JIRA_PAT": TOKEN}
        if accepted:
            fake.token = fake.pat = TOKEN
    else:
        env = {"LINEAR_API_KEY": TOKEN}
        if accepted:
            fake.api_key = TOKEN
    return env


def forms(harness: Harness) -> list[str]:
    found = [TOKEN]
    if isinstance(harness, JiraHarness) and harness.fake.cloud:  # sent as Basic auth
        found.append(base64.b64encode(f"{harness.fake.email}:{TOKEN}".encode()).decode())
    return found


def echo_body(harness: Harness) -> str:
    """An error body reflecting the credentials back, as a misbehaving proxy might."""
    secret = " / ".join(forms(harness))
    if isinstance(harness, JiraHarness):
        return json.dumps({"errorMessages": [f"Authorization: Basic {secret} rejected"],
                           "errors": {"token": TOKEN}, "message": TOKEN})
    return json.dumps({"errors": [{"message": f"bad key {secret}",
                                   "extensions": {"code": "INVALID_INPUT"}}]})


SCENARIOS = {
    "refused": lambda h: [],  # the fake expects another token: 401 / AUTHENTICATION_ERROR
    "server_errors": lambda h: [Fault("status", status=500, times=10_000, body=echo_body(h))],
    "timeouts": lambda h: [Fault("timeout", times=10_000)],
    "echoing_400": lambda h: [Fault("status", status=400, times=10_000, body=echo_body(h))],
    "echoing_401_while_writing": lambda h: [
        Fault("status", match=Wire.around(h).is_write, status=401, times=10_000,
              body=echo_body(h))],
    "dropped_writes": lambda h: [Fault("drop", match=Wire.around(h).is_write, times=10_000,
                                       after=True)],
}


def exception_texts(error: BaseException | None) -> list[str]:
    """The message of an exception and of everything chained to it."""
    texts = []
    while error is not None:
        texts += [str(error), repr(error), *map(str, getattr(error, "args", ()))]
        error = error.__cause__ or error.__context__
    return texts


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_no_secret_anywhere(tracker: Harness, scenario: str, raw_logs: RawRecords,
                            tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env = with_token(tracker, accepted=scenario != "refused")
    fake: Any = tracker.fake  # type: ignore[attr-defined]
    options = {"sleep": lambda s: None, "clock": getattr(fake, "clock", None) or (lambda: 0.0)}
    monkeypatch.setattr(aligner.cli, "run_sync", functools.partial(run_sync, options=options))
    monkeypatch.setattr(aligner.cli, "run_check", functools.partial(run_check,
                                                                     options=options))
    wire = Wire.around(tracker).add(*SCENARIOS[scenario](tracker))
    produced: list[str] = []
    with wire.installed():
        for args in (["sync", "--format", "json", "--output", str(tmp_path / "sync.json"),
                      "--state", str(tmp_path / "state" / "state.db")],
                     ["check", "--format", "json", "--output", str(tmp_path / "check.json")],
                     ["sync", "--state", str(tmp_path / "state" / "state.db")]):
            result = invoke("-vv", *args, "-c", str(tracker.config), "--as-of",
                            AS_OF.isoformat(), env=env)
            assert result.exit_code in (0, 1, 3), result.output  # it did fail or finish
            produced += [result.stdout, result.stderr]
            if not isinstance(result.exception, SystemExit):
                produced += exception_texts(result.exception)
        try:  # the library, as an embedding program would call it
            run_sync(tracker.config, as_of=AS_OF, env=env, options=options,
                     state_path=tmp_path / "lib" / "state.db")
        except BaseException as error:  # every failure's text is searched
            produced += exception_texts(error)
    if scenario != "refused":
        assert any(n for _, _, n in wire.seen), "the scenario never reached the tracker"
    produced += raw_logs.lines
    files = [p for root in (tmp_path, tracker.tmp) for p in root.rglob("*") if p.is_file()]
    assert any(p.suffix == ".db" for p in files)
    for secret in forms(tracker):
        for text in produced:
            assert secret not in text, text
        for path in files:
            assert secret.encode() not in path.read_bytes(), path
