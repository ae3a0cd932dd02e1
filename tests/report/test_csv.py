"""CSV: one row per finding with a header; round-trips through csv.DictReader."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from click.testing import CliRunner

from aligner.cli import cli
from aligner.report.csv import COLUMNS, render_csv
from tests.report_factory import finding, outcome, report

ACME = Path(__file__).parents[2] / "examples" / "acme" / "aligner.yaml"
CHECK = ["check", "-c", str(ACME), "--as-of", "2026-11-15"]


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_acme_csv_round_trips_to_the_json_findings() -> None:
    runner = CliRunner()
    text = runner.invoke(cli, [*CHECK, "--format", "csv"]).stdout
    findings = json.loads(runner.invoke(cli, [*CHECK, "--format", "json"]).stdout)["findings"]
    parsed = rows(text)
    assert tuple(csv.reader(io.StringIO(text)).__next__()) == COLUMNS
    assert len(parsed) == len(findings)  # waived ones included, marked
    for row, expected in zip(parsed, findings, strict=True):
        for key in ("item", "team", "code", "name", "severity", "message", "fix", "url",
                    "source"):
            assert row[key] == (expected[key] or ""), key
        assert row["waived"] == ("true" if expected["waived"] else "false")
        assert row["waived_by"] == expected.get("waived_by", "")


def test_quotes_commas_and_newlines_round_trip() -> None:
    message = 'says "hi", then\nbreaks; and, commas'
    run = report([finding("A-1", message=message), finding(None, "AL301", team="alpha",
                                                           message="low")],
                 [outcome("A-1", "alpha", False)])
    parsed = rows(render_csv(run.evaluation))
    assert [r["item"] for r in parsed] == ["", "A-1"]  # the team's report-level finding first
    assert parsed[1]["message"] == message


def test_formula_cells_are_neutralised() -> None:
    run = report([finding("A-1", message="=HYPERLINK(\"http://evil\")")],
                 [outcome("A-1", "alpha", False)])
    assert rows(render_csv(run.evaluation))[0]["message"].startswith("'=")


def test_empty_run_is_just_the_header() -> None:
    assert render_csv(report([], []).evaluation) == ",".join(COLUMNS) + "\n"
