"""The report of a run that could not finish (tracker down, bad model): every format says so.

CI steps that upload report artifacts then find a file that says the run failed, why (the
same one line stderr shows, which never carries a secret) and its exit code, instead of no
file or a stale one.
"""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from collections.abc import Callable

from aligner.report.csv import COLUMNS
from aligner.report.escape import csv_cell, escape_markdown, xml_text
from aligner.report.html import render_failed_html
from aligner.report.summary import REPORT_VERSION

FAILED = "failed"


def _text(reason: str, exit_code: int) -> str:
    return (f"aligner: the run failed (exit {exit_code}): {reason}\n"
            "No report: nothing was checked.\n")


def _json(reason: str, exit_code: int) -> str:
    document = {"version": REPORT_VERSION, "status": FAILED, "reason": reason,
                "exit_code": exit_code, "summary": None, "findings": []}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _markdown(reason: str, exit_code: int) -> str:
    return (f"## aligner: the run failed\n\n{escape_markdown(reason)}\n\n"
            f"Exit code {exit_code}: nothing was checked, so there are no findings to show.\n")


def _junit(reason: str, exit_code: int) -> str:
    root = ET.Element("testsuites", name="aligner", tests="1", failures="0", errors="1")
    suite = ET.SubElement(root, "testsuite", name="(run)", tests="1", failures="0", errors="1",
                          skipped="0", time="0")
    case = ET.SubElement(suite, "testcase", classname="(run)", name="aligner run", time="0")
    ET.SubElement(case, "error", message=xml_text(reason),
                  type=f"exit {exit_code}").text = xml_text(reason)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _csv(reason: str, exit_code: int) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    # one row, so a spreadsheet of a failed run is never mistaken for a clean one
    writer.writerow({column: "" for column in COLUMNS} | {
        "name": "run-failed", "severity": "error", "waived": "false",
        "message": csv_cell(reason), "fix": f"exit {exit_code}: rerun when the cause is fixed"})
    return buffer.getvalue()


FAILURE_RENDERERS: dict[str, Callable[[str, int], str]] = {
    "text": _text, "json": _json, "markdown": _markdown, "junit": _junit, "csv": _csv,
    "html": render_failed_html,
}


def render_failure(fmt: str, reason: str, exit_code: int) -> str:
    """The `fmt` report of a failed run: status failed, the one-line reason, the exit code."""
    return FAILURE_RENDERERS[fmt](reason, exit_code)
