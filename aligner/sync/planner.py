"""Plan a run's writes: the flags each evaluated item should carry against those it carries."""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterator, Mapping, Sequence

from aligner.comment.compose import build_comment, resolved_comment
from aligner.comment.document import Comment
from aligner.engine.evaluate import Evaluation, ItemResult
from aligner.engine.findings import Finding
from aligner.engine.items import ISSUE, NO_FLAGS, BacklogItem
from aligner.model.schema import Writeback
from aligner.plugins.registry import rule_classes
from aligner.report.summary import natural_key
from aligner.sync.plan import ItemPlan, plan_item


def digest_of(codes: Sequence[str]) -> str:
    """A short, stable digest of the codes flagged: rewording a message never re-posts."""
    return hashlib.sha256("|".join(sorted(set(codes))).encode()).hexdigest()[:16]


def ticket_findings(findings: Sequence[Finding]) -> list[Finding]:
    """Findings that belong on the ticket: item-level and not waived."""
    return [f for f in findings if f.on_ticket and not f.waived and f.item is not None]


def plan(writeback: Writeback, graph: Mapping[str, BacklogItem], evaluation: Evaluation,
         sources: Collection[str]) -> list[ItemPlan]:
    """One plan per evaluated item of `sources` whose ticket needs a change, by key.

    `evaluation` must come from `evaluate(..., keep=sources)`: the comment on a flagged
    ticket shows the item's trace, which only a kept evaluation still holds. With
    `writeback.teams` set, only those teams' items are planned (the others are left as they
    are, still checked and reported).
    """
    resolved = resolved_comment(evaluation.as_of)
    plans = [
        found for item in _evaluated(graph, evaluation, sources, writeback)
        if (found := plan_one(writeback, item, evaluation.flagged.get(item.key), resolved))
        is not None
    ]
    return sorted(plans, key=lambda p: natural_key(p.item.key))


def plan_one(writeback: Writeback, item: BacklogItem, result: ItemResult | None,
             resolved: Comment | None = None) -> ItemPlan | None:
    """One item's plan, or None when its ticket already carries the right flags.

    `result` is the item's evaluation when it has findings for its ticket, else None;
    `resolved` is the note `on_resolve: keep` leaves in place of the comment.
    """
    flagged = ticket_findings(result.findings) if result is not None else []
    labels = frozenset(f"{writeback.label_prefix}{f.name}" for f in flagged)
    digest = digest_of([f.code for f in flagged]) if flagged else None
    body = (build_comment(result.trace, flagged, rule_classes(), writeback.waive_label,
                          writeback.docs_url)
            if result is not None and flagged else None)
    return plan_item(item, labels, digest, body, comment=writeback.comment,
                     on_resolve=writeback.on_resolve,
                     resolved_body=resolved)


def _evaluated(graph: Mapping[str, BacklogItem], evaluation: Evaluation,
               sources: Collection[str], writeback: Writeback) -> Iterator[BacklogItem]:
    for outcome in evaluation.outcomes:
        if outcome.source in sources and writeback.writes_for(outcome.team):
            yield graph[outcome.key]
    # tickets no longer evaluated (closed, out of scope) that still carry aligner's flags
    # should carry none (DESIGN §6 "Flags follow the ticket out of scope"), whoever holds them
    for item in graph.values():
        if (item.source in sources and item.kind == ISSUE and not item.evaluated
                and item.flags != NO_FLAGS):
            yield item
