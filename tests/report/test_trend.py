"""`aligner check` records its run for the trend: when it can, never failing when it cannot."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from aligner.cli import cli
from aligner.mirror.history import load_history, recent_runs
from tests.report.acme import ACME
from tests.report.dom import parse

CHECK = ["check", "-c", str(ACME), "--as-of", "2026-11-15", "--fail-on", "never"]


def check(*extra: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, [*CHECK, *extra])
    return result.exit_code, result.stderr


def test_each_check_is_recorded_and_the_page_shows_the_trend(tmp_path: Path) -> None:
    state = tmp_path / "state.db"
    for _ in range(2):
        assert check("--state", str(state))[0] == 0
    runs = load_history(state)
    assert [r.summary["command"] for r in runs] == ["check", "check"]
    assert 0 < runs[0].summary["aligned"] < runs[0].summary["items"]
    out = tmp_path / "report.html"
    assert check("--state", str(state), "-o", str(out))[0] == 0
    bars = parse(out.read_text()).find("svg", id="trend-chart").find_all("rect", cls="bar")
    assert len(bars) == 3  # two recorded runs, then this one
    assert len(load_history(state)) == 3


def test_no_history_reads_and_records_nothing(tmp_path: Path) -> None:
    state = tmp_path / "state.db"
    assert check("--state", str(state), "--no-history")[0] == 0
    assert not state.exists()


def test_a_missing_state_folder_is_skipped_with_a_warning(tmp_path: Path) -> None:
    state = tmp_path / "absent" / "state.db"
    code, err = check("--state", str(state))
    assert code == 0 and "not recorded" in err
    assert not state.parent.exists()


def test_the_default_store_is_used_only_where_its_folder_exists(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, err = check()
    assert code == 0 and err == "" and not (tmp_path / ".aligner").exists()
    (tmp_path / ".aligner").mkdir()
    assert check()[0] == 0
    assert len(recent_runs(tmp_path / ".aligner" / "state.db")) == 1


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_state_folder_never_fails_the_check(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        code, err = check("--state", str(folder / "state.db"))
    finally:
        folder.chmod(0o700)
    assert code == 0 and "not recorded" in err


def test_a_damaged_store_never_fails_the_check(tmp_path: Path) -> None:
    state = tmp_path / "state.db"
    state.write_bytes(b"this is not a database" * 100)
    code, err = check("--state", str(state))
    assert code == 0 and "not recorded" in err
