"""The write plan: what to change on each ticket. A pure function of findings and flags."""

from __future__ import annotations

from dataclasses import dataclass

from .comment import Comment
from .items import BacklogItem

CREATE = "create"
UPDATE = "update"
DELETE = "delete"


@dataclass(frozen=True, slots=True)
class ItemPlan:
    """Operations for one ticket. `digest` is the state to record (None clears it).

    `comment` is one of create/update/delete or None; `body` is the comment to write.
    """

    item: BacklogItem
    add_labels: tuple[str, ...] = ()
    remove_labels: tuple[str, ...] = ()
    comment: str | None = None
    body: Comment | None = None
    digest: str | None = None

    @property
    def changes_labels(self) -> bool:
        return bool(self.add_labels or self.remove_labels)
