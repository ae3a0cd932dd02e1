"""Running the harness organisation through faults, and judging what the run left behind."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from typing import Any

import pytest
from click.testing import Result

import aligner.cli
from aligner.sync.run import SyncOutcome, run_sync
from tests.sync.harness import AS_OF, UNTRACED, Harness

from .support import assert_no_traceback, assert_one_line_error, invoke
from .wire import Wire

FLAGGED = (["aligner:untraced"], 1)
DESIRED = {"T-1": ([], 0), **{k: FLAGGED for k in UNTRACED}}


def options(harness: Harness) -> dict[str, Any]:
    """Injected sleep (recorded, and moving the fake Linear's clock) and clock."""
    fake: Any = harness.fake  # type: ignore[attr-defined]

    def sleep(seconds: float) -> None:
        harness.sleeps.append(seconds)
        if hasattr(fake, "sleep"):
            fake.sleep(seconds)

    found: dict[str, Any] = {"sleep": sleep, "jitter": lambda: 1.0}
    if hasattr(fake, "clock"):
        found["clock"] = fake.clock
    return found


def flags(harness: Harness) -> dict[str, tuple[list[str], int]]:
    return {k: (harness.labels(k), len(harness.aligner_comments(k))) for k in DESIRED}


def assert_no_duplicates(harness: Harness) -> None:
    """Whatever state a failed run left: at most one aligner comment, only managed labels."""
    for key, (labels, comments) in flags(harness).items():
        assert comments <= 1, (key, harness.aligner_comments(key))
        assert set(labels) <= set(DESIRED[key][0]), (key, labels)


def assert_consistent(harness: Harness, keys: tuple[str, ...] = tuple(DESIRED)) -> None:
    now = flags(harness)
    assert {k: now[k] for k in keys} == {k: DESIRED[k] for k in keys}


@dataclass
class CliRun:
    result: Result
    report: dict[str, Any] | None

    @property
    def complete(self) -> bool:
        return self.report is not None and bool(self.report["sync"]["complete"])


def sync_cli(harness: Harness, monkeypatch: pytest.MonkeyPatch) -> CliRun:
    """`aligner sync --format json --fail-on never` with the injected clock; judged strictly:
    exit 0 means a complete run; exit 3 is a report that says incomplete, or one error line."""
    monkeypatch.setattr(aligner.cli, "run_sync",
                        functools.partial(run_sync, options=options(harness)))
    result = invoke("sync", "-c", str(harness.config), "--as-of", AS_OF.isoformat(),
                    "--state", str(harness.tmp / "state.db"), "--format", "json",
                    "--fail-on", "never", env=harness.env())
    assert_no_traceback(result)
    report = json.loads(result.stdout) if result.stdout.strip() else None
    if result.exit_code == 0:
        assert report is not None and report["sync"]["complete"] is True
    else:
        assert result.exit_code == 3, result.output
        if report is None:
            assert_one_line_error(result, (3,))
        else:
            sync = report["sync"]
            assert sync["complete"] is False and (sync["failed"] or sync["pending"])
    return CliRun(result, report)


def assert_report_is_true(harness: Harness, run: CliRun) -> None:
    """Every item the report does not list as failed or pending is as the run promised."""
    assert_no_duplicates(harness)
    if run.report is None:
        return
    sync = run.report["sync"]
    unfinished = {f["item"] for f in sync["failed"]} | set(sync["pending"])
    done = tuple(k for k in DESIRED if harness.key(k) not in unfinished)
    assert_consistent(harness, done)


def sync_lib(harness: Harness, state: str = "state.db", full: bool = False) -> SyncOutcome:
    return run_sync(harness.config, as_of=AS_OF, env=harness.env(), options=options(harness),
                    state_path=harness.tmp / state, full=full)


def assert_exactly(harness: Harness, desired: dict[str, tuple[list[str], int]]) -> None:
    """Each ticket carries exactly these (managed labels, aligner comments): so no duplicate
    and no orphan aligner comment."""
    now = {k: (harness.labels(k), len(harness.aligner_comments(k))) for k in desired}
    assert now == desired


def assert_converges(harness: Harness, wire: Wire, state: str = "state.db") -> None:
    """With the faults gone, a rerun finishes the job and the one after writes nothing.

    `state` other than the default reruns on a fresh machine: no local state, so no record
    that the previous run was interrupted — the tickets alone must tell.
    """
    wire.faults.clear()
    outcome = sync_lib(harness, state)
    assert outcome.complete, outcome.failed
    assert_consistent(harness)
    before = wire.writes()
    again = sync_lib(harness, state)
    assert again.planned == [] and wire.writes() == before
