"""The spreadsheet report: one row per finding (waived ones included, marked), with a header."""

from __future__ import annotations

import csv
import io

from aligner.engine.evaluate import Evaluation
from aligner.report.escape import csv_cell
from aligner.report.summary import sort_findings

COLUMNS = ("team", "item", "source", "code", "name", "severity", "waived", "waived_by",
           "message", "fix", "url")


def render_csv(evaluation: Evaluation) -> str:
    """Findings as CSV (RFC 4180 quoting by the csv module); empty cells for missing values."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for finding in sort_findings(evaluation.findings):
        row = finding.to_json()
        row["waived"] = "true" if finding.waived else "false"
        row["waived_by"] = finding.waived_by or ""
        writer.writerow({column: csv_cell(row.get(column)) for column in COLUMNS})
    return buffer.getvalue()
