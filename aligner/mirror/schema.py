"""The backlog mirror's tables: a versioned schema, migrated forward in place.

The mirror's version lives in its own `mirror_meta` table (not `PRAGMA user_version`, which
belongs to the whole state file). `ensure(db)` creates the tables of a new store, migrates an
older mirror step by step, and refuses a newer or unreadable one with `MirrorUnusable`, which
the caller answers by `rebuild(db)`: dropping the mirror tables and reading everything again.
Migrations never touch the other tables of the store (cursors, runs).

Version 2 stores an item as a column per field (aligner.mirror.codec) instead of one JSON
document (version 1, aligner.mirror.codec_v1): loading 100k items takes less than half the
time. The 1 → 2 step converts the rows in place, in one transaction.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from aligner.mirror import codec, codec_v1

VERSION = 2
ITEM_COLUMNS = ", ".join(codec.COLUMNS)
INSERT_ITEM = f"INSERT OR REPLACE INTO mirror_items VALUES ({', '.join('?' * len(codec.COLUMNS))})"


def _items_table(name: str) -> str:
    columns = ", ".join(f"{c} {codec.COLUMN_TYPES.get(c, '')}".strip() for c in codec.COLUMNS)
    return (f"CREATE TABLE {name} ({columns}, PRIMARY KEY (source, key)) WITHOUT ROWID")


def _v1_to_v2(db: sqlite3.Connection) -> None:
    """Rows of one JSON document each become a column per field (a damaged row: rebuild)."""
    db.execute("ALTER TABLE mirror_items RENAME TO mirror_items_v1")
    db.execute(_items_table("mirror_items"))
    rows = db.execute("SELECT source, key, in_scope, body FROM mirror_items_v1").fetchall()
    try:
        converted = [codec.encode(codec_v1.decode(source, key, bool(in_scope), body))
                     for source, key, in_scope, body in rows]
    except ValueError as error:
        raise MirrorUnusable(f"migrating the mirror: {error}") from None
    db.executemany(INSERT_ITEM, converted)
    db.execute("DROP TABLE mirror_items_v1")


# One step per version: MIGRATIONS[n] turns version n into version n + 1 (0 = no mirror yet);
# a script, or a function run inside the step's transaction.
MIGRATIONS: dict[int, str | Callable[[sqlite3.Connection], None]] = {
    0: """
    CREATE TABLE IF NOT EXISTS mirror_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS mirror_sources (
        source TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, reconciled TEXT);
    CREATE TABLE IF NOT EXISTS mirror_items (
        source TEXT NOT NULL, key TEXT NOT NULL, in_scope INTEGER NOT NULL,
        body TEXT NOT NULL, PRIMARY KEY (source, key)) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS mirror_parents (
        source TEXT NOT NULL, key TEXT NOT NULL, parent TEXT NOT NULL,
        PRIMARY KEY (source, key, parent)) WITHOUT ROWID;
    CREATE INDEX IF NOT EXISTS mirror_parents_by_parent ON mirror_parents (parent);
    """,
    1: _v1_to_v2,
}
TABLES = ("mirror_parents", "mirror_items", "mirror_items_v1", "mirror_sources", "mirror_meta")


class MirrorUnusable(Exception):
    """The mirror cannot be read as it is (newer version, damaged tables): rebuild it."""


def version(db: sqlite3.Connection) -> int:
    """The mirror's schema version in `db`: 0 when it has no mirror yet."""
    exists = db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' "
                        "AND name = 'mirror_meta'").fetchone()
    if exists is None:
        return 0
    row = db.execute("SELECT value FROM mirror_meta WHERE name = 'version'").fetchone()
    try:
        return int(row[0]) if row is not None else 0
    except (TypeError, ValueError):
        raise MirrorUnusable(f"unreadable mirror version {row[0]!r}") from None


def ensure(db: sqlite3.Connection) -> None:
    """Bring the mirror in `db` to VERSION, creating it if needed; commits.

    Raises MirrorUnusable for a mirror newer than this aligner knows or damaged tables.
    """
    try:
        current = version(db)
        if current > VERSION:
            raise MirrorUnusable(f"mirror schema version {current} is newer than this "
                                 f"aligner's ({VERSION})")
        while current < VERSION:
            step = MIGRATIONS[current]
            if isinstance(step, str):
                db.executescript(step)
            else:
                if not db.in_transaction:
                    db.execute("BEGIN")
                step(db)
            current += 1
            db.execute("INSERT OR REPLACE INTO mirror_meta VALUES ('version', ?)",
                       (str(current),))
            db.commit()
        db.execute(f"SELECT {ITEM_COLUMNS} FROM mirror_items LIMIT 1").fetchall()
        db.execute("SELECT source, key, parent FROM mirror_parents LIMIT 1").fetchall()
    except sqlite3.DatabaseError as error:
        raise MirrorUnusable(str(error)) from None


def rebuild(db: sqlite3.Connection) -> None:
    """Drop the mirror tables and create them empty (the next read fills them in full)."""
    db.rollback()
    for table in TABLES:
        db.execute(f"DROP TABLE IF EXISTS {table}")
    db.commit()
    ensure(db)
