"""The backlog mirror: the last known, tracker-neutral copy of every item in scope and of their
ancestors, kept in the state store (DESIGN §6 "The whole backlog, every run", §8).

Public API (used by `aligner sync`, `aligner check` and `aligner serve`)::

    mirror = BacklogMirror.attach(db)       # create / migrate; an unusable mirror is rebuilt
    mirror.graph(sources=None)              # dict key -> BacklogItem, every row (or MirrorUnusable)
    mirror.items(sources=None)              # the same, streamed
    mirror.get(source, keys)                # dict key -> BacklogItem for the keys it holds
    mirror.keys(source)                     # set of keys held for `source` (in scope or not)
    mirror.in_scope_keys(source)            # keys of the items in the configured scope
    mirror.upsert(items)                    # insert or replace, by (source, key)
    mirror.remove(source, keys)             # forget items (deleted, left scope)
    mirror.clear(source)                    # forget a source entirely (before a full read)
    mirror.descendants(keys)                # keys of every item below `keys`, transitively
    mirror.set_flags(source, {key: flags})  # the flags a write left on tickets
    mirror.fingerprint(source) / mirror.adopt(source, fingerprint)
    mirror.reconciled(source) / mirror.mark_reconciled(source, when)
    mirror.commit()

Nothing here commits except `commit()` (and `attach`, which migrates): a caller groups one
run's changes in one transaction, so a run killed half-way leaves the mirror as the last run
committed it. Items are stored with their flags *as last read or written*: the planner compares
those with the flags each item's findings call for, so no ticket is re-read to decide a write.

Keys are unique per source; `graph()` is keyed by key alone, like the run's graph (a key is
the tracker's own: `CHK-12`, `project:<id>`).
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import replace
from datetime import datetime

from aligner.engine.items import BacklogItem, TicketFlags
from aligner.mirror import schema
from aligner.mirror.codec import Decoder, encode
from aligner.mirror.schema import INSERT_ITEM, ITEM_COLUMNS, MirrorUnusable

log = logging.getLogger(__name__)
__all__ = ["BacklogMirror", "MirrorUnusable"]


class BacklogMirror:
    """The mirror tables of one state-store connection (see the module docstring)."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    @classmethod
    def attach(cls, db: sqlite3.Connection) -> BacklogMirror:
        """The mirror of `db`, created or migrated; rebuilt empty (with a warning) when it
        cannot be used, so the run reads everything again."""
        try:
            schema.ensure(db)
        except MirrorUnusable as why:
            log.warning("the backlog mirror in the state store is unusable (%s): rebuilding "
                        "it with a full read", why)
            schema.rebuild(db)
        return cls(db)

    # reading ---------------------------------------------------------------------------

    def items(self, sources: Collection[str] | None = None) -> Iterator[BacklogItem]:
        """Every item held (of `sources`), decoded; MirrorUnusable on a damaged row."""
        sql = f"SELECT {ITEM_COLUMNS} FROM mirror_items"
        if sources is not None:
            sql += f" WHERE source IN ({','.join('?' * len(sources))})"
        try:
            rows = self.db.execute(sql, tuple(sources or ()))
        except sqlite3.DatabaseError as error:
            raise MirrorUnusable(str(error)) from None
        try:  # the statement is closed however this ends, so a rebuild can drop the table
            yield from map(Decoder(), rows)
        except (ValueError, sqlite3.DatabaseError) as error:
            raise MirrorUnusable(str(error)) from None
        finally:
            rows.close()

    def graph(self, sources: Collection[str] | None = None) -> dict[str, BacklogItem]:
        """Every item held (of `sources`), by key."""
        return {item.key: item for item in self.items(sources)}

    def get(self, source: str, keys: Iterable[str]) -> dict[str, BacklogItem]:
        """The items of `source` among `keys` that the mirror holds."""
        found: dict[str, BacklogItem] = {}
        wanted, decode = list(dict.fromkeys(keys)), Decoder()
        for start in range(0, len(wanted), 500):
            chunk = wanted[start:start + 500]
            marks = ",".join("?" * len(chunk))
            for row in self.db.execute(f"SELECT {ITEM_COLUMNS} FROM mirror_items WHERE "
                                       f"source = ? AND key IN ({marks})", (source, *chunk)):
                item = decode(row)
                found[item.key] = item
        return found

    def keys(self, source: str) -> set[str]:
        """Every key held for `source`, ancestors from outside the scope included."""
        return {k for (k,) in self.db.execute(
            "SELECT key FROM mirror_items WHERE source = ?", (source,))}

    def in_scope_keys(self, source: str) -> set[str]:
        """The keys of `source` that the configured scope selected when last read."""
        return {k for (k,) in self.db.execute(
            "SELECT key FROM mirror_items WHERE source = ? AND in_scope = 1", (source,))}

    def count(self, source: str | None = None) -> int:
        """How many items the mirror holds (of `source`)."""
        if source is None:
            return int(self.db.execute("SELECT COUNT(*) FROM mirror_items").fetchone()[0])
        return int(self.db.execute("SELECT COUNT(*) FROM mirror_items WHERE source = ?",
                                   (source,)).fetchone()[0])

    def descendants(self, keys: Iterable[str]) -> set[str]:
        """Keys of every item below `keys` (children, their children...), `keys` excluded.

        One recursive query over the parents index, whatever the depth.
        """
        self.db.execute("CREATE TEMP TABLE IF NOT EXISTS mirror_roots (key TEXT PRIMARY KEY)")
        self.db.execute("DELETE FROM mirror_roots")
        roots = set(keys)
        self.db.executemany("INSERT OR IGNORE INTO mirror_roots VALUES (?)",
                            ((k,) for k in roots))
        found = {k for (k,) in self.db.execute(
            "WITH RECURSIVE below(key) AS ("
            " SELECT p.key FROM mirror_parents p JOIN mirror_roots r ON p.parent = r.key"
            " UNION SELECT p.key FROM mirror_parents p JOIN below b ON p.parent = b.key)"
            " SELECT key FROM below")}
        return found - roots

    # writing (the caller commits) --------------------------------------------------------

    def upsert(self, items: Iterable[BacklogItem]) -> int:
        """Insert or replace items by (source, key), their parent links with them."""
        count = 0
        batch: list[BacklogItem] = []
        for item in items:
            batch.append(item)
            if len(batch) >= 1000:
                count += self._upsert(batch)
                batch = []
        return count + self._upsert(batch)

    def _upsert(self, batch: list[BacklogItem]) -> int:
        if not batch:
            return 0
        self.db.executemany("DELETE FROM mirror_parents WHERE source = ? AND key = ?",
                            ((i.source, i.key) for i in batch))
        self.db.executemany(INSERT_ITEM, map(encode, batch))
        self.db.executemany("INSERT OR IGNORE INTO mirror_parents VALUES (?, ?, ?)",
                            ((i.source, i.key, p) for i in batch for p in i.parents))
        return len(batch)

    def remove(self, source: str, keys: Iterable[str]) -> int:
        """Forget these items of `source` (deleted, or left the scope); returns how many."""
        pairs = [(source, key) for key in dict.fromkeys(keys)]
        self.db.executemany("DELETE FROM mirror_parents WHERE source = ? AND key = ?", pairs)
        before = self.db.total_changes
        self.db.executemany("DELETE FROM mirror_items WHERE source = ? AND key = ?", pairs)
        return self.db.total_changes - before

    def clear(self, source: str) -> None:
        """Forget every item of `source` (its next read is a full one)."""
        self.db.execute("DELETE FROM mirror_parents WHERE source = ?", (source,))
        self.db.execute("DELETE FROM mirror_items WHERE source = ?", (source,))

    def set_flags(self, source: str, flags: Mapping[str, TicketFlags]) -> None:
        """Record the flags writes left on these tickets (items the mirror lacks are skipped)."""
        held = self.get(source, flags)
        self.upsert(replace(item, flags=flags[key]) for key, item in held.items())

    # per-source bookkeeping --------------------------------------------------------------

    def fingerprint(self, source: str) -> str | None:
        """What the source's items were read under (its settings): None when never read."""
        row = self.db.execute("SELECT fingerprint FROM mirror_sources WHERE source = ?",
                              (source,)).fetchone()
        return None if row is None else str(row[0])

    def adopt(self, source: str, fingerprint: str) -> bool:
        """Record that `source` is read under `fingerprint`; when it was read under another,
        forget its items (they may not be what the new settings select) and return False."""
        previous = self.fingerprint(source)
        if previous == fingerprint:
            return True
        if previous is not None:
            log.warning("%s: the tracker settings changed since the backlog mirror was filled: "
                        "reading it in full", source)
        self.clear(source)
        self.db.execute("INSERT OR REPLACE INTO mirror_sources VALUES (?, ?, NULL)",
                        (source, fingerprint))
        return False

    def reconciled(self, source: str) -> datetime | None:
        """When the source's keys were last checked against the tracker (None: never)."""
        row = self.db.execute("SELECT reconciled FROM mirror_sources WHERE source = ?",
                              (source,)).fetchone()
        try:
            return datetime.fromisoformat(row[0]) if row and row[0] else None
        except (TypeError, ValueError):
            return None

    def mark_reconciled(self, source: str, when: datetime) -> None:
        self.db.execute("UPDATE mirror_sources SET reconciled = ? WHERE source = ?",
                        (when.isoformat(), source))

    def commit(self) -> None:
        self.db.commit()
