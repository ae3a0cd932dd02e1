"""Shared helpers for the reliability tests: run the CLI and judge what it produced."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from aligner.cli import cli

ROOT = Path(__file__).resolve().parents[2]
ACME = ROOT / "examples" / "acme"
AS_OF = "2026-11-15"
ONE_LINE = re.compile(r"^aligner: (?P<file>[^:\n]+):(?P<line>\d+): \S.*$")


def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
    """Run the CLI in-process; a traceback would surface as `result.exception`."""
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=True)


def assert_no_traceback(result: Result) -> None:
    """The command ended through `sys.exit`, never through an uncaught exception."""
    exc = result.exception
    if exc is not None and not isinstance(exc, SystemExit):
        raise AssertionError(f"uncaught {type(exc).__name__}: {exc}\n{result.output}") from exc
    assert "Traceback" not in result.output


MORE = re.compile(r"^aligner: … and \d+ more errors? \(fix these first\)$")
MAX_MODEL_ERRORS = 20  # `validate` lists every model error, one located line each, up to this


def assert_located_error(result: Result, file_name: str, line_count: int) -> None:
    """Exit 2 and one line `aligner: <file>:<line>: ...` per model error on stderr (at most
    MAX_MODEL_ERRORS, then one `… and N more` line)."""
    assert result.exit_code == 2, (result.exit_code, result.output)
    lines = result.stderr.splitlines()
    if lines and MORE.match(lines[-1]):
        lines = lines[:-1]
    assert 1 <= len(lines) <= MAX_MODEL_ERRORS, result.stderr
    for line in lines:
        match = ONE_LINE.match(line)
        assert match is not None, line
        assert match["file"] == file_name, line
        assert 1 <= int(match["line"]) <= max(line_count, 1) + 1, line


def assert_one_line_error(result: Result, codes: tuple[int, ...] = (2, 3)) -> None:
    """A failure that is one `aligner: ...` line on stderr, with a documented exit code."""
    assert result.exit_code in codes, (result.exit_code, result.output)
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("aligner: "), result.stderr


def acme_copy(into: Path) -> Path:
    """A private copy of the offline example (model + both snapshots); returns the model."""
    for name in ("aligner.yaml", "jira-backlog.json", "linear-backlog.json"):
        shutil.copy(ACME / name, into / name)
    return into / "aligner.yaml"


def paths_of(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path into a JSON/YAML-shaped value (dict keys and list indexes)."""
    found = [prefix]
    if isinstance(data, dict):
        for key, value in data.items():
            found.extend(paths_of(value, (*prefix, key)))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found.extend(paths_of(value, (*prefix, index)))
    return found


def get_in(data: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        data = data[part]
    return data
