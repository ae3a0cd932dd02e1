"""The local state store (SQLite): incremental-read cursors, run history, and the run lock.

Nothing here is needed for correct write-back — tickets carry aligner's state — so a fresh
machine only loses incremental reads and history. The lock is an OS file lock, released by the
kernel if the process dies, so a crashed run never blocks the next one.

For the same reason a damaged store never stops a run that could succeed: an unreadable cursor
is ignored (that source is read in full), an unreadable run record is left out of `runs()`, and
a store deleted during a run is created again before the run's record is written.
"""

from __future__ import annotations

import fcntl
import json
import logging
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aligner.errors import EXIT_TRACKER, AlignerError, ConfigError

log = logging.getLogger(__name__)

SCHEMA = """
CREATE TABLE IF NOT EXISTS cursors (
    source TEXT PRIMARY KEY, cursor TEXT NOT NULL, fingerprint TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT, started TEXT NOT NULL, finished TEXT,
    status TEXT NOT NULL, sources TEXT NOT NULL, summary TEXT);
"""


class StateLocked(AlignerError):
    """Another sync holds the lock on this state store."""

    exit_code = 3


class StateWriteFailed(AlignerError):
    """The run's writes were made, but the state store could not record them (exit 3)."""

    exit_code = EXIT_TRACKER


@dataclass(frozen=True)
class RunRecord:
    id: int
    started: str
    finished: str | None
    status: str  # running | complete | incomplete | interrupted
    sources: list[str]
    summary: dict[str, Any]


class StateStore:
    """One SQLite file; use `StateStore.open(path)` as a context manager (it takes the lock)."""

    def __init__(self, db: sqlite3.Connection, path: Path | None = None) -> None:
        self.db = db
        self.path = path  # where to create the store again if it is deleted mid-run
        self._started: dict[int, tuple[str, str]] = {}

    @classmethod
    @contextmanager
    def open(cls, path: Path, lock: bool = True) -> Iterator[StateStore]:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle = (path.parent / (path.name + ".lock")).open("a+")
        except OSError as error:
            raise ConfigError(f"--state {path}: cannot create the state store: "
                              f"{error.strerror}") from None
        with handle:
            if lock:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    raise StateLocked(f"another aligner sync is running on {path}; "
                                      "this one stops without doing anything") from None
            try:
                db = sqlite3.connect(path)
            except sqlite3.Error as error:
                raise ConfigError(f"--state {path}: not a usable SQLite file: {error}") from None
            store = cls(db, path)
            try:
                db.executescript(SCHEMA)
                yield store
            except sqlite3.DatabaseError as error:
                raise ConfigError(f"--state {path}: not a usable state store: {error}") from None
            finally:
                store.db.close()

    def cursor(self, source: str, fingerprint: str) -> datetime | None:
        """The source's cursor, only if recorded under the same model and rule set."""
        row = self.db.execute("SELECT cursor, fingerprint FROM cursors WHERE source = ?",
                              (source,)).fetchone()
        if row is None or row[1] != fingerprint:
            return None
        try:
            cursor = datetime.fromisoformat(row[0])
        except (TypeError, ValueError):
            log.warning("the state store's cursor for %s is unreadable (%.40r): reading it in "
                        "full", source, row[0])
            return None
        return cursor if cursor.tzinfo else cursor.replace(tzinfo=UTC)

    def save_cursor(self, source: str, cursor: datetime, fingerprint: str) -> None:
        self._write("INSERT OR REPLACE INTO cursors VALUES (?, ?, ?)",
                    (source, cursor.isoformat(), fingerprint))

    def previous_run_interrupted(self) -> bool:
        """True when the last run started and never finished (killed mid-apply)."""
        row = self.db.execute("SELECT status FROM runs ORDER BY id DESC LIMIT 1").fetchone()
        return row is not None and row[0] == "running"

    def start_run(self, sources: list[str]) -> int:
        started, names = _now(), json.dumps(sources)
        cur = self.db.execute("INSERT INTO runs (started, status, sources) VALUES (?, ?, ?)",
                              (started, "running", names))
        self.db.commit()
        run_id = int(cur.lastrowid or 0)
        self._started[run_id] = (started, names)  # to record the run again if the store goes
        return run_id

    def finish_run(self, run_id: int, status: str, summary: dict[str, Any]) -> None:
        """Record how the run ended; after writes, so a vanished store is created again."""
        finished, text = _now(), json.dumps(summary)
        if not self._write("UPDATE runs SET finished = ?, status = ?, summary = ? "
                           "WHERE id = ?", (finished, status, text, run_id)):
            started, sources = self._started.get(run_id, (finished, "[]"))
            self._write("INSERT INTO runs (started, finished, status, sources, summary) "
                        "VALUES (?, ?, ?, ?, ?)", (started, finished, status, sources, text))

    def runs(self, limit: int = 20) -> list[RunRecord]:
        """The most recent finished runs, oldest first; unreadable records are left out."""
        rows = self.db.execute(
            "SELECT id, started, finished, status, sources, summary FROM runs "
            "WHERE summary IS NOT NULL ORDER BY id DESC LIMIT ?", (limit,)).fetchall()
        records = [record for record in map(_record, reversed(rows)) if record is not None]
        if len(records) < len(rows):
            log.warning("the state store holds %d unreadable run record(s): not shown",
                        len(rows) - len(records))
        return records

    def _write(self, sql: str, values: tuple[Any, ...]) -> int:
        """Run one write and commit; returns the rows changed. A store deleted since the run
        began (its folder removed by a cleanup job) is created again, once."""
        try:
            return self._execute(sql, values)
        except sqlite3.Error as error:
            if self.path is None or self.path.exists():
                raise StateWriteFailed(f"--state {self.path}: the tickets are written, but the "
                                       f"state store could not record the run: {error}") from None
        log.warning("the state store %s was deleted during the run: creating it again",
                    self.path)
        self._reopen()
        return self._execute(sql, values)

    def _execute(self, sql: str, values: tuple[Any, ...]) -> int:
        changed = self.db.execute(sql, values).rowcount
        self.db.commit()
        return changed

    def _reopen(self) -> None:
        assert self.path is not None
        try:
            self.db.close()
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(self.path)
            self.db.executescript(SCHEMA)
        except (OSError, sqlite3.Error) as error:
            raise StateWriteFailed(f"--state {self.path}: the tickets are written, but the "
                                   f"deleted state store could not be created again: "
                                   f"{error}") from None


def _record(row: tuple[Any, ...]) -> RunRecord | None:
    """A run row as a record; None when its JSON columns do not hold a list and an object."""
    try:
        sources, summary = json.loads(row[4]), json.loads(row[5])
    except (TypeError, ValueError, RecursionError):
        return None
    if not isinstance(sources, list) or not isinstance(summary, dict):
        return None
    if not isinstance(row[1], str) or not isinstance(row[3], str):
        return None
    return RunRecord(row[0], row[1], row[2] if isinstance(row[2], str) else None, row[3],
                     sources, summary)


def read_cursors(path: Path, sources: Iterable[str],
                 fingerprint: str) -> dict[str, datetime | None]:
    """The sources' cursors as recorded at `path`, for a dry run: read only, no lock taken,
    no file or directory created. No store (or an unreadable one) means no cursors."""
    cursors: dict[str, datetime | None] = dict.fromkeys(sources)
    if not path.is_file():
        return cursors
    try:
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return cursors
    try:
        store = StateStore(db)
        return {source: store.cursor(source, fingerprint) for source in cursors}
    except (sqlite3.Error, ValueError):
        return dict.fromkeys(cursors)
    finally:
        db.close()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
