"""The tracker-neutral backlog item: what every adapter yields and every rule reads."""

from __future__ import annotations

from dataclasses import dataclass, field

ISSUE = "issue"
PROJECT = "project"  # a Linear project: an ancestor, never evaluated itself
INITIATIVE = "initiative"  # a Linear initiative: an ancestor, never evaluated itself


@dataclass(frozen=True, slots=True)
class TicketFlags:
    """What an earlier aligner run left on a ticket, as the adapter read it in the same page.

    `labels` are the managed labels present (prefix included, waive label excluded);
    `comment_id` is aligner's own comment; `digest` the state recorded with the last write.
    """

    labels: frozenset[str] = frozenset()
    comment_id: str | None = None
    digest: str | None = None


NO_FLAGS = TicketFlags()


@dataclass(frozen=True, slots=True)
class BacklogItem:
    """One node of a tracker's work graph: an issue, or a Linear project or initiative.

    `key` is the human key (`CHK-12`, `ENG-42`) for issues and `project:<id>` /
    `initiative:<id>` for Linear containers, so `<tracker>:<key>` is always a link string.
    `parents` are keys of direct ancestors (parent, epic, parent link, Linear project).
    """

    key: str
    source: str
    tracker: str
    title: str = ""
    kind: str = ISSUE
    open: bool = True
    url: str | None = None
    id: str | None = None
    parents: tuple[str, ...] = ()
    refs: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()
    components: tuple[str, ...] = ()
    project: str | None = None
    team_id: str | None = None
    linear_team: str | None = None
    objective_ref: str | None = None
    updated: str | None = None
    flags: TicketFlags = field(default=NO_FLAGS)
    in_scope: bool = True  # False for ancestors fetched from outside the configured scope

    @property
    def evaluated(self) -> bool:
        """Only open issues in scope are checked; done items, containers and out-of-scope
        ancestors (an epic in another project) still serve as ancestors."""
        return self.open and self.kind == ISSUE and self.in_scope

    def link_names(self) -> tuple[str, ...]:
        """Every link string that names this node, case-folded (`jira:chk-12`, ...)."""
        own = f"{self.tracker}:{self.key}".casefold()
        return (own, *(ref.casefold() for ref in self.refs))
