"""The planning gate through the CLI: --min-aligned, --fail-on, exit codes 0/1/2."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from aligner.cli import cli

ACME = Path(__file__).parents[2] / "examples" / "acme" / "aligner.yaml"
CHECK = ["check", "-c", str(ACME), "--as-of", "2026-11-15"]  # 66 of 85 aligned: 77.6 %


def check(*extra: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, [*CHECK, *extra])
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize(("args", "expected"), [
    ((), 1),                                              # errors at --fail-on error
    (("--fail-on", "warning"), 1),
    (("--fail-on", "never"), 0),
    (("--fail-on", "never", "--min-aligned", "0.7"), 0),  # 77.6 % >= 70 %
    (("--fail-on", "never", "--min-aligned", "0.8"), 1),  # the bar gates without findings
    (("--fail-on", "never", "--min-aligned", "0.776"), 0),
    (("--fail-on", "never", "--min-aligned", "0.777"), 1),
    (("--min-aligned", "1.5"), 2),                        # usage error
    (("--fail-on", "sometimes"), 2),
])
def test_exit_codes(args: tuple[str, ...], expected: int) -> None:
    assert check(*args)[0] == expected


def test_failing_bar_is_said_in_one_clear_line() -> None:
    code, out, err = check("--format", "json", "--fail-on", "never", "--min-aligned", "0.8")
    assert code == 1
    assert err.strip() == ("aligner: gate failed: 77.6% of open items are aligned, below "
                           "--min-aligned 80%")
    gate = json.loads(out)["gate"]
    assert gate == {"fail_on": "never", "min_aligned": 0.8, "aligned_ratio": 0.7765,
                    "findings_fail": False, "below_min_aligned": True, "passed": False,
                    "failed": [{"condition": "min_aligned", "reason": "77.6% of open items "
                                "are aligned, below --min-aligned 80%"}]}


def test_text_report_says_it_itself_on_stdout() -> None:
    code, out, err = check("--min-aligned", "0.8")
    assert code == 1 and err == ""
    assert ("Gate FAILED: 16 findings at or above --fail-on error; 77.6% of open items are "
            "aligned, below --min-aligned 80%.") in out
    assert "Below the 80% team bar: payments (69%)." in out


def test_passing_bar_says_nothing_on_stderr() -> None:
    code, _, err = check("--format", "markdown", "--fail-on", "never", "--min-aligned", "0.5")
    assert (code, err) == (0, "")


def test_json_keeps_the_section_7_contract_and_adds_metrics() -> None:
    document = json.loads(check("--format", "json")[1])
    assert {"version", "summary", "findings", "expired_waivers", "metrics", "gate"} == set(document)
    assert document["version"] == 1
    assert {"items", "aligned", "aligned_ratio", "findings", "by_code", "by_team"} <= set(
        document["summary"])
    assert document["metrics"]["by_team"]["payments"]["aligned_ratio"] == 0.6875
    assert document["gate"]["passed"] is False


def test_output_file_gets_the_report_and_stderr_the_verdict(tmp_path: Path) -> None:
    target = tmp_path / "summary.md"
    code, out, err = check("--format", "markdown", "-o", str(target), "--min-aligned", "0.9")
    assert code == 1 and out == ""
    assert target.read_text(encoding="utf-8").startswith("## aligner: 66 of 85")
    assert "below --min-aligned 90%" in err


# issue #18: with findings and a bar that passes, every format used to disagree with exit 1
FINDINGS_ONLY = ("--min-aligned", "0.4")


def test_text_never_says_passed_on_a_failing_exit() -> None:
    code, out, _ = check(*FINDINGS_ONLY)
    assert code == 1 and "passed" not in out
    assert "Gate FAILED: 16 findings at or above --fail-on error." in out


def test_markdown_names_the_failed_condition() -> None:
    code, out, _ = check("--format", "markdown", *FINDINGS_ONLY)
    assert code == 1 and "passed" not in out
    assert "**Gate ❌ failed:** 16 findings at or above `--fail-on error`." in out


def test_json_lists_the_failed_conditions() -> None:
    code, out, _ = check("--format", "json", *FINDINGS_ONLY)
    gate = json.loads(out)["gate"]
    assert code == 1 and gate["passed"] is False and gate["below_min_aligned"] is False
    assert gate["failed"] == [{"condition": "findings",
                               "reason": "16 findings at or above --fail-on error"}]


def test_junit_has_the_bar_as_a_case_and_the_findings_as_failures() -> None:
    code, out, _ = check("--format", "junit", *FINDINGS_ONLY)
    root = ET.fromstring(out.encode("utf-8"))
    case = next(c for c in root.iter("testcase") if c.get("name") == "gate --min-aligned")
    assert code == 1 and case.find("failure") is None and root.find(".//failure") is not None
    code, out, _ = check("--format", "junit", "--fail-on", "never", "--min-aligned", "80%")
    case = next(c for c in ET.fromstring(out.encode("utf-8")).iter("testcase")
                if c.get("name") == "gate --min-aligned")
    failure = case.find("failure")
    assert code == 1 and failure is not None
    assert failure.get("message") == ("gate failed: 77.6% of open items are aligned, below "
                                      "--min-aligned 80%")


def test_csv_gets_the_verdict_on_stderr() -> None:
    code, out, err = check("--format", "csv", *FINDINGS_ONLY)
    assert code == 1 and out.startswith("team,item,")
    assert err.strip() == "aligner: gate failed: 16 findings at or above --fail-on error"


@pytest.mark.parametrize("fmt", ["text", "json", "markdown", "junit", "csv"])
def test_a_passing_gate_exits_0_and_no_format_says_failed(fmt: str) -> None:
    code, out, err = check("--format", fmt, "--fail-on", "never", "--min-aligned", "70%")
    assert code == 0 and err == ""
    assert "Gate FAILED" not in out and "❌ failed" not in out and '"passed": false' not in out


@pytest.mark.parametrize(("value", "expected"), [
    ("80%", 1), ("80 %", 1), ("0.8", 1), ("74%", 0), ("77.6%", 0), ("0%", 0), ("100%", 1),
    ("180%", 2), ("1.5", 2), ("-1%", 2), ("most", 2),
])
def test_min_aligned_takes_a_share_or_a_percentage(value: str, expected: int) -> None:
    assert check("--fail-on", "never", "--min-aligned", value)[0] == expected


def test_percent_and_share_are_the_same_bar() -> None:
    as_percent = json.loads(check("--format", "json", "--min-aligned", "80%")[1])["gate"]
    as_share = json.loads(check("--format", "json", "--min-aligned", "0.8")[1])["gate"]
    assert as_percent == as_share and as_percent["min_aligned"] == 0.8
