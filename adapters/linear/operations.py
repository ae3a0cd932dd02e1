"""Write operations and sending them: several aliased mutations per request, none re-sent blindly.

A batch is retried only through `aligner.retry`. A throttled request was not executed, so it is
sent again as is. A request whose outcome is unknown (connection lost, timeout, 5xx) may have
been applied: before it is sent again, the state that non-idempotent operations depend on
(aligner's comments, created labels) is read back, and operations already applied are dropped;
a creation that already happened becomes an update.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aligner.errors import TrackerError
from aligner.retry import RetryPolicy, call_with_retry

from .documents import mutation_document
from .transport import LinearHTTP, Reply, UncertainWrite

LABELS = "labels"
COMMENT_CREATE = "comment_create"
COMMENT_UPDATE = "comment_update"
COMMENT_DELETE = "comment_delete"
LABEL_CREATE = "label_create"
DOUBTFUL = frozenset({COMMENT_CREATE, COMMENT_DELETE, LABEL_CREATE})  # not idempotent


@dataclass
class Op:
    """One mutation. `target` is the comment or label id it creates or deletes."""

    kind: str
    alias: str
    variables: dict[str, Any]
    issue_id: str | None = None
    target: str | None = None
    digest: str | None = None
    done: bool = False
    sent: bool = False
    error: str | None = None

    def to_update(self, comment_id: str) -> None:
        """A creation that already happened: write the same body onto the existing comment."""
        body = self.variables["input"]["body"]
        self.kind, self.target = COMMENT_UPDATE, comment_id
        self.variables = {"id": comment_id, "input": {"body": body}}


Reconcile = Callable[[list["Op"]], None]


@dataclass
class Sender:
    """Sends batches of operations and settles each one: done, failed, or still pending."""

    http: LinearHTTP
    policy: RetryPolicy
    reconcile: Reconcile
    _doubt: bool = field(default=False, repr=False)

    def run(self, ops: list[Op], *, recover: bool = False, name: str = "AlignerWrite") -> None:
        """Apply `ops` in one request if all goes well; raises TrackerError when it gives up."""
        self._doubt = recover

        def attempt() -> None:
            if self._doubt and any(op.kind in DOUBTFUL for op in _pending(ops)):
                self.reconcile(_pending(ops))
            self._doubt = False
            try:
                self._send_all(ops, name)
            except UncertainWrite:
                self._doubt = True
                raise

        call_with_retry(self.policy, attempt, "Linear write")

    def _send_all(self, ops: list[Op], name: str) -> None:
        while pending := _pending(ops):
            document = mutation_document(name, [(op.kind, op.alias) for op in pending])
            variables = {f"{op.alias}_{name}": value
                         for op in pending for name, value in op.variables.items()}
            for op in pending:
                op.sent = True
            reply = self.http.post(document, variables, write=True)
            if not settle(pending, reply):
                raise TrackerError("Linear write: the answer settled no mutation")


def _pending(ops: list[Op]) -> list[Op]:
    return [op for op in ops if not op.done]


def settle(pending: list[Op], reply: Reply) -> bool:
    """Mark operations done or failed from a 200 answer; True if any was settled.

    Root mutations run in order and a failing one (its payload is non-null) nulls `data` and
    stops the rest: those before it were applied, those after it were not and stay pending.
    """
    failed = _errors_by_alias(reply)
    data = reply.data or {}
    positions = [i for i, op in enumerate(pending) if op.alias in failed]
    first_failure = min(positions) if positions else len(pending)
    settled = False
    for index, op in enumerate(pending):
        payload = data.get(op.alias)
        if op.alias in failed:
            op.done, op.error = True, failed[op.alias]
        elif isinstance(payload, dict):
            op.done = True
            if not payload.get("success"):
                op.error = f"Linear {op.kind.replace('_', ' ')}: not successful"
        elif reply.data is None and index < first_failure and positions:
            op.done = True  # applied before the failure; its payload was lost with `data`
        else:
            continue
        settled = True
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
