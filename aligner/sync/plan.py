"""The write plan: what to change on each ticket. A pure function of findings and flags."""

from __future__ import annotations

from collections.abc import Container, Iterable
from dataclasses import dataclass

from aligner.comment.document import Comment
from aligner.engine.items import BacklogItem

CREATE = "create"
UPDATE = "update"
DELETE = "delete"


@dataclass(frozen=True, slots=True)
class ItemPlan:
    """Operations for one ticket. `digest` is the state to record (None clears it).

    `comment` is one of create/update/delete or None; `body` is the comment to write;
    `delete_extras` are duplicate aligner comments to delete (repaired, whatever `comment` is).
    """

    item: BacklogItem
    add_labels: tuple[str, ...] = ()
    remove_labels: tuple[str, ...] = ()
    comment: str | None = None
    body: Comment | None = None
    digest: str | None = None
    delete_extras: tuple[str, ...] = ()

    @property
    def changes_labels(self) -> bool:
        return bool(self.add_labels or self.remove_labels)


RESOLVED = "resolved"  # the digest recorded when the comment was kept as a resolved note


def plan_item(
    item: BacklogItem,
    desired_labels: frozenset[str],
    digest: str | None,
    body: Comment | None,
    *,
    comment: bool = True,
    on_resolve: str = "delete",
    resolved_body: Comment | None = None,
) -> ItemPlan | None:
    """Compare what should be on the ticket with what is there; None when nothing changes.

    `digest` summarises the findings (codes only, so a rewording never re-posts) and is None
    when the item has nothing to flag. Labels are diffed as sets: only managed labels move.
    Duplicate aligner comments the read saw (`flags.extra_comments`) are always deleted.
    """
    flags = item.flags
    if not comment:  # labels alone carry the state; a comment left from before goes
        digest = None
    add = tuple(sorted(desired_labels - flags.labels))
    remove = tuple(sorted(flags.labels - desired_labels))
    action: str | None = None
    new_body: Comment | None = None
    new_digest = digest
    if comment and digest is not None:
        if flags.comment_id is None:
            action, new_body = CREATE, body
        elif flags.digest != digest:
            action, new_body = UPDATE, body
    elif flags.comment_id is not None:
        if comment and on_resolve == "keep":
            new_digest = RESOLVED
            if flags.digest != RESOLVED:
                action, new_body = UPDATE, resolved_body
        else:
            action = DELETE
    state_changes = flags.digest != new_digest
    extras = tuple(c for c in flags.extra_comments if c != flags.comment_id)
    if not (add or remove or action or state_changes or extras):
        return None
    return ItemPlan(item, add, remove, action, new_body, new_digest, extras)


def repaired_duplicates(plans: Iterable[ItemPlan], ok: Container[str]) -> int:
    """Duplicate comments deleted by the plans whose item (by key) was written without error."""
    return sum(len(p.delete_extras) for p in plans if p.item.key in ok)
