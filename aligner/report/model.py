"""One run's report: the evaluation, its metrics and the gate verdict, and its JSON document.

`aligner check` and `aligner sync` both build a `RunReport`; `aligner.report.formats` renders it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from aligner.engine.evaluate import Evaluation
from aligner.model.load import LoadedConfig
from aligner.report.gate import GateResult, judge
from aligner.report.metrics import Metrics, compute_metrics
from aligner.report.summary import to_json


@dataclass(frozen=True)
class RunReport:
    """Everything a renderer needs about one run."""

    evaluation: Evaluation
    metrics: Metrics
    gate: GateResult


def build_report(config: LoadedConfig, evaluation: Evaluation, fail_on: str = "error",
                 min_aligned: float | None = None) -> RunReport:
    """Compute the metrics and the gate verdict of `evaluation`."""
    return RunReport(evaluation, compute_metrics(evaluation, config.model, config.rule_set),
                     judge(evaluation, fail_on, min_aligned))


def report_json(report: RunReport) -> dict[str, Any]:
    """The DESIGN §7 document, extended compatibly with `metrics` and `gate`."""
    document = to_json(report.evaluation)
    document["metrics"] = report.metrics.to_json()
    document["gate"] = report.gate.to_json()
    return document


def render_json(report: RunReport) -> str:
    return json.dumps(report_json(report), indent=2, ensure_ascii=False) + "\n"
