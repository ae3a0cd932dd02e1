"""Where reports go: -o infers the format, several --report from one fetch, a report even when
the run fails, and the sync plan in every format (issue #18)."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from click.testing import CliRunner

import aligner.cli
from aligner.cli import cli
from aligner.errors import TrackerError
from aligner.report.formats import render
from aligner.report.model import RunReport
from aligner.sync.plan import ItemPlan
from tests.report_factory import finding, outcome, report

ACME = Path(__file__).parents[2] / "examples" / "acme" / "aligner.yaml"
CHECK = ["check", "-c", str(ACME), "--as-of", "2026-11-15"]


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize(("name", "starts"), [
    ("r.json", '{\n  "version": 1'), ("r.md", "## aligner: 66 of 85"),
    ("r.xml", '<?xml version="1.0"'), ("r.csv", "team,item,source"),
    ("r.txt", "aligner: 66 of 85"), ("r.log", "aligner: 66 of 85"),
])
def test_output_extension_names_the_format(tmp_path: Path, name: str, starts: str) -> None:
    code, out, _ = invoke(*CHECK, "-o", str(tmp_path / name))
    assert code == 1 and out == ""
    assert (tmp_path / name).read_text(encoding="utf-8").startswith(starts)


def test_format_wins_over_the_extension(tmp_path: Path) -> None:
    invoke(*CHECK, "--format", "csv", "-o", str(tmp_path / "r.json"))
    assert (tmp_path / "r.json").read_text(encoding="utf-8").startswith("team,item,")


def test_several_reports_from_one_fetch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[Any] = []
    real = aligner.cli.run_check

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(aligner.cli, "run_check", counting)
    code, out, _ = invoke(*CHECK, "--report", f"json:{tmp_path / 'out.json'}",
                          "--report", f"markdown:{tmp_path / 'summary.md'}",
                          "--report", f"junit:{tmp_path / 'junit.xml'}",
                          "--report", f"csv:{tmp_path / 'findings.csv'}")
    assert code == 1 and len(calls) == 1
    assert out.startswith("aligner: 66 of 85")  # the text report still goes to stdout
    assert json.loads((tmp_path / "out.json").read_text("utf-8"))["summary"]["items"] == 91
    assert (tmp_path / "summary.md").read_text("utf-8").startswith("## aligner: 66 of 85")
    ET.fromstring((tmp_path / "junit.xml").read_bytes())
    assert (tmp_path / "findings.csv").read_text("utf-8").startswith("team,item,")


@pytest.mark.parametrize("spec", ["json", "yaml:x.yaml", "json:", ":x.json"])
def test_a_malformed_report_spec_is_a_usage_error(spec: str) -> None:
    code, _, err = invoke(*CHECK, "--report", spec)
    assert code == 2 and "FORMAT:FILE" in err


def test_two_reports_into_one_file_is_a_usage_error(tmp_path: Path) -> None:
    target = tmp_path / "x.json"
    code, _, err = invoke(*CHECK, "-o", str(target), "--report", f"json:{target}")
    assert code == 2 and "same file" in err and not target.exists()


def tracker_down(*args: Any, **kwargs: Any) -> Any:
    raise TrackerError("jira: https://acme.atlassian.net answered 503 Service Unavailable\n"
                       "<html>maintenance</html>")


def test_tracker_down_still_writes_every_requested_report(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(aligner.cli, "run_check", tracker_down)
    code, out, err = invoke(*CHECK, "--format", "json", "-o", str(tmp_path / "x.json"),
                            "--report", f"markdown:{tmp_path / 'x.md'}",
                            "--report", f"junit:{tmp_path / 'x.xml'}",
                            "--report", f"csv:{tmp_path / 'x.csv'}")
    reason = ("jira: https://acme.atlassian.net answered 503 Service Unavailable "
              "<html>maintenance</html>")
    assert code == 3 and out == "" and err == f"aligner: {reason}\n"
    document = json.loads((tmp_path / "x.json").read_text("utf-8"))
    assert document == {"version": 1, "status": "failed", "reason": reason, "exit_code": 3,
                        "summary": None, "findings": []}
    markdown = (tmp_path / "x.md").read_text("utf-8")
    assert markdown.startswith("## aligner: the run failed") and "Exit code 3" in markdown
    assert "<html>" not in markdown
    error = ET.fromstring((tmp_path / "x.xml").read_bytes()).find(".//error")
    assert error is not None and error.get("message") == reason
    rows = list(csv.DictReader(io.StringIO((tmp_path / "x.csv").read_text("utf-8"))))
    assert [r["name"] for r in rows] == ["run-failed"] and rows[0]["message"] == reason


def test_a_model_error_writes_a_failed_report_with_exit_2(tmp_path: Path) -> None:
    target = tmp_path / "x.json"
    code, _, err = invoke("check", "-c", str(tmp_path / "missing.yaml"), "-o", str(target))
    assert code == 2 and err.startswith("aligner: ")
    document = json.loads(target.read_text("utf-8"))
    assert document["status"] == "failed" and document["exit_code"] == 2


@pytest.mark.parametrize("fmt", ["text", "json", "markdown"])
def test_stdout_gets_nothing_and_stderr_one_line(monkeypatch: pytest.MonkeyPatch,
                                                 fmt: str) -> None:
    monkeypatch.setattr(aligner.cli, "run_check", tracker_down)
    code, out, err = invoke(*CHECK, "--format", fmt)
    assert code == 3 and out == "" and err.count("\n") == 1


# the sync plan, in every format (a stand-in outcome: the planner has its own tests)

def planned_report(dry_run: bool = True) -> RunReport:
    def item(key: str) -> Any:
        return SimpleNamespace(key=key, source="jira", flags=SimpleNamespace(digest=None))

    plans = [ItemPlan(item("A-1"), add_labels=("aligner:untraced",), comment="create",
                      digest="d1"),
             ItemPlan(item("A-2"), remove_labels=("aligner:untraced",), comment="delete"),
             ItemPlan(item("A-3|x"), add_labels=("aligner:stale",), comment="update",
                      digest="d3"),
             ItemPlan(item("A-4"), add_labels=("aligner:untraced",), comment="create",
                      digest="d4")]
    base = report([finding("A-1")], [outcome_of("A-1")])
    outcome = SimpleNamespace(planned=plans, pending=plans[3:], dry_run=dry_run, results=[],
                              failed=[], complete=False, writes=0, incremental={"jira": False},
                              left_alone=[],
                              evaluation=base.evaluation,
                              snapshot=SimpleNamespace(total_fetched=1, skipped={},
                                                       adapters={}))
    return RunReport(base.evaluation, base.metrics, base.gate, outcome)  # type: ignore[arg-type]


def outcome_of(key: str) -> Any:
    return outcome(key, "alpha", False)


def test_dry_run_markdown_has_the_planned_changes() -> None:
    text = render("markdown", planned_report())
    section = text[text.index("### Planned changes"):]
    assert ("4 items to change · 2 comments to create · the plan needs 8 write operations "
            "(`--max-writes`) · 1 over budget: next run") in section
    assert "| A-1 (jira) | \\+aligner:untraced | create |" in section
    assert "| A-2 (jira) | \\-aligner:untraced | delete |" in section
    assert "| A-3\\|x (jira) | \\+aligner:stale | update |" in section
    assert "| A-4 (jira) | \\+aligner:untraced | create (over budget: next run) |" in section
    assert "Dry run: nothing was written" in section


def test_dry_run_json_carries_the_same_plan_and_counts() -> None:
    document = json.loads(render("json", planned_report()))
    plan = document["sync"]
    assert plan["dry_run"] is True
    assert [p["comment"] for p in plan["planned"]] == ["create", "delete", "update", "create"]
    assert plan["planned"][0]["add"] == ["aligner:untraced"]
    assert plan["counts"] == {"items": 4, "comments": {"create": 2, "update": 1, "delete": 1},
                              "write_operations": 8, "pending": 1}


def test_dry_run_text_carries_the_plan() -> None:
    text = render("text", planned_report())
    assert "Plan: 4 items to change, 8 write operations" in text
    assert "+aligner:untraced  comment: create" in text


def test_sync_dry_run_markdown_through_the_cli(tmp_path: Path) -> None:
    target = tmp_path / "d.md"
    code, _, _ = invoke("sync", "-c", str(ACME), "--as-of", "2026-11-15", "--dry-run",
                        "--fail-on", "never", "--state", str(tmp_path / "s.db"),
                        "-o", str(target), "--report", f"json:{tmp_path / 'd.json'}")
    assert code == 0
    assert "### Planned changes" in target.read_text("utf-8")
    document = json.loads((tmp_path / "d.json").read_text("utf-8"))
    assert document["sync"]["dry_run"] is True and "counts" in document["sync"]
