"""The run history in the state store: `aligner sync` and `aligner check` record each finished
run's summary (DESIGN §7 `summary`); this reads them back without taking the sync lock, so it
works while a sync runs. `aligner.report.history` renders them.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from aligner.errors import AlignerError, ConfigError
from aligner.mirror.store import RunRecord, StateStore

log = logging.getLogger(__name__)


def load_history(state_path: Path, limit: int = 10) -> list[RunRecord]:
    """The last `limit` finished runs with a summary, oldest first (never creates the store)."""
    if not state_path.is_file():
        raise ConfigError(f"no state store at {state_path}: history is recorded by "
                          "`aligner sync` (pass --state if it lives elsewhere)")
    with StateStore.open(state_path, lock=False) as store:
        return store.runs(limit)


def is_delta(record: RunRecord) -> bool:
    """An incremental run saw only changed items: its shares are not the team's backlog."""
    return any((record.summary.get("incremental") or {}).values())


def recent_runs(state_path: Path, limit: int = 20) -> list[RunRecord]:
    """Like `load_history`, for a report's trend: no store, or an unreadable one, is no
    history (a warning for the latter), never an error."""
    if not state_path.is_file():
        return []
    try:
        return load_history(state_path, limit)
    except (AlignerError, OSError, sqlite3.Error) as error:
        log.warning("cannot read the run history in %s (%s): the trend shows this run only",
                    state_path, error)
        return []


def record_check(state_path: Path, sources: list[str], summary: Mapping[str, Any],
                 explicit: bool = False) -> bool:
    """Record a finished `aligner check` in the run history, for the trend; True if recorded.

    A check must not fail for its history: a missing state folder is skipped (with a warning
    when `--state` was given, else only a log line: most checks run where no sync ever did),
    and an unwritable or damaged store is skipped with a warning. No sync lock is taken;
    SQLite serialises the one insert with a running sync's writes.
    """
    if not state_path.parent.is_dir():
        log.log(logging.WARNING if explicit else logging.INFO,
                "no folder %s: this check is not recorded in the run history", state_path.parent)
        return False
    try:
        with StateStore.open(state_path, lock=False) as store:
            run_id = store.start_run(sources)
            store.finish_run(run_id, "complete", {**summary, "command": "check"})
    except (AlignerError, OSError, sqlite3.Error) as error:
        log.warning("this check is not recorded in the run history: %s", error)
        return False
    return True
