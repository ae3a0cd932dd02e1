"""Report formats: every renderer takes one `RunReport` and only renders it.

`aligner check` and `aligner sync` share them: `render(fmt, build_report(...))`. A format can be
named, or inferred from an output file's extension (`-o report.json`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from aligner.report.csv import render_csv
from aligner.report.html import render_html
from aligner.report.json import render_json
from aligner.report.junit import render_junit
from aligner.report.markdown import render_markdown
from aligner.report.model import RunReport, build_report
from aligner.report.text import render_text

RENDERERS: dict[str, Callable[[RunReport], str]] = {
    "text": render_text,
    "json": render_json,
    "markdown": render_markdown,
    "junit": render_junit,
    "csv": lambda report: render_csv(report.evaluation),
    "html": render_html,
}
FORMATS = tuple(RENDERERS)
EXTENSIONS = {".txt": "text", ".text": "text", ".json": "json", ".md": "markdown",
              ".markdown": "markdown", ".xml": "junit", ".csv": "csv",
              ".html": "html", ".htm": "html"}
DEFAULT_FORMAT = "text"


def render(fmt: str, report: RunReport) -> str:
    """Render `report` in `fmt` (one of FORMATS)."""
    return RENDERERS[fmt](report)


def format_for(path: Path | None) -> str:
    """The format an output file's extension names (`.xml` is JUnit); text when none does."""
    if path is None:
        return DEFAULT_FORMAT
    return EXTENSIONS.get(path.suffix.lower(), DEFAULT_FORMAT)


__all__ = ["EXTENSIONS", "FORMATS", "RunReport", "build_report", "format_for", "render"]
