"""The planning gate through the CLI: --min-aligned, --fail-on, exit codes 0/1/2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from aligner.cli import cli

ACME = Path(__file__).parents[1] / "examples" / "acme" / "aligner.yaml"
CHECK = ["check", "-c", str(ACME), "--as-of", "2026-11-15"]  # 68 of 91 aligned: 74.7 %


def check(*extra: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, [*CHECK, *extra])
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize(("args", "expected"), [
    ((), 1),                                              # errors at --fail-on error
    (("--fail-on", "warning"), 1),
    (("--fail-on", "never"), 0),
    (("--fail-on", "never", "--min-aligned", "0.7"), 0),  # 74.7 % >= 70 %
    (("--fail-on", "never", "--min-aligned", "0.8"), 1),  # the bar gates without findings
    (("--fail-on", "never", "--min-aligned", "0.747"), 0),
    (("--fail-on", "never", "--min-aligned", "0.748"), 1),
    (("--min-aligned", "1.5"), 2),                        # usage error
    (("--fail-on", "sometimes"), 2),
])
def test_exit_codes(args: tuple[str, ...], expected: int) -> None:
    assert check(*args)[0] == expected


def test_failing_bar_is_said_in_one_clear_line() -> None:
    code, out, err = check("--format", "json", "--fail-on", "never", "--min-aligned", "0.8")
    assert code == 1
    assert err.strip() == ("aligner: gate failed: 74.7% of open items are aligned, below "
                           "--min-aligned 80%")
    gate = json.loads(out)["gate"]
    assert gate == {"fail_on": "never", "min_aligned": 0.8, "aligned_ratio": 0.7473,
                    "findings_fail": False, "below_min_aligned": True, "passed": False}


def test_text_report_says_it_itself_on_stdout() -> None:
    code, out, err = check("--min-aligned", "0.8")
    assert code == 1 and err == ""
    assert "Gate FAILED: 74.7% of open items aligned (--min-aligned 80%)." in out
    assert "Below the 80% team bar: payments (55%)." in out


def test_passing_bar_says_nothing_on_stderr() -> None:
    code, _, err = check("--format", "markdown", "--fail-on", "never", "--min-aligned", "0.5")
    assert (code, err) == (0, "")


def test_json_keeps_the_section_7_contract_and_adds_metrics() -> None:
    document = json.loads(check("--format", "json")[1])
    assert {"version", "summary", "findings", "expired_waivers", "metrics", "gate"} == set(document)
    assert document["version"] == 1
    assert {"items", "aligned", "aligned_ratio", "findings", "by_code", "by_team"} <= set(
        document["summary"])
    assert document["metrics"]["by_team"]["payments"]["aligned_ratio"] == 0.55
    assert document["gate"]["passed"] is False


def test_output_file_gets_the_report_and_stderr_the_verdict(tmp_path: Path) -> None:
    target = tmp_path / "summary.md"
    code, out, err = check("--format", "markdown", "-o", str(target), "--min-aligned", "0.9")
    assert code == 1 and out == ""
    assert target.read_text(encoding="utf-8").startswith("## aligner: 68 of 91")
    assert "below --min-aligned 90%" in err
