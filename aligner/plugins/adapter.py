"""What an adapter is: it turns a tracker into BacklogItems and, if writable, applies plans.

Adapters are found through the `aligner.adapters` entry-point group; each entry point names a
class built as `cls(settings, context)`. The core never imports an adapter module.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from pydantic import BaseModel, ConfigDict, Field

from aligner.comment.document import Comment
from aligner.engine.items import BacklogItem
from aligner.plugins.discovery import Discovery
from aligner.sync.plan import ItemPlan


@dataclass(frozen=True)
class AdapterContext:
    """What an adapter may know beyond its own settings."""

    base_dir: Path  # relative paths in settings are relative to the model file
    env: Mapping[str, str]  # where secrets are read from (os.environ in production)
    label_prefix: str = "aligner:"  # managed labels: the only labels an adapter may touch
    waive_label: str = "aligner:waive"
    options: dict[str, Any] = field(default_factory=dict)  # e.g. {"sleep": fake_sleep} in tests


@dataclass(frozen=True, slots=True)
class WriteResult:
    """The outcome of applying one item's plan."""

    key: str
    requests: int  # write requests actually sent for this item
    error: str | None = None
    repaired: int = 0  # duplicate aligner comments deleted on this ticket
    refused: bool = False  # the tracker refused for good (not a throttle or an outage)

    @property
    def ok(self) -> bool:
        return self.error is None


@runtime_checkable
class Adapter(Protocol):
    """What every tracker adapter implements: reading. Writing is `WritableAdapter`.

    `open_adapters` refuses a plugin object that lacks any of these members.
    """

    name: str
    incremental: bool  # False: `since` is ignored and every run reads everything (snapshots)

    def fetch(self, since: datetime | None = None) -> Iterator[BacklogItem]:
        """Stream the items in scope (open and done), containers included.

        With `since`, only items updated at or after it (the adapter adds its own overlap).
        """
        ...

    def fetch_missing(self, keys: Iterable[str]) -> Iterator[BacklogItem]:
        """Fetch ancestors the stream referred to but did not contain, in batches.

        Keys that do not exist are simply not yielded (the trace reports them as broken).
        """
        ...

    @property
    def request_count(self) -> int:
        """HTTP requests made so far (0 for offline adapters)."""
        ...

    @property
    def skipped(self) -> int:
        """Items dropped so far because their payload could not be read (each one logged)."""
        ...


@runtime_checkable
class WritableAdapter(Adapter, Protocol):
    """An adapter that can also write flags back: `isinstance(adapter, WritableAdapter)`.

    A read-only adapter (exported snapshots) simply has no `apply`; the planner plans nothing
    for its items.
    """

    def apply(self, plans: Sequence[ItemPlan], recover: bool = False) -> Iterator[WriteResult]:
        """Apply write plans, one result per plan, in order; one failure never stops the rest.

        `recover` is set after an interrupted run: look for an existing aligner comment
        before creating one, since the interrupted run may have created it.
        """
        ...


@runtime_checkable
class Refetcher(Protocol):
    """Optional for adapters: re-read given items *within the configured scope*.

    Used by `aligner serve` (a webhook names an item) and by the backlog mirror. Only the
    items the scope still selects are yielded (in scope, open or done, flags included); an
    absent key is out of scope or deleted. Jira: `(<jql>) AND key in (...)`; Linear: issues
    by identifier, filtered to the configured teams.
    """

    def refetch(self, keys: Iterable[str]) -> Iterator[BacklogItem]:
        ...


@runtime_checkable
class ScopeExits(Protocol):
    """Optional for writable adapters: the tickets that carry managed labels but that the
    scope no longer evaluates (closed, canceled, moved out of the JQL or teams).

    `labels` are the managed labels seen so far (prefix included). Yielded items carry their
    flags, `in_scope` as the scope sees them and `open` as the tracker says, so the planner
    cleans them: an item aligner does not evaluate should carry no aligner flag. One query
    (a few pages) per run.
    """

    def scope_exits(self, labels: Collection[str]) -> Iterator[BacklogItem]:
        ...


@runtime_checkable
class Reconciler(Protocol):
    """Optional for incremental adapters: every key the scope selects now, cheaply (ids only:
    Jira pages of up to 5,000 ids, Linear lean id pages). What the mirror holds in scope
    and this does not list was deleted or left the scope silently."""

    def scope_keys(self) -> Iterator[str]:
        ...


@runtime_checkable
class Counted(Protocol):
    """Optional: how many items the current `fetch` will yield, once the tracker said so
    (Jira Data Center's search tells `total`); None until then. Progress shows it."""

    expected: int | None


@runtime_checkable
class WriteCosts(Protocol):
    """Optional for writable adapters: what a plan costs on this tracker, for the write budget
    (`--max-writes`) and the dry run's "Write budget needed". Without it the budget counts the
    neutral upper bound (`aligner.sync.budget.write_cost`), which a tracker that combines
    writes (Jira Cloud creates the comment inside the issue edit) overestimates."""

    def write_cost(self, plan: ItemPlan) -> int:
        """Write requests this adapter sends for the plan, at most (reads not counted)."""
        ...


@runtime_checkable
class Previewer(Protocol):
    """Optional: show a comment exactly as this adapter would post it (what the PM reads), for
    `sync --dry-run --show-comments`; without it the preview is the neutral Markdown."""

    def preview(self, comment: Comment) -> str:
        ...


@runtime_checkable
class Discoverer(Protocol):
    """Optional for adapters: list what `aligner init --from NAME` drafts a starter model from.

    Jira: projects, their components and open epics; Linear: teams, projects and initiatives
    (see `aligner.plugins.discovery.Discovery`). Read-only and cheap (a few requests, no issue
    pages);
    it must not depend on the scope settings (`jql`, `teams`): `init` passes placeholders.
    """

    def discover(self) -> Discovery:
        ...


class TrackerSettings(BaseModel):
    """Keys every `trackers.<name>` section accepts; adapters subclass it with their own.

    Each adapter class has a `Settings` attribute naming its subclass; the model loader
    validates the section against it, so unknown keys get "did you mean" like the rest.
    """

    model_config = ConfigDict(extra="forbid")

    objective_label_prefix: str = "okr:"  # a label okr:<objective id> names an objective
    objective_field: str | None = None  # a field whose value is an objective id
    # hours between two id listings of the scope, which find deletions and silent scope
    # exits for the backlog mirror (0: every run; `sync --full` reads everything anyway)
    reconcile_hours: float = Field(default=24.0, ge=0)
