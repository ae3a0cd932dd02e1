"""The metrics block of the text report: gate, teams below the bar, strategy coverage.

Brief by design: a planning meeting reads it in seconds; `--format json` has every number.
"""

from __future__ import annotations

from aligner.report.gate import GateResult
from aligner.report.metrics import Metrics, Share


def coverage_lines(metrics: Metrics, gate: GateResult) -> list[str]:
    """A few lines summarising the metrics, for the text report."""
    lines = [*_gate_lines(metrics, gate), *_strategy_lines(metrics)]
    overall = metrics.overall
    lines.append(f"Untraced: {metrics.untraced} of {overall.items} open items "
                 f"({metrics.untraced_ratio:.0%}) reach no objective; "
                 f"{metrics.unheld} held by no team.")
    idle = idle_phrase(metrics)
    if idle:
        lines.append(f"Nobody is working on: {idle}.")
    lines.append(f"Waivers: {metrics.waivers_in_force} in force, "
                 f"{metrics.waivers_expired} expired.")
    return lines


def _gate_lines(metrics: Metrics, gate: GateResult) -> list[str]:
    # the verdict shows with an explicit bar; without one, the findings listed are the reason
    lines = [gate.summary_line()] if gate.min_aligned is not None else []
    below = metrics.below_bar()
    if below:
        teams = ", ".join(f"{team} ({share.ratio:.0%})" for team, share in below)
        lines.append(f"Below the {metrics.team_bar:.0%} team bar: {teams}.")
    return lines


def _strategy_lines(metrics: Metrics) -> list[str]:
    if not metrics.by_strategy:
        return []
    parts = [f"{strategy} {_fraction(share)}" for strategy, share in metrics.by_strategy.items()]
    return ["Strategy coverage (items aligned / open items reaching it):",
            f"  {' · '.join(parts)}"]


def _fraction(share: Share) -> str:
    return f"{share.aligned}/{share.items}"


def idle_phrase(metrics: Metrics) -> str:
    """`strategy x; bets y, z` for the active model nodes no open item reaches."""
    groups = (("strategy", "strategies"), ("bet", "bets"), ("objective", "objectives"))
    parts = []
    for singular, key in groups:
        ids = metrics.idle.get(key, [])
        if ids:
            parts.append(f"{singular if len(ids) == 1 else key} {', '.join(ids)}")
    return "; ".join(parts)
