"""The backlog mirror: round trips of every item field, descendants, flags, versions, rebuilds."""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from aligner.engine.items import AreaRef, BacklogItem, HolderRef, TicketFlags
from aligner.mirror import schema
from aligner.mirror.backlog import BacklogMirror, MirrorUnusable


def item(key: str, *parents: str, **more: object) -> BacklogItem:
    return BacklogItem(key=key, source="jira", tracker="jira", title=f"title {key}",
                       parents=parents, **more)  # type: ignore[arg-type]


def rich() -> BacklogItem:
    return item("CHK-7", "CHK-1", open=False, url="https://x/CHK-7", id="10007",
                refs=("jira:10007",), labels=("okr:Q4", "area:checkout"),
                holders=(HolderRef("project:CHK", "project CHK"),),
                areas=(AreaRef("component", "Cart", ("component:cart", "cart")),),
                objective_ref="Q4", updated="2026-11-01T10:00:00+00:00",
                flags=TicketFlags(frozenset({"aligner:untraced"}), "c-1", "abc"),
                in_scope=False, kind="issue")


@pytest.fixture
def mirror(tmp_path: Path) -> BacklogMirror:
    return BacklogMirror.attach(sqlite3.connect(tmp_path / "state.db"))


def test_every_field_round_trips(mirror: BacklogMirror) -> None:
    plain = item("CHK-1")
    mirror.upsert([rich(), plain])
    mirror.commit()
    assert mirror.graph() == {"CHK-7": rich(), "CHK-1": plain}
    assert mirror.get("jira", ["CHK-7", "CHK-9"]) == {"CHK-7": rich()}
    assert mirror.keys("jira") == {"CHK-1", "CHK-7"}
    assert mirror.in_scope_keys("jira") == {"CHK-1"}
    assert mirror.graph(["linear"]) == {}


def test_descendants_follow_parents_at_any_depth(mirror: BacklogMirror) -> None:
    mirror.upsert([item("E-1"), item("S-1", "E-1"), item("T-1", "S-1"), item("T-2", "S-1"),
                   item("X-1", "E-2")])
    assert mirror.descendants(["E-1"]) == {"S-1", "T-1", "T-2"}
    assert mirror.descendants(["S-1", "E-2"]) == {"T-1", "T-2", "X-1"}
    mirror.upsert([item("T-2")])  # re-parented: no longer below
    assert mirror.descendants(["E-1"]) == {"S-1", "T-1"}
    mirror.remove("jira", ["S-1"])
    assert mirror.descendants(["E-1"]) == set()


def test_flags_and_removal(mirror: BacklogMirror) -> None:
    mirror.upsert([item("A-1"), item("A-2")])
    mirror.set_flags("jira", {"A-1": TicketFlags(frozenset({"aligner:x"}), "9", "d"),
                              "Z-9": TicketFlags()})
    assert mirror.graph()["A-1"].flags.comment_id == "9"
    assert mirror.remove("jira", ["A-2", "A-3"]) == 1
    assert mirror.count() == 1 and mirror.count("jira") == 1


def test_a_settings_change_forgets_the_source(mirror: BacklogMirror) -> None:
    assert mirror.adopt("jira", "one") is False  # never read: a full read
    mirror.upsert([item("A-1")])
    assert mirror.adopt("jira", "one") is True
    when = datetime(2026, 1, 2, tzinfo=UTC)
    mirror.mark_reconciled("jira", when)
    assert mirror.reconciled("jira") == when
    assert mirror.adopt("jira", "two") is False
    assert mirror.count("jira") == 0 and mirror.reconciled("jira") is None


def test_uncommitted_changes_vanish_with_the_connection(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    mirror = BacklogMirror.attach(sqlite3.connect(path))
    mirror.upsert([item("A-1")])
    mirror.commit()
    mirror.upsert([item("A-2")])
    mirror.db.close()  # killed before the run committed
    assert set(BacklogMirror.attach(sqlite3.connect(path)).graph()) == {"A-1"}


def test_a_newer_schema_is_rebuilt_loudly(tmp_path: Path,
                                          caplog: pytest.LogCaptureFixture) -> None:
    db = sqlite3.connect(tmp_path / "state.db")
    mirror = BacklogMirror.attach(db)
    mirror.upsert([item("A-1")])
    db.execute("UPDATE mirror_meta SET value = '99' WHERE name = 'version'")
    db.commit()
    with caplog.at_level(logging.WARNING):
        again = BacklogMirror.attach(db)
    assert again.count() == 0 and schema.version(db) == schema.VERSION
    assert "unusable" in caplog.text and "full read" in caplog.text


def test_a_damaged_row_is_unusable_not_a_crash(mirror: BacklogMirror) -> None:
    mirror.upsert([item("A-1")])
    mirror.db.execute("UPDATE mirror_items SET holders = '{not json'")
    with pytest.raises(MirrorUnusable):
        mirror.graph()


def test_replace_keeps_parents_consistent(mirror: BacklogMirror) -> None:
    mirror.upsert([item("A-1", "E-1")])
    mirror.upsert([replace(item("A-1", "E-2"))])
    assert mirror.descendants(["E-1"]) == set() and mirror.descendants(["E-2"]) == {"A-1"}
