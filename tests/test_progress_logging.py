"""Progress only on a terminal; --quiet/--verbose; secrets never reach a log line."""

from __future__ import annotations

import base64
import io
import logging
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import responses
import yaml
from click.testing import CliRunner

from aligner.cli import cli
from aligner.engine.items import BacklogItem
from aligner.logs import SECRETS, SecretFilter, configure_logging, secret_env_names
from aligner.progress import TerminalProgress, progress_for
from aligner.sync.read import PROGRESS_EVERY, read
from tests.fakes.jira import FakeJira

ACME = Path(__file__).parents[1] / "examples" / "acme" / "aligner.yaml"


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


class _Adapter:
    name = "fake"
    incremental = False
    request_count = 7
    skipped = 0

    def __init__(self, count: int) -> None:
        self.count = count

    def fetch(self, since: Any = None) -> Iterator[BacklogItem]:
        for n in range(self.count):
            yield BacklogItem(f"X-{n}", "fake", "jira")

    def fetch_missing(self, keys: Any) -> Iterator[BacklogItem]:
        return iter(())


@pytest.fixture(autouse=True)
def _reset_logging() -> Iterator[None]:
    yield
    configure_logging(0)
    SECRETS.secrets.clear()


def test_collect_reports_progress_and_done() -> None:
    calls: list[tuple[str, int, bool]] = []
    read({"fake": _Adapter(250)}, progress=lambda *call: calls.append(call))
    assert calls == [("fake", PROGRESS_EVERY, False, None),
                     ("fake", 2 * PROGRESS_EVERY, False, None), ("fake", 250, True)]


def test_no_progress_when_stderr_is_not_a_terminal() -> None:
    assert progress_for(io.StringIO()) is None
    assert progress_for(_Tty(), quiet=True) is None
    assert isinstance(progress_for(_Tty()), TerminalProgress)


def test_terminal_progress_redraws_one_line_and_erases_it() -> None:
    stream, now = _Tty(), [0.0]
    progress = TerminalProgress(stream, interval=1.0, clock=lambda: now[0])
    progress("jira", 100, False)
    progress("jira", 200, False)  # too soon: skipped
    now[0] = 2.0
    progress("jira", 1200, False)
    progress("jira", 1234, True)
    assert stream.getvalue() == ("\r\x1b[Kfetched 100 items from jira…"
                                 "\r\x1b[Kfetched 1200 items from jira…\r\x1b[K")


def test_check_in_ci_prints_nothing_on_stderr() -> None:
    result = CliRunner().invoke(cli, ["check", "-c", str(ACME), "--as-of", "2026-11-15"])
    assert result.exit_code == 1 and result.stderr == ""


def test_verbose_shows_counts_and_timings_quiet_hides_them() -> None:
    args = ["check", "-c", str(ACME), "--as-of", "2026-11-15", "--fail-on", "never"]
    loud = CliRunner().invoke(cli, ["-v", *args])
    assert loud.exit_code == 0
    assert "file: fetched 114 items in" in loud.stderr and "(0 requests so far)" in loud.stderr
    assert "evaluated 91 open of 114 fetched items in" in loud.stderr
    quiet = CliRunner().invoke(cli, ["-q", *args])
    assert quiet.exit_code == 0 and quiet.stderr == ""


def test_filter_redacts_secrets_headers_and_tracebacks() -> None:
    secrets = SecretFilter()
    secrets.add(["s3cr3t-token-value", "ab"])  # too short to redact safely: ignored
    record = logging.LogRecord("x", logging.INFO, __file__, 1,
                               "token %s; headers {'Authorization': 'Basic dXNlcjpwYXNz'}",
                               ("s3cr3t-token-value",), None)
    try:
        raise RuntimeError("boom with s3cr3t-token-value, Authorization: Bearer abcdefghijkl")
    except RuntimeError:
        record.exc_info = sys.exc_info()
    secrets.filter(record)
    text = logging.Formatter().format(record)
    assert "s3cr3t-token-value" not in text and "dXNlcjpwYXNz" not in text
    assert "abcdefghijkl" not in text and "***" in text
    assert secrets.secrets == {"s3cr3t-token-value"}


def test_secret_env_names_come_from_tracker_settings() -> None:
    trackers = {"jira": {"auth": {"email_env": "JIRA_EMAIL", "token_env": "JIRA_API_TOKEN"}},
                "linear": {"api_key_env": "LINEAR_API_KEY", "teams": ["A"]}}
    assert secret_env_names(trackers) == {"JIRA_EMAIL", "JIRA_API_TOKEN", "LINEAR_API_KEY"}


def test_no_secret_in_debug_logs_of_a_real_check(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    fake = FakeJira("cloud", token="tok-SUPER-secret-123456")
    fake.add_issue("CHK-100", "Checkout v2", issuetype="Epic")
    fake.add_issue("CHK-1", "Apple Pay", epic="CHK-100")
    for name, value in fake.env().items():
        monkeypatch.setenv(name, value)
    model = {"version": 1, "strategy": [{"id": "s"}],
             "objectives": [{"id": "O", "team": "t", "supports": "s",
                             "links": ["jira:CHK-100"]}],
             "teams": [{"id": "t", "owns": {"jira": {"projects": ["CHK"]}}}],
             "trackers": {"jira": fake.settings(jql="project = CHK")}}
    config = tmp_path / "aligner.yaml"
    config.write_text(yaml.safe_dump(model), encoding="utf-8")
    logging.getLogger("probe").debug("leak attempt %s", fake.token)  # before the config is read
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        fake.install(rsps)
        result = CliRunner().invoke(cli, ["-vv", "check", "-c", str(config), "--fail-on",
                                          "never"])
        logging.getLogger("probe").debug("after: %s %s", fake.token, fake.email)
    assert result.exit_code == 0, result.output
    assert "jira: fetched" in result.stderr and "requests so far" in result.stderr
    basic = base64.b64encode(f"{fake.email}:{fake.token}".encode()).decode()
    for secret in (fake.token, basic, fake.email):
        assert secret not in result.stderr and secret not in result.stdout


def test_terminal_progress_shows_the_total_when_the_tracker_gives_it() -> None:
    stream = _Tty()
    TerminalProgress(stream, interval=0.0)("jira", 100, False, 2500)
    assert stream.getvalue() == "\r\x1b[Kfetched 100 of 2500 items from jira…"
