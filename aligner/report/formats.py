"""Report formats: render one `RunReport` as text, json, markdown, junit or csv.

`aligner check` and `aligner sync` share them: `render(fmt, build_report(...))`.
"""

from __future__ import annotations

from collections.abc import Callable

from aligner.report.coverage import coverage_lines
from aligner.report.csv import render_csv
from aligner.report.junit import render_junit
from aligner.report.markdown import render_markdown
from aligner.report.model import RunReport, build_report, render_json
from aligner.report.text import render_text


def _text(report: RunReport) -> str:
    return render_text(report.evaluation, extra=coverage_lines(report.metrics, report.gate))


RENDERERS: dict[str, Callable[[RunReport], str]] = {
    "text": _text,
    "json": render_json,
    "markdown": render_markdown,
    "junit": render_junit,
    "csv": lambda report: render_csv(report.evaluation),
}
FORMATS = tuple(RENDERERS)


def render(fmt: str, report: RunReport) -> str:
    """Render `report` in `fmt` (one of FORMATS)."""
    return RENDERERS[fmt](report)


__all__ = ["FORMATS", "RunReport", "build_report", "render"]
