"""One run's report model: the evaluation, its metrics and the gate verdict, computed once.

`aligner check` and `aligner sync` build a `RunReport` with `build_report`; every renderer
(`aligner.report.formats`) takes it and only renders. A sync adds its outcome (the plan and
what was written), so every format can carry the plan.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from aligner.engine.evaluate import Evaluation
from aligner.errors import EXIT_TRACKER
from aligner.mirror.store import RunRecord
from aligner.model.load import LoadedConfig
from aligner.report.allocation import AllocationTable, compute_allocation
from aligner.report.gate import GateResult, judge
from aligner.report.metrics import Metrics, compute_metrics
from aligner.report.tree import StrategyTree, build_tree
from aligner.report.trend import TrendPoint, trend_points

if TYPE_CHECKING:
    from aligner.sync.run import SyncOutcome


@dataclass(frozen=True)
class RunReport:
    """Everything a renderer needs about one run."""

    evaluation: Evaluation
    metrics: Metrics
    gate: GateResult
    sync: SyncOutcome | None = None  # set by `aligner sync`: the plan and its outcome
    show_comments: bool = False  # sync --show-comments: the text plan prints each comment
    tree: StrategyTree | None = None  # strategy -> bet -> objective -> link, with counts
    trend: tuple[TrendPoint, ...] = ()  # recorded runs' shares, this run last
    allocation: AllocationTable | None = None  # intended vs actual shares, with `allocation:`

    @property
    def exit_code(self) -> int:
        """The gate's exit code; 3 when a sync could not finish (budget, failed writes)."""
        outcome = self.sync
        if outcome is not None and not outcome.dry_run and not outcome.complete:
            return EXIT_TRACKER
        return self.gate.exit_code


def build_report(config: LoadedConfig, evaluation: Evaluation, fail_on: str = "error",
                 min_aligned: float | None = None, sync: SyncOutcome | None = None,
                 show_comments: bool = False, history: Sequence[RunRecord] = ()) -> RunReport:
    """Compute the metrics, the strategy tree and the gate verdict of `evaluation`, once;
    `history` (earlier runs from the state store) gives the trend."""
    metrics = compute_metrics(evaluation, config.model, config.rule_set)
    return RunReport(evaluation, metrics, judge(metrics, fail_on, min_aligned), sync,
                     show_comments, build_tree(config.model, evaluation, metrics),
                     trend_points(history, metrics.overall, "check" if sync is None else "sync"),
                     compute_allocation(evaluation, config.model, config.rule_set))
