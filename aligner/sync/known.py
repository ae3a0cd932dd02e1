"""What the state store knows when a run starts, and what a run records in it.

A run commits twice: its reads (mirror and cursors) before any write, then the flags its
writes left. See `record_reads` for why cursors may move on while writes are still pending.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from aligner.engine.items import BacklogItem, TicketFlags
from aligner.mirror import schema
from aligner.mirror.backlog import BacklogMirror, MirrorUnusable
from aligner.mirror.store import StateStore

log = logging.getLogger(__name__)


@dataclass
class Known:
    """What the state store knows as a run starts, per source."""

    graph: dict[str, BacklogItem] = field(default_factory=dict)  # the mirror's items
    cursors: dict[str, datetime | None] = field(default_factory=dict)
    reconciled: dict[str, datetime | None] = field(default_factory=dict)


def load_known(state: StateStore, marks: Mapping[str, str]) -> tuple[BacklogMirror, Known]:
    """The mirror (created, migrated or rebuilt) and what it holds for the sources in `marks`
    (source -> read fingerprint); a source read under other settings starts empty."""
    mirror = BacklogMirror.attach(state.db)
    usable = [name for name, mark in marks.items() if mirror.adopt(name, mark)]
    try:
        graph = mirror.graph(usable) if usable else {}
    except MirrorUnusable as why:
        log.warning("the backlog mirror in the state store is unusable (%s): rebuilding it "
                    "with a full read", why)
        schema.rebuild(state.db)
        mirror = BacklogMirror.attach(state.db)
        for name, mark in marks.items():
            mirror.adopt(name, mark)
        graph, usable = {}, []
    mirror.commit()
    return mirror, Known(graph, {n: state.cursor(n, marks[n]) for n in usable},
                         {n: mirror.reconciled(n) for n in usable})


def peek_known(path: Path, marks: Mapping[str, str]) -> Known:
    """The same, read only, for a dry run: no lock, nothing created, nothing migrated.

    A missing, older, newer or damaged mirror reads as empty (the dry run reads in full).
    """
    if not path.is_file():
        return Known()
    try:
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return Known()
    try:
        if schema.version(db) != schema.VERSION:
            return Known()
        mirror, store = BacklogMirror(db), StateStore(db)
        usable = [n for n, mark in marks.items() if mirror.fingerprint(n) == mark]
        return Known(mirror.graph(usable) if usable else {},
                     {n: store.cursor(n, marks[n]) for n in usable},
                     {n: mirror.reconciled(n) for n in usable})
    except (sqlite3.Error, MirrorUnusable, ValueError):
        return Known()
    finally:
        db.close()


def record_reads(state: StateStore, mirror: BacklogMirror, known: Mapping[str, BacklogItem],
                 kept: Mapping[str, BacklogItem], cursors: Mapping[str, datetime],
                 marks: Mapping[str, str], full: Collection[str],
                 reconciled: Collection[str], now: datetime) -> None:
    """Store what the run read, then move the cursors on: one commit, before any write.

    Cursors move on even when the run's writes will stop at the budget or fail: the reads
    are in the mirror, and the mirror keeps each ticket's flags as last read or written, so
    the next run plans the pending writes again from the mirror without re-reading them.
    The mirror is written before the cursors (a store that dies in between re-reads).
    """
    for name in full:
        mirror.clear(name)
    mirror.upsert(item for key, item in kept.items() if known.get(key) != item
                  or item.source in full)
    for name in marks:
        gone = [k for k, i in known.items() if i.source == name and k not in kept]
        if gone and name not in full:
            mirror.remove(name, gone)
    for name in set(full) | set(reconciled):
        mirror.mark_reconciled(name, now)
    mirror.commit()
    for name, cursor in cursors.items():
        state.save_cursor(name, cursor, marks[name])


def record_writes(state: StateStore, flags: Mapping[str, Mapping[str, TicketFlags]]) -> None:
    """Record the flags the run's writes left on their tickets (one commit)."""
    if not flags:
        return
    try:
        mirror = BacklogMirror(state.db)
        for source, by_key in flags.items():
            mirror.set_flags(source, by_key)
        mirror.commit()
    except sqlite3.Error as error:  # e.g. the store was deleted during the run
        log.warning("the backlog mirror could not record this run's writes (%s): the next run "
                    "reads them again", error)
