"""The edge of the command line: reports to files or stdout, one-line errors and their exit
codes, progress on a terminal."""

from __future__ import annotations

import functools
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any, NoReturn

import click

from aligner.errors import EXIT_INTERNAL, EXIT_TRACKER, EXIT_USAGE, AlignerError, ConfigErrors
from aligner.logs import SECRETS
from aligner.progress import ProgressCallback, progress_for
from aligner.report.failure import render_failure
from aligner.report.formats import RunReport, render
from aligner.report.outputs import ReportTarget


def cli_progress() -> ProgressCallback | None:
    """Fetch progress on stderr when it is a terminal and --quiet was not given."""
    ctx = click.get_current_context(silent=True)
    settings = (ctx.find_root().obj if ctx else None) or {}
    return progress_for(quiet=bool(settings.get("quiet")))


def gate_notice(report: RunReport, targets: list[ReportTarget]) -> None:
    """Say on stderr that the --min-aligned gate failed, unless the text on stdout says it."""
    line = report.gate.min_aligned_line()
    if line and not any(t.on_terminal_text for t in targets):
        click.echo(f"aligner: {line}", err=True)


def write_reports(report: RunReport, targets: list[ReportTarget]) -> None:
    """Render the one report model into every requested format and file."""
    for target in targets:
        emit(render(target.fmt, report), target.path)


@contextmanager
def failure_reports(targets: list[ReportTarget]) -> Iterator[None]:
    """A run that fails still leaves a report (status failed, reason, exit code) in every
    requested file, for CI artifact steps; the error then prints its one line as usual."""
    try:
        yield
    except AlignerError as error:
        for target in targets:
            if target.path is not None:  # stdout stays empty: stderr carries the line
                emit(render_failure(target.fmt, one_line(error), error.exit_code), target.path)
        raise


def one_line_errors(f: Callable[..., Any]) -> Callable[..., Any]:
    """Library errors become one line on stderr and their documented exit code."""

    @functools.wraps(f)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return f(*args, **kwargs)
        except AlignerError as error:
            # one line per error whatever a server or a file put in the message
            for line in error.lines if isinstance(error, ConfigErrors) else (str(error),):
                click.echo(f"aligner: {one_line(line)}", err=True)
            sys.exit(error.exit_code)
        except KeyboardInterrupt:
            click.echo("aligner: interrupted; rerun to finish (writes are idempotent)", err=True)
            sys.exit(EXIT_TRACKER)
        except RecursionError:  # absurdly nested input that a parser or a mapping walked
            click.echo("aligner: the input is nested too deeply to process", err=True)
            sys.exit(EXIT_USAGE)
        except Exception as error:
            internal_error(error)

    return wrapper


def internal_error(error: Exception) -> NoReturn:
    """The last resort: one line and exit 4, never a traceback or exit 1 ("findings")."""
    text = SECRETS.redact(one_line(error))[:300]
    click.echo(f"aligner: internal error ({type(error).__name__}: {text}); please report it "
               "with the command that triggered it", err=True)
    sys.exit(EXIT_INTERNAL)


def one_line(error: BaseException | str) -> str:
    """An error's message on one printable line, whatever a server or a file put in it."""
    return printable(" ".join(str(error).splitlines()))


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def printable(text: str) -> str:
    """Tracker JSON may carry lone surrogates (`"\\ud800"`): shown as U+FFFD, not a crash."""
    return _LONE_SURROGATE.sub("\ufffd", text)


def emit(text: str, output: Path | None) -> None:
    text = printable(text)
    if output is None:
        click.echo(text, nl=not text.endswith("\n"))
    else:
        output.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")


def as_date(value: Any) -> date | None:
    return value.date() if value is not None else None
