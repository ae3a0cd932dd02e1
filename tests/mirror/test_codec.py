"""The mirror's row codec (schema version 2) and the migration from version 1's JSON rows."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from aligner.engine.items import TicketFlags
from aligner.mirror import codec, codec_v1, schema
from aligner.mirror.backlog import BacklogMirror
from tests.mirror.test_backlog import item, rich

V1_TABLES = schema.MIGRATIONS[0]


def v1_store(path: Path, rows: list[tuple[str, str, int, str]]) -> sqlite3.Connection:
    """A state store holding a version-1 mirror, as an older aligner left it."""
    db = sqlite3.connect(path)
    assert isinstance(V1_TABLES, str)
    db.executescript(V1_TABLES)
    db.execute("INSERT INTO mirror_meta VALUES ('version', '1')")
    db.execute("INSERT INTO mirror_sources VALUES ('jira', 'fp', NULL)")
    db.executemany("INSERT INTO mirror_items VALUES (?, ?, ?, ?)", rows)
    db.executemany("INSERT INTO mirror_parents VALUES ('jira', ?, ?)",
                   [("CHK-7", "CHK-1")])
    db.commit()
    return db


def test_a_version_1_mirror_is_migrated_in_place(tmp_path: Path) -> None:
    old = [rich(), item("CHK-1"), item("CHK-2", "CHK-1", estimate=3.0)]
    db = v1_store(tmp_path / "state.db",
                  [(i.source, i.key, int(i.in_scope), codec_v1.encode(i)) for i in old])
    mirror = BacklogMirror.attach(db)
    assert schema.version(db) == schema.VERSION == 2
    assert mirror.graph() == {i.key: i for i in old}
    assert mirror.fingerprint("jira") == "fp"  # the sources stay: no full re-read
    assert mirror.descendants(["CHK-1"]) == {"CHK-7"}
    tables = {n for (n,) in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert "mirror_items_v1" not in tables


def test_a_damaged_version_1_row_rebuilds_the_mirror(tmp_path: Path,
                                                     caplog: pytest.LogCaptureFixture) -> None:
    db = v1_store(tmp_path / "state.db", [("jira", "CHK-1", 1, "{not json")])
    mirror = BacklogMirror.attach(db)
    assert mirror.count() == 0 and schema.version(db) == schema.VERSION
    assert "rebuilding" in caplog.text


def test_equal_compound_values_are_shared_within_a_load(tmp_path: Path) -> None:
    mirror = BacklogMirror.attach(sqlite3.connect(tmp_path / "state.db"))
    mirror.upsert([replace(rich(), key=f"CHK-{n}") for n in range(10, 20)])
    loaded = list(mirror.items())
    assert len({id(i.holders) for i in loaded}) == 1
    assert len({id(i.flags) for i in loaded}) == 1 and len({id(i.areas) for i in loaded}) == 1


def test_every_flags_field_round_trips() -> None:
    flags = TicketFlags(frozenset({"aligner:a", "aligner:b"}), "c-9", "d1")
    row = codec.encode(replace(rich(), flags=flags))
    assert codec.Decoder()(row).flags == flags
    assert codec.encode(item("A-1"))[codec.COLUMNS.index("flags")] is None  # NO_FLAGS: NULL


def test_a_row_of_the_wrong_shape_is_refused_with_value_error() -> None:
    row = list(codec.encode(rich()))
    row[codec.COLUMNS.index("areas")] = '{"an": "object"}'
    with pytest.raises(ValueError, match="CHK-7"):
        codec.Decoder()(tuple(row))
    with pytest.raises(ValueError):
        codec.Decoder()(("jira", "CHK-7"))
