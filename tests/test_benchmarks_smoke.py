"""The benchmark scripts run, and print well-formed figures, at a tiny size.

No timing is asserted: benchmarks measure, tests only check that they still work.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import yaml

from aligner.sync.check import run_check
from benchmarks.api_economy import measure
from benchmarks.generate import write_org

ROOT = Path(__file__).resolve().parent.parent
ITEMS = 200


def test_generator_is_deterministic_and_its_org_checks(tmp_path: Path) -> None:
    facts = write_org(ITEMS, tmp_path / "a")
    again = write_org(ITEMS, tmp_path / "b")
    assert facts == again
    for name in facts["files"].values():
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    assert facts["jira_issues"] + facts["linear_issues"] == ITEMS
    jira = json.loads((tmp_path / "a" / facts["files"]["jira"]).read_text())
    assert jira["names"]["customfield_10014"] == "Epic Link" and jira["issues"]
    linear = json.loads((tmp_path / "a" / facts["files"]["linear"]).read_text())
    assert linear["data"]["issues"]["nodes"]
    model = yaml.safe_load((tmp_path / "a" / facts["files"]["model"]).read_text())
    assert model["version"] == 1 and model["objectives"] and model["teams"]

    run = run_check(tmp_path / "a" / "aligner.yaml", as_of=date.fromisoformat(facts["as_of"]))
    assert run.evaluation.evaluated == facts["open_issues"]
    assert 0 < run.evaluation.aligned < run.evaluation.evaluated


def test_check_cost_prints_a_row_per_size(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.check_cost", "--sizes", str(ITEMS), "--repeat", "1",
         "--workdir", str(tmp_path), "--json"],
        cwd=ROOT, capture_output=True, text=True, check=True, timeout=300)
    result = json.loads(done.stdout)
    assert set(result["machine"]) >= {"python", "cpus", "ram_bytes"}
    (row,) = result["rows"]
    assert row["items"] == ITEMS
    for key in ("parse_seconds", "check_seconds", "ratio", "check_cpu_seconds",
                "check_rss_peak_bytes", "check_heap_peak_bytes"):
        assert isinstance(row[key], int | float) and row[key] >= 0, key


def test_api_economy_counts_requests_beside_the_minimum() -> None:
    result = measure(ITEMS, latency=0.0, seed=7)
    assert [r["run"] for r in result["runs"]][:2] == ["full sync", "unchanged rerun"]
    for run in result["runs"]:
        for tracker in ("jira", "linear"):
            made, least = run["made"][tracker], run["minimum"][tracker]
            assert made["reads"] >= least["reads"] >= 1
            assert made["writes"] >= least["writes"] >= 0
    rerun = result["runs"][1]
    assert rerun["made"]["jira"]["writes"] == rerun["made"]["linear"]["writes"] == 0
    container = result["runs"][3]  # an epic lost its okr: label: its open descendants re-flag
    assert container["run"].startswith("after epic") and container["made"]["jira"]["writes"] > 0
    for run in result["runs"][1:]:  # incremental: the mirror's ancestors are not fetched again
        made, least = run["made"]["jira"], run["minimum"]["jira"]
        assert made["reads"] - made["precheck"] == least["reads"], run["run"]


def test_mirror_cost_prints_size_load_and_evaluate(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.mirror_cost", "--items", str(ITEMS), "--repeat", "1",
         "--workdir", str(tmp_path), "--json"],
        cwd=ROOT, capture_output=True, text=True, check=True, timeout=300)
    result = json.loads(done.stdout)
    assert result["mirror_items"] > 0 and result["disk_bytes"] > 0
    assert result["evaluated"] == result["open_issues"] > 0
    for key in ("write_seconds", "load_seconds", "evaluate_seconds"):
        assert result[key] >= 0, key
    assert result["read_estimate"]["requests"] >= 2


def test_serve_latency_measures_events_deliveries_and_memory(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.serve_latency", "--items", str(ITEMS), "--events",
         "2", "--deliveries", "30", "--latency", "0", "--high", "0", "--mirror-items",
         str(ITEMS), "--workdir", str(tmp_path), "--json"],
        cwd=ROOT, capture_output=True, text=True, check=True, timeout=300)
    result = json.loads(done.stdout)
    for debounce in ("debounce_2", "debounce_0"):
        assert result["live"][debounce]["measured"] == 2, result["live"][debounce]
    flow = result["live"]["throughput"]
    assert flow["lost"] == 0 and flow["answers"].get("202") == 30
    assert result["memory"]["held_bytes"] > 0
