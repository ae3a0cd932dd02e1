"""Tickets that refused aligner's last write, left alone until they change (DESIGN §6).

A tracker that answers a write with a definitive refusal (Jira: 400 for a label it will not
hold, 403 where the API user may not edit) would refuse the same write on every run: two
requests and, before, a comment created and deleted each time. The refusal is recorded with
the ticket's `updated` stamp; while the ticket is unchanged its plan is skipped and reported,
and any edit to the ticket (a fixed permission, a moved project) makes the next run try again.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from aligner.engine.items import BacklogItem

SCHEMA = """CREATE TABLE IF NOT EXISTS refusals (
    source TEXT NOT NULL, key TEXT NOT NULL, updated TEXT NOT NULL, reason TEXT NOT NULL,
    PRIMARY KEY (source, key))"""


@dataclass(frozen=True, slots=True)
class Refusal:
    updated: str  # the ticket's `updated` when it refused
    reason: str


def load_refusals(db: sqlite3.Connection) -> dict[tuple[str, str], Refusal]:
    """Every recorded refusal by (source, key)."""
    db.execute(SCHEMA)
    rows = db.execute("SELECT source, key, updated, reason FROM refusals").fetchall()
    return {(source, key): Refusal(updated, reason) for source, key, updated, reason in rows}


def still_refused(item: BacklogItem, refusals: Mapping[tuple[str, str], Refusal]) -> bool:
    """The ticket refused the last write and has not changed since."""
    refusal = refusals.get((item.source, item.key))
    return refusal is not None and item.updated is not None and item.updated == refusal.updated


def record_refusals(db: sqlite3.Connection,
                    outcomes: Iterable[tuple[BacklogItem, str | None, bool]]) -> None:
    """Remember `(item, error, refused)` outcomes: a refusal (with a known `updated`) is
    kept, any other outcome for that ticket forgets it."""
    db.execute(SCHEMA)
    for item, error, refused in outcomes:
        if refused and item.updated is not None:
            db.execute("INSERT OR REPLACE INTO refusals VALUES (?, ?, ?, ?)",
                       (item.source, item.key, item.updated, error or "refused"))
        else:
            db.execute("DELETE FROM refusals WHERE source = ? AND key = ?",
                       (item.source, item.key))
    db.commit()
