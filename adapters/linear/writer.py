"""Applying write plans to Linear: label and comment mutations, many items per request."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from aligner.plugins.adapter import WriteResult
from aligner.sync.plan import CREATE, DELETE, UPDATE, ItemPlan
from aligner.workers import ordered

from .documents import WRITE_BATCH_ITEMS
from .labels import LabelBook, Need
from .mapping import team_key
from .operations import COMMENT_CREATE, COMMENT_DELETE, COMMENT_UPDATE, LABELS, Delivery, Op, Sender
from .reader import LinearReader
from .state import comment_body

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Prepared:
    """One plan turned into operations, or the reason it cannot be written."""

    plan: ItemPlan
    ops: tuple[Op, ...]
    error: str | None = None


@dataclass
class Writer:
    """plans → operations → `Sender` → one `WriteResult` per plan; nothing flows back."""

    reader: LinearReader
    sender: Sender
    labels: LabelBook

    def apply(self, plans: Sequence[ItemPlan], recover: bool = False) -> Iterator[WriteResult]:
        """One result per plan, in order; batches of items travel in one request each."""
        plans = list(plans)
        if not plans:
            return
        resolved = self.labels.ensure({need for p in plans for need in self._needs(p)})
        prepared = [self._prepare(i, plan, resolved) for i, plan in enumerate(plans)]
        batches = [prepared[start:start + WRITE_BATCH_ITEMS]
                   for start in range(0, len(prepared), WRITE_BATCH_ITEMS)]
        stop: list[str] = []  # the first failed delivery's error: no later batch starts

        def deliver(batch: list[Prepared]) -> tuple[list[Prepared], Delivery, str | None]:
            ops = [op for item in batch for op in item.ops]
            if not ops or stop:
                return batch, Delivery(), stop[0] if stop else None
            delivery = self.sender.run(ops, recover=recover)
            if delivery.error:
                stop.append(delivery.error)
            return batch, delivery, delivery.error

        # batches travel concurrently (an item's operations are all in one batch, in order)
        # the first batch goes alone: a throttled or refused key stops the run before fan-out
        for batch, delivery, stopped in ordered(self.sender.http.pacer.ceiling, deliver,
                                                batches, first_alone=True):
            for item in batch:
                yield _result(item, delivery, stopped)

    def _team_of(self, plan: ItemPlan) -> str | None:
        meta = self.reader.issues_seen.get(plan.item.id or "")
        if meta is not None:
            return meta.team_id
        return self.reader.workspace().teams.get(team_key(plan.item))

    def _needs(self, plan: ItemPlan) -> list[Need]:
        team_id = self._team_of(plan)
        return [(name, team_id) for name in plan.add_labels]

    def _prepare(self, index: int, plan: ItemPlan, resolved: dict[Need, str]) -> Prepared:
        issue_id = plan.item.id
        if not issue_id:
            return Prepared(plan, (), "the item has no Linear issue id")
        team_id = self._team_of(plan)
        added = [resolved.get((name, team_id)) for name in plan.add_labels]
        if None in added:
            names = [n for n, lid in zip(plan.add_labels, added, strict=True) if lid is None]
            return Prepared(plan, (), f"Linear: could not find or create label(s) {names}")
        meta = self.reader.issues_seen.get(issue_id)
        removed = [label_id for name in plan.remove_labels
                   for label_id in self.labels.ids_named(
                       name, meta.label_ids if meta else None, team_id)]
        ops: list[Op] = []
        if added or removed:
            change = {"addedLabelIds": added, "removedLabelIds": removed}
            ops.append(Op(LABELS, f"i{index}l", {"id": issue_id, "input": {
                k: v for k, v in change.items() if v}}, issue_id=issue_id))
        try:
            comment = _comment_op(f"i{index}c", plan, issue_id)
        except ValueError as error:
            return Prepared(plan, (), str(error))
        if comment is not None:
            ops.append(comment)
        ops += [Op(COMMENT_DELETE, f"i{index}x{n}", {"id": extra}, issue_id, extra)
                for n, extra in enumerate(plan.delete_extras)]  # duplicates: keep one only
        return Prepared(plan, tuple(ops))


def _comment_op(alias: str, plan: ItemPlan, issue_id: str) -> Op | None:
    flags = plan.item.flags
    if plan.comment in (CREATE, UPDATE) and plan.body is None:
        raise ValueError(f"the plan asks to {plan.comment} a comment without a body")
    if plan.comment == CREATE:
        assert plan.body is not None
        comment_id = str(uuid.uuid4())  # our own id: a creation in doubt can be checked
        body = {"id": comment_id, "issueId": issue_id, "doNotSubscribeToIssue": True,
                "body": comment_body(plan.body, plan.digest)}
        return Op(COMMENT_CREATE, alias, {"input": body}, issue_id, comment_id, plan.digest)
    if plan.comment in (UPDATE, DELETE) and flags.comment_id is None:
        raise ValueError(f"the plan asks to {plan.comment} a comment the issue does not have")
    if plan.comment == UPDATE:
        assert plan.body is not None and flags.comment_id is not None
        return Op(COMMENT_UPDATE, alias, {"id": flags.comment_id, "input": {
            "body": comment_body(plan.body, plan.digest)}}, issue_id, flags.comment_id,
            plan.digest)
    if plan.comment == DELETE:
        assert flags.comment_id is not None
        return Op(COMMENT_DELETE, alias, {"id": flags.comment_id}, issue_id, flags.comment_id)
    return None


def _result(item: Prepared, delivery: Delivery, stopped: str | None) -> WriteResult:
    errors = [item.error] if item.error else []
    outcomes = [delivery.settled.get(op.alias) for op in item.ops]
    errors += [o.error for o in outcomes if o is not None and o.error]
    if any(o is None for o in outcomes):
        errors.append(f"not written: {stopped or 'the write did not finish'}")
    sent = sum(1 for op in item.ops if op.alias in delivery.sent)
    repaired = sum(1 for op, o in zip(item.ops, outcomes, strict=True)
                   if op.target in item.plan.delete_extras and o is not None and not o.error)
    if repaired:
        log.info("Linear: %s carried %d duplicate aligner comment(s); deleted %d",
                 item.plan.item.key, len(item.plan.delete_extras), repaired)
    return WriteResult(item.plan.item.key, requests=sent, error="; ".join(errors) or None,
                       repaired=repaired)
