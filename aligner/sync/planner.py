"""Build the write plan of a run: desired flags per item against the flags on the ticket."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from aligner.comment.compose import build_comment, resolved_comment
from aligner.engine.findings import Finding
from aligner.engine.trace import Trace
from aligner.model.schema import Writeback
from aligner.plugins.registry import rule_classes
from aligner.sync.plan import ItemPlan, plan_item


def digest_of(codes: Sequence[str]) -> str:
    """A short, stable digest of the codes flagged: rewording a message never re-posts."""
    return hashlib.sha256("|".join(sorted(set(codes))).encode()).hexdigest()[:16]


def ticket_findings(findings: Sequence[Finding]) -> list[Finding]:
    """Findings that belong on the ticket: item-level and not waived."""
    return [f for f in findings if f.on_ticket and not f.waived and f.item is not None]


@dataclass
class Planner:
    """Collects one ItemPlan per item that needs a change, as the engine evaluates items."""

    writeback: Writeback
    as_of: date
    writable: frozenset[str]  # sources whose adapter can write
    plans: list[ItemPlan] = field(default_factory=list)

    def __call__(self, trace: Trace, findings: list[Finding]) -> None:
        if trace.item.source not in self.writable:
            return
        flagged = ticket_findings(findings)
        wb = self.writeback
        labels = frozenset(f"{wb.label_prefix}{f.name}" for f in flagged)
        digest = digest_of([f.code for f in flagged]) if flagged else None
        body = build_comment(trace, flagged, rule_classes(), wb.waive_label) if flagged else None
        plan = plan_item(trace.item, labels, digest, body, comment=wb.comment,
                         on_resolve=wb.on_resolve, resolved_body=resolved_comment(self.as_of))
        if plan is not None:
            self.plans.append(plan)


def write_cost(plan: ItemPlan) -> int:
    """Write operations a plan needs: the comment, and one edit for labels and state."""
    edit = plan.changes_labels or plan.digest != plan.item.flags.digest
    return int(bool(plan.comment)) + int(edit)


def within_budget(plans: Sequence[ItemPlan], budget: int) -> tuple[list[ItemPlan],
                                                                  list[ItemPlan]]:
    """Split plans into those that fit `budget` write operations and those left pending."""
    now: list[ItemPlan] = []
    spent = 0
    for index, plan in enumerate(plans):
        cost = write_cost(plan)
        if spent + cost > budget:
            return now, list(plans[index:])
        spent += cost
        now.append(plan)
    return now, []
