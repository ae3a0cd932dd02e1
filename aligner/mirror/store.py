"""The local state store (SQLite): incremental-read cursors, run history, and the run lock.

Nothing here is needed for correct write-back — tickets carry aligner's state — so a fresh
machine only loses incremental reads and history. The lock is an OS file lock, released by the
kernel if the process dies, so a crashed run never blocks the next one.
"""

from __future__ import annotations

import fcntl
import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aligner.errors import AlignerError, ConfigError

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

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

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
            try:
                db.executescript(SCHEMA)
                yield cls(db)
            except sqlite3.DatabaseError as error:
                raise ConfigError(f"--state {path}: not a usable state store: {error}") from None
            finally:
                db.close()

    def cursor(self, source: str, fingerprint: str) -> datetime | None:
        """The source's cursor, only if recorded under the same model and rule set."""
        row = self.db.execute("SELECT cursor, fingerprint FROM cursors WHERE source = ?",
                              (source,)).fetchone()
        if row is None or row[1] != fingerprint:
            return None
        return datetime.fromisoformat(row[0])

    def save_cursor(self, source: str, cursor: datetime, fingerprint: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO cursors VALUES (?, ?, ?)",
                        (source, cursor.isoformat(), fingerprint))
        self.db.commit()

    def previous_run_interrupted(self) -> bool:
        """True when the last run started and never finished (killed mid-apply)."""
        row = self.db.execute("SELECT status FROM runs ORDER BY id DESC LIMIT 1").fetchone()
        return row is not None and row[0] == "running"

    def start_run(self, sources: list[str]) -> int:
        cur = self.db.execute("INSERT INTO runs (started, status, sources) VALUES (?, ?, ?)",
                              (_now(), "running", json.dumps(sources)))
        self.db.commit()
        return int(cur.lastrowid or 0)

    def finish_run(self, run_id: int, status: str, summary: dict[str, Any]) -> None:
        self.db.execute("UPDATE runs SET finished = ?, status = ?, summary = ? WHERE id = ?",
                        (_now(), status, json.dumps(summary), run_id))
        self.db.commit()

    def runs(self, limit: int = 20) -> list[RunRecord]:
        """The most recent finished runs, oldest first."""
        rows = self.db.execute(
            "SELECT id, started, finished, status, sources, summary FROM runs "
            "WHERE summary IS NOT NULL ORDER BY id DESC LIMIT ?", (limit,)).fetchall()
        return [RunRecord(r[0], r[1], r[2], r[3], json.loads(r[4]), json.loads(r[5]))
                for r in reversed(rows)]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
