"""The JSON report: the DESIGN §7 contract (`version`, `summary`, `findings`), extended
compatibly with `metrics`, `gate` and, after a sync, `sync` (the plan and what was written)."""

from __future__ import annotations

import json
from typing import Any

from aligner.report.model import RunReport
from aligner.report.planned import plan_counts
from aligner.report.summary import to_json
from aligner.report.sync import sync_json


def report_json(report: RunReport) -> dict[str, Any]:
    """The whole document as a dict."""
    document = to_json(report.evaluation, report.metrics)
    if report.allocation is not None:  # intended vs actual shares (DESIGN §14)
        document["summary"]["allocation"] = report.allocation.to_json()
    document["metrics"] = report.metrics.to_json()
    document["gate"] = report.gate.to_json()
    if report.sync is not None:
        # the counts a rollout needs: comments a run creates, the write budget it needs
        document["sync"] = {**sync_json(report.sync), "counts": plan_counts(report.sync)}
    return document


def render_json(report: RunReport) -> str:
    """The document, indented, non-ASCII kept."""
    return json.dumps(report_json(report), indent=2, ensure_ascii=False) + "\n"
