"""Write operations and sending them: several aliased mutations per request, none re-sent blindly.

A batch is retried only through `aligner.retry`. A throttled request was not executed, so it is
sent again as is. A request whose outcome is unknown (connection lost, timeout, 5xx) may have
been applied: before it is sent again, the state that non-idempotent operations depend on
(aligner's comments, created labels) is read back, and operations already applied are dropped;
a creation that already happened becomes an update.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from aligner.errors import AuthError, TrackerError
from aligner.retry import RetryPolicy, call_with_retry

from .documents import mutation_document
from .transport import LinearHTTP, Reply, UncertainWrite

LABELS = "labels"
COMMENT_CREATE = "comment_create"
COMMENT_UPDATE = "comment_update"
COMMENT_DELETE = "comment_delete"
LABEL_CREATE = "label_create"
DOUBTFUL = frozenset({COMMENT_CREATE, COMMENT_DELETE, LABEL_CREATE})  # not idempotent
Found = tuple[str | None, str | None]  # (aligner's comment id, its digest) on an issue


@dataclass(frozen=True, slots=True)
class Op:
    """One mutation, never changed once made. `target`: the comment or label id it creates
    or deletes; `alias` names it in the request and in the `Delivery`."""

    kind: str
    alias: str
    variables: Mapping[str, Any]
    issue_id: str | None = None
    target: str | None = None
    digest: str | None = None

    def as_update(self, comment_id: str) -> Op:
        """A creation that already happened: the same body written onto the existing comment."""
        body = self.variables["input"]["body"]
        return replace(self, kind=COMMENT_UPDATE, target=comment_id,
                       variables={"id": comment_id, "input": {"body": body}})


@dataclass(frozen=True, slots=True)
class Outcome:
    """How one operation ended: applied (`error` None) or refused by Linear (`error`)."""

    error: str | None = None


@dataclass(frozen=True)
class Delivery:
    """What sending a batch did: per alias, the operations settled and those sent at all.

    An alias in neither was not written; `error` says why sending stopped, if it did.
    """

    settled: Mapping[str, Outcome] = field(default_factory=dict)
    sent: frozenset[str] = frozenset()
    error: str | None = None


class ReadBack(Protocol):
    """What the sender reads again before re-sending operations whose outcome is unknown."""

    def own_comments(self, issue_ids: Iterable[str]) -> dict[str, Found]: ...

    def labels_by_id(self, label_ids: Iterable[str]) -> Mapping[str, object]: ...


@dataclass
class Sender:
    """Sends batches of operations: operations in, a `Delivery` out."""

    http: LinearHTTP
    policy: RetryPolicy
    readback: ReadBack

    def run(self, ops: Sequence[Op], *, recover: bool = False,
            name: str = "AlignerWrite") -> Delivery:
        """Apply `ops`, in one request if all goes well. Only an AuthError is raised: any
        other failure ends the delivery early, with its `error`."""
        batch = _Batch({op.alias: op for op in ops}, doubt=recover)

        def attempt() -> None:
            if batch.doubt and any(op.kind in DOUBTFUL for op in batch.pending()):
                batch.reread(self.readback)
            batch.doubt = False
            try:
                self._send_all(batch, name)
            except UncertainWrite:
                batch.doubt = True
                raise

        error: str | None = None
        try:
            call_with_retry(self.policy, attempt, "Linear write")
        except AuthError:
            raise
        except TrackerError as failure:
            error = str(failure)
        return Delivery(dict(batch.settled), frozenset(batch.sent), error)

    def _send_all(self, batch: _Batch, name: str) -> None:
        while pending := batch.pending():
            document = mutation_document(name, [(op.kind, op.alias) for op in pending])
            variables = {f"{op.alias}_{var}": value
                         for op in pending for var, value in op.variables.items()}
            batch.sent.update(op.alias for op in pending)
            reply = self.http.post(document, variables, write=True)
            settled = settle(pending, reply)
            if not settled:
                raise TrackerError("Linear write: the answer settled no mutation")
            batch.settled.update(settled)


@dataclass
class _Batch:
    """The sender's bookkeeping while one batch is being sent (the operations stay as made,
    except those a re-read turns from a creation into an update)."""

    ops: dict[str, Op]
    doubt: bool = False
    settled: dict[str, Outcome] = field(default_factory=dict)
    sent: set[str] = field(default_factory=set)

    def pending(self) -> list[Op]:
        return [op for alias, op in self.ops.items() if alias not in self.settled]

    def reread(self, readback: ReadBack) -> None:
        """Read back what operations in doubt depend on; settle those already applied."""
        pending = self.pending()
        comment_ops = [op for op in pending if op.kind in (COMMENT_CREATE, COMMENT_DELETE)]
        found: dict[str, Found] = {}
        if comment_ops:
            found = readback.own_comments(op.issue_id for op in comment_ops if op.issue_id)
        label_ops = [op for op in pending if op.kind == LABEL_CREATE and op.target]
        existing: Collection[str] = ()
        if label_ops:
            existing = readback.labels_by_id(op.target for op in label_ops if op.target).keys()
        for op in comment_ops + label_ops:
            still = recheck(op, found, existing)
            if still is None:
                self.settled[op.alias] = Outcome()
            else:
                self.ops[op.alias] = still


def recheck(op: Op, comments: Mapping[str, Found], labels: Collection[str]) -> Op | None:
    """What is left of an operation in doubt once the ticket is read again: None if it was
    applied, else the operation to send (a creation that happened becomes an update)."""
    if op.kind == LABEL_CREATE:
        return None if op.target in labels else op
    comment_id, digest = comments.get(op.issue_id or "", (None, None))
    if op.kind == COMMENT_DELETE:
        return op if comment_id == op.target else None  # already gone
    if comment_id is None:
        return op
    if comment_id == op.target or digest == op.digest:
        return None  # the creation went through (or an identical comment exists)
    return op.as_update(comment_id)


def settle(pending: Sequence[Op], reply: Reply) -> dict[str, Outcome]:
    """The operations a 200 answer settles, by alias (empty: it settled none).

    Root mutations run in order and a failing one (its payload is non-null) nulls `data` and
    stops the rest: those before it were applied, those after it were not and stay pending.
    """
    failed = _errors_by_alias(reply)
    data = reply.data or {}
    positions = [i for i, op in enumerate(pending) if op.alias in failed]
    first_failure = min(positions) if positions else len(pending)
    settled: dict[str, Outcome] = {}
    for index, op in enumerate(pending):
        payload = data.get(op.alias)
        if op.alias in failed:
            settled[op.alias] = Outcome(failed[op.alias])
        elif isinstance(payload, dict):
            settled[op.alias] = Outcome(None if payload.get("success") else
                                        f"Linear {op.kind.replace('_', ' ')}: not successful")
        elif reply.data is None and index < first_failure and positions:
            settled[op.alias] = Outcome()  # applied before the failure; its payload was lost
    return settled


def _errors_by_alias(reply: Reply) -> dict[str, str]:
    by_alias: dict[str, str] = {}
    for error in reply.errors:
        path = error.get("path")
        message = str(error.get("message") or "error")
        if isinstance(path, list) and path and isinstance(path[0], str):
            by_alias.setdefault(path[0], f"Linear: {message}")
        elif reply.data is None:
            raise TrackerError(f"Linear write: {message}")
    return by_alias
