"""`aligner history`: aligned share per team across the runs the state store recorded."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from aligner.cli import cli
from aligner.mirror.store import StateStore


def summary(checkout: tuple[int, int], payments: tuple[int, int], **more: Any) -> dict[str, Any]:
    items, aligned = checkout[0] + payments[0], checkout[1] + payments[1]
    return {"items": items, "aligned": aligned, "aligned_ratio": round(aligned / items, 4),
            "by_team": {"checkout": {"items": checkout[0], "aligned": checkout[1]},
                        "payments": {"items": payments[0], "aligned": payments[1]}}, **more}


def record(path: Path, *summaries: dict[str, Any]) -> None:
    with StateStore.open(path) as store:
        for data in summaries:
            store.finish_run(store.start_run(["jira"]), "complete", data)


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["history", *args])
    return result.exit_code, result.stdout, result.stderr


def test_table_per_team_and_trend(tmp_path: Path) -> None:
    state = tmp_path / "state.db"
    record(state, summary((20, 16), (20, 10)), summary((20, 17), (20, 12)),
           summary((20, 18), (20, 16)))
    code, out, _ = invoke("--state", str(state))
    assert code == 0
    lines = out.splitlines()
    assert lines[2].split() == ["run", "started", "status", "overall", "checkout", "payments"]
    assert lines[3].split()[-3:] == ["65%", "80%", "50%"]
    assert lines[5].split()[-3:] == ["85%", "90%", "80%"]
    assert out.rstrip().endswith(
        "Since run 1: overall +20 pts, checkout +10 pts, payments +30 pts.")


def test_limit_and_json(tmp_path: Path) -> None:
    state = tmp_path / "state.db"
    record(state, *(summary((10, n), (10, 5)) for n in range(5)))
    code, out, _ = invoke("--state", str(state), "--limit", "2", "--format", "json")
    assert code == 0
    runs = json.loads(out)
    assert [r["id"] for r in runs] == [4, 5]
    assert runs[-1]["by_team"] == {"checkout": 0.4, "payments": 0.5}
    assert runs[-1]["delta"] is False


def test_incremental_runs_are_not_shown_as_team_shares(tmp_path: Path) -> None:
    state = tmp_path / "state.db"
    record(state, summary((20, 16), (20, 10)),
           summary((1, 1), (0, 0), incremental={"jira": True}))
    code, out, _ = invoke("--state", str(state))
    assert code == 0
    assert "(1 incremental run not shown" in out
    assert "100%" not in out


def test_missing_store_is_a_clear_error_and_is_not_created(tmp_path: Path) -> None:
    state = tmp_path / "nowhere" / "state.db"
    code, _, err = invoke("--state", str(state))
    assert code == 2 and "no state store" in err and "aligner sync" in err
    assert not state.parent.exists()


def test_empty_store(tmp_path: Path) -> None:
    state = tmp_path / "state.db"
    record(state)
    code, out, _ = invoke("--state", str(state))
    assert code == 0 and out.startswith("No full runs recorded")


def test_sync_runs_show_up_in_history(tmp_path: Path) -> None:
    acme = Path(__file__).parents[2] / "examples" / "acme" / "aligner.yaml"
    state = tmp_path / "state.db"
    runner = CliRunner()
    for _ in range(2):  # --full: a whole-backlog read each time (the file adapter is read-only)
        result = runner.invoke(cli, ["sync", "-c", str(acme), "--as-of", "2026-11-15", "--full",
                                     "--state", str(state), "--fail-on", "never"])
        assert result.exit_code == 0, result.output
    code, out, _ = invoke("--state", str(state), "--format", "json")
    runs = json.loads(out)
    assert code == 0 and len(runs) == 2
    assert runs[-1]["by_team"]["payments"] == 0.55 and runs[-1]["aligned_ratio"] == 0.7765
    assert runs[-1]["delta"] is False
    text = invoke("--state", str(state))[1]
    assert "payments" in text and "55%" in text and "Since run 1: overall +0 pts" in text


def test_rendering_lives_in_the_report_package_and_tolerates_odd_tallies(tmp_path: Path) -> None:
    from aligner.report.history import history_json, render_history, stored_share

    assert stored_share({"items": "x"}) is None and stored_share({"items": 0, "aligned": 0}) is None
    assert stored_share({"items": 4, "aligned": 3}) is not None
    state = tmp_path / "state.db"
    record(state, summary((20, 16), (0, 0)), {"items": 3, "by_team": {"checkout": "odd"}})
    with StateStore.open(state) as store:
        runs = store.runs(10)
    assert history_json(runs)[0]["by_team"] == {"checkout": 0.8, "payments": None}
    text = render_history(runs, state)
    assert "–" in text and "80%" in text
