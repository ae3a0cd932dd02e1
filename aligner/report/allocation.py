"""The allocation table of one run: intended against actual shares of the open work, per
strategy pillar and per bucket of funded non-strategic work (DESIGN §14).

Computed once from the engine's tally (`Evaluation.allocation`) and the model's intents;
every renderer (text, Markdown, JSON, HTML) only renders it. Shares are measured by item
count and, where the run has estimates, by estimate; an item aligned through several pillars
counts for each in equal parts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aligner.engine.evaluate import Evaluation
from aligner.engine.rule import Rule
from aligner.engine.selection import RuleSet
from aligner.engine.trace import UNALLOCATED, Tally
from aligner.model.schema import Allocation, OperatingModel

# The options a run-level rule declares to judge drift (the built-in AL302 does); the core
# names no rule code: whichever selected rule declares `tolerance` gives the band.
TOLERANCE_OPTION = "tolerance"
BASIS_OPTION = "basis"
SLACK = 1e-9


@dataclass(frozen=True, slots=True)
class AllocationRow:
    """One pillar, bucket or the unallocated rest: what was intended and what the work is."""

    key: str
    kind: str  # "strategy" | "bucket" | "unallocated"
    name: str
    intended: float | None  # None: the model sets no share for it
    items: float  # open items (an item split between pillars counts in parts)
    share: float  # of all open items
    estimate: float | None  # the sum of its items' estimates; None without estimates
    estimate_share: float | None
    drifting: bool  # beyond the tolerance, on the judging basis

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "name": self.name, "intended": self.intended,
                "items": round(self.items, 2), "share": round(self.share, 4),
                "estimate": None if self.estimate is None else round(self.estimate, 2),
                "estimate_share": None if self.estimate_share is None
                else round(self.estimate_share, 4),
                "drifting": self.drifting}


@dataclass(frozen=True, slots=True)
class AllocationTable:
    """Intended against actual shares, organisation-wide, in model order."""

    items: int  # open items evaluated
    accounted: int  # of them, accounted for by a bucket
    estimated: int  # of them, carrying an estimate
    estimate: float  # the sum of those estimates
    tolerance: float | None  # the drift band of the selected drift rule, None when none runs
    basis: str  # "count" or "estimate": what drift is judged on
    rows: tuple[AllocationRow, ...]

    def drifting(self) -> list[AllocationRow]:
        return [row for row in self.rows if row.drifting]

    def to_json(self) -> dict[str, Any]:
        """`summary.allocation` in the JSON report."""
        return {"items": self.items, "accounted": self.accounted, "estimated": self.estimated,
                "estimate": round(self.estimate, 2), "tolerance": self.tolerance,
                "basis": self.basis, "rows": {row.key: row.to_json() for row in self.rows}}


def compute_allocation(evaluation: Evaluation, model: OperatingModel,
                       rule_set: RuleSet | None = None) -> AllocationTable | None:
    """The table, or None when the model has no `allocation`."""
    allocation, tally = model.allocation, evaluation.allocation
    if allocation is None or tally is None:
        return None
    rule = drift_rule(rule_set)
    tolerance = None if rule is None else float(getattr(rule.options, TOLERANCE_OPTION))
    basis = str(getattr(rule.options, BASIS_OPTION, "count")) if rule else "count"
    by_estimate = basis == "estimate" and tally.estimate > 0
    rows = tuple(_row(key, kind, name, intended, tally, tolerance, by_estimate)
                 for key, kind, name, intended in _keys(allocation, model, tally))
    return AllocationTable(tally.items, evaluation.accounted, tally.estimated, tally.estimate,
                           tolerance, "estimate" if by_estimate else "count", rows)


def _keys(allocation: Allocation, model: OperatingModel,
          tally: Tally) -> list[tuple[str, str, str, float | None]]:
    """Pillars with a share or with work (model order), buckets, then the unallocated rest."""
    keys: list[tuple[str, str, str, float | None]] = [
        (s.id, "strategy", s.name, allocation.strategy.get(s.id)) for s in model.strategy
        if s.id in allocation.strategy or tally.count.get(s.id)]
    keys += [(key, "bucket", b.name, b.share) for key, b in allocation.buckets.items()]
    rest = max(0.0, 1.0 - sum(allocation.intended().values()))
    keys.append((UNALLOCATED, "unallocated", "open work no pillar or bucket takes",
                 round(rest, 4)))
    return keys


def _row(key: str, kind: str, name: str, intended: float | None, tally: Tally,
         tolerance: float | None, by_estimate: bool) -> AllocationRow:
    estimated = tally.estimate > 0
    actual = tally.share(key, by_estimate)
    judged = kind != "unallocated" and intended is not None and tolerance is not None
    return AllocationRow(
        key, kind, name, intended, tally.count.get(key, 0.0), tally.share(key),
        tally.points.get(key, 0.0) if estimated else None,
        tally.share(key, True) if estimated else None,
        judged and bool(tally.items) and abs(actual - (intended or 0.0)) > (tolerance or 0.0)
        + SLACK)


def drift_rule(rule_set: RuleSet | None) -> Rule | None:
    """The selected run-level rule whose options declare the drift `tolerance`."""
    for rule in rule_set.rules if rule_set else ():
        if rule.scope == "run" and TOLERANCE_OPTION in type(rule.options).model_fields:
            return rule
    return None
