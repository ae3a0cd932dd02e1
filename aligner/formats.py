"""Report formats: render one `RunReport` as text, json, markdown, junit or csv.

`aligner check` and `aligner sync` share them: `render(fmt, build_report(...))`.
"""

from __future__ import annotations

from collections.abc import Callable

from .render_coverage import coverage_lines
from .render_csv import render_csv
from .render_junit import render_junit
from .render_markdown import render_markdown
from .render_text import render_text
from .run_report import RunReport, build_report, render_json


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
