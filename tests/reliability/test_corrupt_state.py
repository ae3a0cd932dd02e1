"""Damaged local state and odd inputs end in one line and a documented exit code, or in a run
that simply succeeds — never a traceback, never exit 1 (which means "findings"). Issue #13,
items 7 and 9: corrupt cursors and run summaries, a state folder deleted mid-run, absurdly
nested exports, FIFOs and devices as export paths, and the CLI's last resort.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

import aligner.cli
from aligner.mirror.store import StateStore
from tests.sync.harness import AS_OF
from tests.sync.jira_harness import JiraHarness

from .support import ROOT, acme_copy, assert_no_traceback, assert_one_line_error, invoke


def _sync(harness: JiraHarness, state: Path) -> tuple[int, str, str]:
    result = invoke("sync", "-c", str(harness.config), "--as-of", AS_OF.isoformat(),
                    "--state", str(state), "--format", "json", "--fail-on", "never",
                    env=harness.env())
    assert_no_traceback(result)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def jira(tmp_path: Path) -> JiraHarness:
    return JiraHarness(tmp_path, mode="cloud")


def test_a_corrupt_cursor_means_a_full_read_not_a_crash(jira: JiraHarness) -> None:
    state = jira.tmp / "state.db"
    with jira.running():
        assert _sync(jira, state)[0] == 0
        with sqlite3.connect(state) as db:
            assert db.execute("UPDATE cursors SET cursor = 'yesterday-ish'").rowcount == 1
        code, out, err = _sync(jira, state)
    assert code == 0, err
    assert json.loads(out)["sync"]["complete"] is True
    assert "cursor for jira is unreadable" in err and "Traceback" not in err


def test_a_state_folder_deleted_mid_run_is_created_again(jira: JiraHarness,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    state = jira.tmp / "state" / "state.db"
    start_run = StateStore.start_run

    def start_then_vanish(store: StateStore, sources: list[str]) -> int:
        run_id = start_run(store, sources)
        shutil.rmtree(state.parent)  # a cleanup job, between the reads and the writes
        return run_id

    monkeypatch.setattr(StateStore, "start_run", start_then_vanish)
    with jira.running():
        code, out, err = _sync(jira, state)
    assert code == 0, err  # the writes succeeded: never a config error (2) after them
    assert json.loads(out)["sync"]["writes"] > 0
    assert "was deleted during the run" in err
    with StateStore.open(state, lock=False) as store:
        assert [r.status for r in store.runs()] == ["complete"]


def test_corrupt_run_summaries_are_left_out_of_history(tmp_path: Path) -> None:
    state = tmp_path / "state.db"
    with StateStore.open(state) as store:
        for summary in ({"items": 4, "aligned": 3, "by_team": {}}, {"items": 2, "aligned": 1}):
            store.finish_run(store.start_run(["jira"]), "complete", summary)
    with sqlite3.connect(state) as db:
        db.execute("INSERT INTO runs (started, status, sources, summary) VALUES "
                   "('2026-11-01T00:00:00', 'complete', '[\"jira\"]', '{\"items\": ')")
        db.execute("INSERT INTO runs (started, status, sources, summary) VALUES "
                   "('2026-11-02T00:00:00', 'complete', '[\"jira\"]', '[1, 2]')")
    for fmt in ("text", "json"):
        result = invoke("history", "--state", str(state), "--format", fmt)
        assert_no_traceback(result)
        assert result.exit_code == 0, result.output
        assert "2 unreadable run record(s)" in result.stderr
    assert len(json.loads(result.stdout)) == 2


def _check_file(tmp_path: Path, export: str) -> object:
    model = acme_copy(tmp_path)
    text = model.read_text().replace("path: [jira-backlog.json, linear-backlog.json]",
                                     f"path: [{json.dumps(export)}]")
    model.write_text(text)
    return invoke("check", "-c", str(model), "--as-of", "2026-11-15")


def test_an_absurdly_nested_export_is_one_line_exit_2(tmp_path: Path) -> None:
    depth = 200_000
    (tmp_path / "deep.json").write_text('{"issues": ' + "[" * depth + "]" * depth + "}")
    result = _check_file(tmp_path, "deep.json")
    assert_no_traceback(result)  # type: ignore[arg-type]
    assert_one_line_error(result, (2,))  # type: ignore[arg-type]
    assert "nested too deeply" in result.stderr  # type: ignore[attr-defined]


def test_a_device_or_a_folder_as_export_is_refused(tmp_path: Path) -> None:
    for export in ("/dev/zero", str(tmp_path)):
        result = _check_file(tmp_path, export)
        assert_one_line_error(result, (2,))  # type: ignore[arg-type]
        assert "not a regular file" in result.stderr  # type: ignore[attr-defined]


def test_a_fifo_as_export_is_refused_without_waiting(tmp_path: Path) -> None:
    model = acme_copy(tmp_path)
    os.mkfifo(tmp_path / "pipe.json")
    model.write_text(model.read_text().replace(
        "path: [jira-backlog.json, linear-backlog.json]", "path: [pipe.json]"))
    # a subprocess with a bound: the old code waited for a writer forever
    done = subprocess.run([sys.executable, "-c", "from aligner.cli import main; main()",
                           "check", "-c", str(model)],
                          capture_output=True, text=True, timeout=60, cwd=ROOT,
                          check=False)
    assert done.returncode == 2, done.stderr
    assert done.stderr.count("\n") == 1 and "not a regular file" in done.stderr


def test_an_unexpected_exception_is_one_line_and_never_exit_1(
        monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise KeyError("a bug")

    monkeypatch.setattr(aligner.cli, "run_check", broken)
    result = invoke("check", "-c", str(ROOT / "examples" / "acme" / "aligner.yaml"))
    assert_no_traceback(result)
    assert_one_line_error(result, (4,))
    assert "internal error (KeyError" in result.stderr


def test_main_turns_a_failure_outside_any_command_into_exit_4(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    def broken(**kwargs: object) -> None:
        raise ImportError("a plugin that does not load")

    monkeypatch.setattr(aligner.cli, "cli", broken)
    with pytest.raises(SystemExit) as exit_info:
        aligner.cli.main()
    assert exit_info.value.code == 4
    err = capsys.readouterr().err
    assert err.startswith("aligner: internal error (ImportError") and err.count("\n") == 1
