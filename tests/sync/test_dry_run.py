"""A dry run writes nothing anywhere: no request that writes, no state store, no lock, no folder."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from aligner.cli import cli
from aligner.mirror.store import StateStore
from tests.sync.harness import AS_OF, Harness
from tests.sync.test_sync_scenarios import HARNESSES


@pytest.fixture(params=sorted(HARNESSES))
def tracker(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Harness]:
    harness = HARNESSES[request.param](tmp_path)
    with harness.running():
        yield harness


def files_under(folder: Path) -> set[Path]:
    return set(folder.rglob("*"))


def test_dry_run_creates_no_state_file_lock_or_folder(tracker: Harness) -> None:
    assert tracker.config.is_file()  # the model file is written before the listing
    before = files_under(tracker.tmp)
    state = tracker.tmp / "not-yet" / "state.db"
    outcome = tracker.sync(dry_run=True, state_path=state)
    assert outcome.dry_run and len(outcome.planned) == 3 and outcome.results == []
    assert tracker.write_requests() == 0
    assert files_under(tracker.tmp) == before
    assert not state.parent.exists()


def test_dry_run_through_the_cli_leaves_the_working_directory_alone(
        tracker: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tracker.tmp)  # the default --state is .aligner/state.db under it
    result = CliRunner().invoke(cli, ["sync", "-c", str(tracker.config), "--as-of",
                                      AS_OF.isoformat(), "--dry-run"], env=tracker.env())
    assert result.exit_code == 1, result.output  # untraced findings at --fail-on error
    assert "Dry run: nothing was written." in result.stdout
    assert not (tracker.tmp / ".aligner").exists() and tracker.write_requests() == 0


def test_dry_run_reads_existing_cursors_and_changes_nothing(tracker: Harness) -> None:
    state = tracker.tmp / "state.db"
    assert tracker.sync(state_path=state).complete  # a real run records cursors
    lock = state.parent / (state.name + ".lock")
    lock.unlink()
    stamp, content = os.stat(state).st_mtime_ns, state.read_bytes()
    tracker.reset_requests()
    outcome = tracker.sync(dry_run=True, state_path=state)
    assert outcome.incremental == {tracker.name: True} and outcome.planned == []
    assert tracker.write_requests() == 0
    assert os.stat(state).st_mtime_ns == stamp and state.read_bytes() == content
    assert not lock.exists()
    assert sorted(p.name for p in state.parent.iterdir() if "state" in p.name) == ["state.db"]


def test_dry_run_needs_no_lock_while_a_sync_holds_it(tracker: Harness) -> None:
    state = tracker.tmp / "state.db"
    with StateStore.open(state):  # another sync is running
        outcome = tracker.sync(dry_run=True, state_path=state)
    assert len(outcome.planned) == 3 and tracker.write_requests() == 0
