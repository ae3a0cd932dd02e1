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
    `comment_id` is aligner's own comment; `digest` the state recorded with the last write;
    `extra_comments` are further aligner comments the read saw on the ticket (two runs with
    separate state at once can each post one): the next write deletes them.
    """

    labels: frozenset[str] = frozenset()
    comment_id: str | None = None
    digest: str | None = None
    extra_comments: tuple[str, ...] = ()


NO_FLAGS = TicketFlags()


@dataclass(frozen=True, slots=True)
class HolderRef:
    """A handle that can decide whose backlog the item is in, as the tracker names it.

    `key` matches a team's `Claim` (built by the same tracker package from `owns.<tracker>`);
    `label` is how people read it: `project CHK`, `Team field 3a1…`.
    """

    key: str
    label: str


@dataclass(frozen=True, slots=True)
class AreaRef:
    """A tracker-specific area the item touches (a component), matched by any of `keys`."""

    kind: str  # what people call it: "component"
    name: str  # as written on the item
    keys: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class BacklogItem:
    """One node of a tracker's work graph: an issue, or a Linear project or initiative.

    `key` is the human key (`CHK-12`, `ENG-42`) for issues and `project:<id>` /
    `initiative:<id>` for Linear containers, so `<tracker>:<key>` is always a link string.
    `parents` are keys of direct ancestors (parent, epic, parent link, Linear project).
    `holders` are the handles that may decide its holder, most specific first (a Team field
    before a project); `areas` the tracker-specific areas it touches. Labels are areas too,
    matched against `owns.labels` by the core. `type` is the tracker's issue type (`Bug`,
    `Story`; None where the tracker has none) and `estimate` its size (story points, a Linear
    estimate; None when unestimated): allocation buckets select and weigh work by them.
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
    holders: tuple[HolderRef, ...] = ()
    areas: tuple[AreaRef, ...] = ()
    objective_ref: str | None = None
    updated: str | None = None
    flags: TicketFlags = field(default=NO_FLAGS)
    in_scope: bool = True  # False for ancestors fetched from outside the configured scope
    type: str | None = None
    estimate: float | None = None

    @property
    def evaluated(self) -> bool:
        """Only open issues in scope are checked; done items, containers and out-of-scope
        ancestors (an epic in another project) still serve as ancestors."""
        return self.open and self.kind == ISSUE and self.in_scope

    def link_names(self) -> tuple[str, ...]:
        """Every link string that names this node, case-folded (`jira:chk-12`, ...)."""
        own = f"{self.tracker}:{self.key}".casefold()
        return (own, *(ref.casefold() for ref in self.refs))
