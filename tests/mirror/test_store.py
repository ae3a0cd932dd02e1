"""The local state store (aligner.mirror.store): incremental-read cursors, run records, and the
lock that keeps two syncs off the same state."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from aligner.errors import ConfigError
from aligner.mirror.store import StateLocked, StateStore

NOON = datetime(2026, 11, 15, 12, 0, tzinfo=UTC)


def test_a_new_store_creates_its_file_and_lock_and_knows_nothing(tmp_path: Path) -> None:
    path = tmp_path / "state" / "state.db"
    with StateStore.open(path) as store:
        assert store.cursor("jira", "model-1") is None
        assert store.runs() == [] and not store.previous_run_interrupted()
    assert path.is_file() and (tmp_path / "state" / "state.db.lock").is_file()


def test_a_cursor_is_kept_per_source_across_opens(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    with StateStore.open(path) as store:
        store.save_cursor("jira", NOON, "model-1")
        store.save_cursor("linear", NOON - timedelta(hours=1), "model-1")
    with StateStore.open(path) as store:
        assert store.cursor("jira", "model-1") == NOON
        assert store.cursor("linear", "model-1") == NOON - timedelta(hours=1)
        assert store.cursor("file", "model-1") is None


def test_a_cursor_saved_under_another_model_is_not_used(tmp_path: Path) -> None:
    """A changed model or rule set re-flags descendants: the next read must be full."""
    with StateStore.open(tmp_path / "state.db") as store:
        store.save_cursor("jira", NOON, "model-1")
        assert store.cursor("jira", "model-2") is None
        store.save_cursor("jira", NOON + timedelta(days=1), "model-2")
        assert store.cursor("jira", "model-2") == NOON + timedelta(days=1)
        assert store.cursor("jira", "model-1") is None  # one cursor per source: replaced


def test_a_run_is_recorded_with_its_sources_status_and_summary(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    with StateStore.open(path) as store:
        run = store.start_run(["jira", "linear"])
        assert store.runs() == []  # a run in progress is not history yet
        store.finish_run(run, "complete", {"items": 120, "aligned": 90})
    with StateStore.open(path, lock=False) as store:
        [record] = store.runs()
    assert (record.id, record.status, record.sources) == (run, "complete", ["jira", "linear"])
    assert record.summary == {"items": 120, "aligned": 90}
    assert record.finished is not None and record.started <= record.finished


def test_runs_are_the_latest_finished_ones_oldest_first(tmp_path: Path) -> None:
    with StateStore.open(tmp_path / "state.db") as store:
        for n in range(5):
            store.finish_run(store.start_run(["jira"]), "complete", {"n": n})
        assert [r.summary["n"] for r in store.runs()] == [0, 1, 2, 3, 4]
        assert [r.summary["n"] for r in store.runs(limit=2)] == [3, 4]


def test_a_run_that_never_finished_is_seen_by_the_next_one(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    with StateStore.open(path) as store:
        store.start_run(["jira"])  # killed mid-apply: never finished
    with StateStore.open(path) as store:
        assert store.previous_run_interrupted()
        store.finish_run(store.start_run(["jira"]), "complete", {})
        assert not store.previous_run_interrupted()


def test_a_second_sync_on_a_locked_store_stops_with_a_clear_line(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    with StateStore.open(path) as store:
        store.save_cursor("jira", NOON, "model-1")
        with pytest.raises(StateLocked) as locked, StateStore.open(path):
            pytest.fail("a second store opened while the first holds the lock")
        assert str(locked.value) == (f"another aligner sync is running on {path}; this one "
                                     "stops without doing anything")
        assert locked.value.exit_code == 3
        assert store.cursor("jira", "model-1") == NOON  # the first run is unaffected


def test_reading_without_the_lock_works_while_a_sync_runs(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    with StateStore.open(path) as store:
        store.finish_run(store.start_run(["jira"]), "complete", {"items": 1})
        with StateStore.open(path, lock=False) as reader:  # what `aligner history` does
            assert [r.summary for r in reader.runs()] == [{"items": 1}]


def test_the_lock_is_released_when_the_store_closes(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    with pytest.raises(RuntimeError), StateStore.open(path):
        raise RuntimeError("the run failed")
    with StateStore.open(path) as store:  # neither a closed nor a failed run blocks the next
        assert store.runs() == []


def test_a_state_path_that_cannot_be_created_is_a_usage_error(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the state folder should be")
    with pytest.raises(ConfigError, match=r"--state .*not-a-dir/state.db: cannot create the "
                                          "state store"), StateStore.open(blocker / "state.db"):
        pass
