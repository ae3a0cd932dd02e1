"""Hand-built runs for report tests: findings with hostile text, without a tracker."""

from __future__ import annotations

from datetime import date

from aligner.engine.evaluate import Evaluation, ItemOutcome
from aligner.engine.findings import Finding
from aligner.model.schema import OperatingModel
from aligner.report.gate import judge
from aligner.report.metrics import compute_metrics
from aligner.report.model import RunReport

HOSTILE = 'Fix <script>alert("x")</script> | & ]]> `code` *bold* [link](http://evil) \x00\x0b\nnext'

MODEL = OperatingModel.model_validate({
    "version": 1,
    "strategy": [{"id": "grow"}, {"id": "idle-pillar"}, {"id": "old", "status": "retired"}],
    "bets": [{"id": "bet-a", "strategy": "grow"}, {"id": "bet-idle", "strategy": "grow"}],
    "objectives": [{"id": "O-1", "team": "alpha", "supports": "bet-a"},
                   {"id": "O-2", "team": "beta", "supports": "grow"},
                   {"id": "O-idle", "team": "beta", "supports": "grow"}],
    "teams": [{"id": "alpha"}, {"id": "beta"}],
})


def finding(item: str | None, code: str = "AL101", *, team: str | None = "alpha",
            severity: str = "error", message: str = "untraced", waived: bool = False,
            url: str | None = None) -> Finding:
    name = {"AL101": "untraced", "AL203": "boundary-crossing", "AL301": "low-alignment"}.get(
        code, "rule")
    made = Finding(code, name, severity, item, "jira" if item else None, url, team, message,
                   "do the fix", on_ticket=item is not None)
    return made.waive("waiver: test (me, until 2027-01-01)") if waived else made


def outcome(key: str, team: str | None, aligned: bool,
            reached: tuple[str, ...] = ()) -> ItemOutcome:
    return ItemOutcome(key, "jira", team, aligned, reached if aligned else (), (), reached)


def report(findings: list[Finding], outcomes: list[ItemOutcome], *, fail_on: str = "error",
           min_aligned: float | None = None) -> RunReport:
    evaluation = Evaluation(date(2026, 11, 15), len(outcomes), findings, outcomes)
    metrics = compute_metrics(evaluation, MODEL)
    return RunReport(evaluation, metrics, judge(metrics, fail_on, min_aligned))
