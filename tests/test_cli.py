"""The CLI through click's CliRunner: the §7 JSON contract, exit codes, explain, rule docs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from aligner.cli import cli
from aligner.plugins.registry import rule_classes
from aligner.report.rule_docs import missing_sections

ACME = Path(__file__).parents[1] / "examples" / "acme" / "aligner.yaml"
AS_OF = ["--as-of", "2026-11-15"]
FINDING_KEYS = {"item", "source", "url", "team", "code", "name", "severity", "message", "fix",
                "waived"}


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_check_json_contract_on_acme() -> None:
    code, out, _ = run("check", "-c", str(ACME), "--format", "json", *AS_OF)
    assert code == 1
    report = json.loads(out)
    assert report["version"] == 1
    summary = report["summary"]
    assert {"items", "aligned", "aligned_ratio", "findings", "by_code", "by_team"} <= set(summary)
    assert summary["items"] == 91 and summary["aligned"] == 66
    assert summary["aligned_ratio"] == round(66 / (91 - 6), 4)  # buckets account for 6
    assert set(summary["by_code"]) >= set(rule_classes())  # all nine codes fire on acme
    assert summary["by_team"]["payments"] == {"items": 20, "aligned": 11, "accounted": 4}
    assert summary["findings"] == sum(summary["by_code"].values())
    for finding in report["findings"]:
        assert set(finding) >= FINDING_KEYS
        assert finding["severity"] in ("error", "warning")
    waived = [f for f in report["findings"] if f["waived"]]
    assert {f["item"] for f in waived} == {"MKT-14", "PAY-301", "PLT-131"}  # MKT-14: by match
    assert report["expired_waivers"][0]["items"] == ["CHK-45"]
    first = next(f for f in report["findings"] if f["item"] == "CHK-45")
    assert first["url"] == "https://acme.atlassian.net/browse/CHK-45"
    assert first["team"] == "checkout" and first["source"] == "file"
    # the fix names the epic of the holder's current objective, not the model in general
    assert first["fix"] == ("put it under CHK-100, which realises 'Cut checkout drop-off from "
                            "38% to 30%' (CHK-Q4-1), or label it okr:CHK-Q4-1")
    linear = next(f for f in report["findings"] if f["item"] == "PLT-132")
    assert linear["fix"].startswith("put it under project 'Edge rate limiting', which realises ")
    assert linear["message"].endswith("(no parent, no project))")  # Linear's word, not "epic"


def test_check_text_is_short_and_says_what_next() -> None:
    code, out, _ = run("check", "-c", str(ACME), *AS_OF)
    assert code == 1
    assert out.startswith(
        "aligner: 66 of 85 open items aligned (78%; 6 more accounted for by buckets)")
    assert "evaluated 91 open of 114 fetched" in out
    assert "payments  20     11       69%" in out
    assert "Next: `aligner explain ITEM`" in out


@pytest.mark.parametrize(("fail_on", "expected"), [("error", 1), ("warning", 1), ("never", 0)])
def test_fail_on(fail_on: str, expected: int) -> None:
    assert run("check", "-c", str(ACME), "--fail-on", fail_on, *AS_OF)[0] == expected


def test_fail_on_warning_only_findings(tmp_path: Path) -> None:
    text = ACME.read_text().replace('  select: ["AL"]', "  select: [AL104]")
    config = tmp_path / "aligner.yaml"
    config.write_text(text.replace("path: [", f"path: [{ACME.parent}/", 1)
                      .replace(", linear-backlog.json", f", {ACME.parent}/linear-backlog.json"))
    assert "select: [AL104]" in config.read_text()
    assert run("check", "-c", str(config), *AS_OF)[0] == 0
    assert run("check", "-c", str(config), "--fail-on", "warning", *AS_OF)[0] == 1


def test_output_file(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    code, out, _ = run("check", "-c", str(ACME), "--format", "json", "-o", str(target), *AS_OF)
    assert code == 1 and out == ""
    assert json.loads(target.read_text())["version"] == 1


def test_misspelt_team_is_one_line_and_exit_2(tmp_path: Path) -> None:
    config = tmp_path / "aligner.yaml"
    config.write_text(ACME.read_text().replace("team: checkout", "team: chekout", 1))
    code, out, err = run("check", "-c", str(config))
    assert code == 2 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("aligner: aligner.yaml:")
    assert ".team: unknown team 'chekout' (did you mean 'checkout'?)" in lines[0]
    assert "Traceback" not in err


def test_unknown_source_and_missing_config(tmp_path: Path) -> None:
    code, _, err = run("check", "-c", str(ACME), "--source", "jira")
    assert code == 2 and "--source jira: not configured" in err
    code, _, err = run("check", "-c", str(tmp_path / "none.yaml"))
    assert code == 2 and "no such file" in err
    code, _, err = run("check", "-c", str(ACME), "--as-of", "tomorrow")
    assert code == 2


def test_explain_untraced_item_says_where_the_trace_stopped() -> None:
    code, out, _ = run("explain", "GRO-50", "-c", str(ACME), *AS_OF)
    assert code == 0
    assert "walked: GRO-50 → project 'Referral program'" in out
    assert "stopped at initiative" in out
    assert "AL101 untraced [error]" in out and "fix: link it to an epic" in out


def test_explain_aligned_and_unknown_items() -> None:
    assert "No findings" in run("explain", "CHK-105", "-c", str(ACME), *AS_OF)[1]
    code, _, err = run("explain", "CHK-4500", "-c", str(ACME), *AS_OF)
    assert code == 2 and "not in the fetched backlog" in err


def test_rules_and_rule_docs() -> None:
    code, out, _ = run("rules")
    assert code == 0 and len(out.strip().splitlines()) == 12
    assert out.splitlines()[0].startswith("AL101  untraced")
    code, out, _ = run("rule", "untraced")
    assert code == 0 and out.startswith("AL101 untraced (default severity: error)")
    assert "How to fix:" in out
    code, _, err = run("rule", "AL1O1")
    assert code == 2 and "did you mean 'AL101'" in err


@pytest.mark.parametrize("code", list(rule_classes()))
def test_every_rule_documents_every_section(code: str) -> None:
    assert missing_sections(rule_classes()[code]) == []


def test_validate() -> None:
    code, out, _ = run("validate", "-c", str(ACME))
    assert code == 0 and "valid — 5 strategies, 4 bets, 10 objectives, 4 teams" in out
