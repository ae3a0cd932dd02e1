"""A run over the backlog mirror: where each source's read starts, what the run's graph is,
and what the mirror keeps afterwards (DESIGN §6 "The whole backlog, every run").

The run's graph is the mirror of the sources read incrementally, updated with what the run
read: the changes since the cursor, items re-read by key, ancestors, and the flagged tickets
outside the scope. Evaluation and planning run over that whole graph, so a changed container
re-flags its descendants with no extra read, and the report speaks for the whole backlog.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Protocol, runtime_checkable

from aligner import __version__
from aligner.engine.items import ISSUE, NO_FLAGS, BacklogItem, TicketFlags
from aligner.mirror.backlog import BacklogMirror
from aligner.mirror.store import StateStore
from aligner.model.load import LoadedConfig
from aligner.plugins.adapter import Adapter, Reconciler, Refetcher, ScopeExits, WriteResult
from aligner.plugins.registry import rule_classes
from aligner.progress import ProgressCallback
from aligner.sync.apply import writable_sources
from aligner.sync.known import Known, record_reads
from aligner.sync.plan import CREATE, DELETE, ItemPlan
from aligner.sync.read import Snapshot, read

log = logging.getLogger(__name__)
UNKNOWN_COMMENT = "?"  # aligner's comment exists, its id was not reported: re-read the item
DEFAULT_RECONCILE_HOURS = 24.0


def read_fingerprint(config: LoadedConfig, source: str) -> str:
    """What a source's mirror and cursor were read under: aligner's version, the source's
    settings and the managed labels. A change to the model (objectives, teams, rules, the
    date) needs no re-read: every run evaluates the whole mirror again."""
    settings = config.trackers[source]
    dumped = settings.model_dump_json() if hasattr(settings, "model_dump_json") else repr(settings)
    writeback = config.model.writeback
    text = json.dumps([__version__, source, dumped, writeback.label_prefix,
                       writeback.waive_label])
    return hashlib.sha256(text.encode()).hexdigest()


@runtime_checkable
class OutsideChanges(Protocol):
    """Optional adapter capability: keys changed since `since` outside what the scope
    evaluates (done, or outside the query), ids only. Ancestors the mirror holds from outside
    the scope (an epic in another project, a done epic) are re-read when among them, so a
    container edited outside the scope re-flags its descendants at the next plain run."""

    def changed_outside(self, since: datetime) -> Iterator[str]: ...


@runtime_checkable
class OpenOnlyReads(Protocol):
    """Optional: the adapter's full read asks for open items only (Jira's `statusCategory`
    clause, Linear's state-type filter), so done items absent from it are not gone."""

    full_reads_open_only: bool


def reconcile_hours(config: LoadedConfig) -> dict[str, float]:
    """Each source's `reconcile_hours` (how often its ids are listed against the mirror)."""
    return {name: float(settings.reconcile_hours) for name, settings in config.trackers.items()}


@dataclass
class Start:
    """Where a run starts: the mirror items it keeps, each source's cursor, what to list."""

    base: dict[str, BacklogItem]
    since: dict[str, datetime | None]
    reconcile: frozenset[str]  # incremental sources whose keys are listed this run
    known: dict[str, BacklogItem]  # the mirror as it was, to store only what changed


def start(known: Known, adapters: Mapping[str, Adapter], full: bool, now: datetime,
          hours: Mapping[str, float]) -> Start:
    """Each source reads from its cursor when the mirror holds it, else in full; a source
    whose last id listing is older than its `reconcile_hours` is listed again."""
    since: dict[str, datetime | None] = {}
    reconcile: set[str] = set()
    for name, adapter in adapters.items():
        cursor = known.cursors.get(name)
        held = any(item.source == name for item in known.graph.values())
        since[name] = None if full or not adapter.incremental or not held else cursor
        last = known.reconciled.get(name)
        due = last is None or now - last >= timedelta(hours=hours.get(
            name, DEFAULT_RECONCILE_HOURS))
        if since[name] is not None and due and isinstance(adapter, Reconciler):
            reconcile.add(name)
    base = {key: item for key, item in known.graph.items()
            if item.source in since and since[item.source] is not None}
    return Start(base, since, frozenset(reconcile), known.graph)


def refresh(start: Start, adapters: Mapping[str, Adapter]) -> None:
    """Before the read: list the ids of the sources due for it (dropping what left the scope
    or no longer exists, and their out-of-scope ancestors, which the read fetches fresh), and
    re-read by key what entered the scope unseen."""
    for name, adapter in adapters.items():
        if start.since.get(name) is None:
            continue
        again: set[str] = set()
        if name in start.reconcile and isinstance(adapter, Reconciler):
            listed = set(adapter.scope_keys())
            mine = {k: i for k, i in start.base.items() if i.source == name}
            gone = [k for k, i in mine.items() if not i.in_scope or k not in listed]
            for key in gone:
                del start.base[key]
            again |= listed - mine.keys()
            log.info("%s: %d item(s) listed in scope; %d left the mirror", name, len(listed),
                     len(gone))
        _refetch(start.base, adapter, again)
        _outside(start, name, adapter)


def _outside(start: Start, name: str, adapter: Adapter) -> None:
    """Forget the held out-of-scope items that changed since the cursor: the read fetches
    them again as the ancestors they are (one id query, only when the mirror holds any)."""
    since = start.since.get(name)
    held = {k for k, i in start.base.items() if i.source == name and not i.in_scope}
    if since is None or not held or not isinstance(adapter, OutsideChanges):
        return
    changed = held.intersection(adapter.changed_outside(since))
    for key in changed:
        del start.base[key]
    if changed:
        log.info("%s: %d ancestor(s) outside the scope changed: reading them again", name,
                 len(changed))


def unvouched(start: Start, read: Mapping[str, BacklogItem],
              adapters: Mapping[str, Adapter]) -> None:
    """After the read: re-read by key the items whose aligner comment an earlier run wrote
    without learning its id, unless the read just returned them (it usually does: a write
    moves a ticket's `updated`)."""
    for name, adapter in adapters.items():
        again = {k for k, i in start.base.items() if i.source == name and k not in read
                 and i.flags.comment_id == UNKNOWN_COMMENT}
        _refetch(start.base, adapter, again)


def _refetch(base: dict[str, BacklogItem], adapter: Adapter, keys: set[str]) -> None:
    """Replace `keys` in `base` by what the adapter reads now (absent: left the scope)."""
    if keys and isinstance(adapter, Refetcher):
        found = {i.key: i for i in adapter.refetch(sorted(keys))}
        for key in keys:
            base.pop(key, None)
        base.update(found)


@dataclass
class Gathered:
    """One run's reads over the mirror: what it evaluates and what the mirror keeps."""

    snapshot: Snapshot  # what the trackers returned this run
    graph: dict[str, BacklogItem]  # the mirror updated with the reads, scope exits included
    kept: dict[str, BacklogItem]  # what the mirror keeps (see `settle`)

    def changed(self, known: Mapping[str, BacklogItem]) -> set[str]:
        """Keys whose item differs from `known` (the mirror as it was), or that left it."""
        moved = {key for key, item in self.graph.items() if known.get(key) != item}
        return moved | (known.keys() - self.graph.keys())


def gather(config: LoadedConfig, adapters: Mapping[str, Adapter], begin: Start,
           progress: ProgressCallback | None = None, *, cleanup: bool = True) -> Gathered:
    """Read what each source needs from where `begin` says, into the run's graph: the one
    read path of `sync`, `check` with a state store, and `serve` (only trackers are asked).

    `cleanup` also asks for the flagged tickets outside the scope (`check`, which cleans
    nothing, does not)."""
    refresh(begin, adapters)
    snapshot = read(adapters, begin.since, progress=progress, known=begin.base)
    unvouched(begin, snapshot.graph, adapters)
    prefix = config.model.writeback.label_prefix
    writable = sorted(writable_sources(adapters)) if cleanup else []
    exits = scope_exits(adapters, writable,
                        managed_labels(prefix, {**begin.base, **snapshot.graph}))
    graph = merge(begin.base, snapshot.graph, exits)
    return Gathered(snapshot, graph, settle(graph, open_only(adapters)))


def managed_labels(prefix: str, graph: Mapping[str, BacklogItem]) -> list[str]:
    """Every label aligner may have left: one per installed rule, and any seen on a ticket."""
    names = {f"{prefix}{rule.name}" for rule in rule_classes().values()}
    names.update(label for item in graph.values() for label in item.flags.labels)
    return sorted(names)


def scope_exits(adapters: Mapping[str, Adapter], writable: Iterable[str],
                labels: list[str]) -> dict[str, BacklogItem]:
    """Flagged tickets the scope no longer evaluates, from the writable sources that can say."""
    found: dict[str, BacklogItem] = {}
    for name in writable:
        adapter = adapters[name]
        if isinstance(adapter, ScopeExits):
            found.update((i.key, replace(i, in_scope=False)) for i in adapter.scope_exits(labels))
    return found


def merge(base: Mapping[str, BacklogItem], read: Mapping[str, BacklogItem],
          exits: Mapping[str, BacklogItem]) -> dict[str, BacklogItem]:
    """The run's graph: the mirror, updated with this run's reads; a scope exit wins over a
    stale copy (it says the ticket is closed or out of scope now)."""
    graph = {**base, **read}
    for key, item in exits.items():
        current = graph.get(key)
        if current is None or current.evaluated:
            graph[key] = item
    return graph


def open_only(adapters: Mapping[str, Adapter]) -> frozenset[str]:
    """Sources whose full read asks for open items only (`full_reads_open_only = True` on
    the adapter, e.g. Linear's state-type filter); others read done items in scope too."""
    return frozenset(name for name, adapter in adapters.items()
                     if isinstance(adapter, OpenOnlyReads) and adapter.full_reads_open_only)


def settle(graph: Mapping[str, BacklogItem],
           open_only: Collection[str] = ()) -> dict[str, BacklogItem]:
    """What the mirror keeps: what a full read would hold, the items in scope (only the open
    issues for `open_only` sources) and their ancestors.

    A closed issue of an `open_only` source stays only as an ancestor, as a full read would
    fetch it; what nothing refers to any more is dropped.
    """
    kept = {k: i for k, i in graph.items() if i.in_scope and (
        i.open or i.kind != ISSUE or i.source not in open_only)}
    todo = [p for i in kept.values() for p in i.parents]
    while todo:
        key = todo.pop()
        if key in kept or key not in graph:
            continue
        kept[key] = replace(graph[key], in_scope=False)
        todo.extend(graph[key].parents)
    return kept


def fetched(graph: Mapping[str, BacklogItem], since: Mapping[str, datetime | None],
            read_counts: Mapping[str, int]) -> int:
    """Items fetched, as a full read would count them: the read's count for a source read in
    full, else the issues in scope the mirror holds for it."""
    total = 0
    for name, cursor in since.items():
        if cursor is None:
            total += read_counts.get(name, 0)
        else:
            total += sum(1 for i in graph.values()
                         if i.source == name and i.in_scope and i.kind == ISSUE)
    return total


def written_flags(plans: Iterable[ItemPlan],
                  results: Iterable[WriteResult]) -> dict[str, dict[str, TicketFlags]]:
    """Per source, the flags each successful write left on its ticket (by key)."""
    ok = {r.key for r in results if r.ok}
    flags: dict[str, dict[str, TicketFlags]] = {}
    for plan in plans:
        if plan.item.key not in ok:
            continue
        old = plan.item.flags or NO_FLAGS
        comment = old.comment_id
        if plan.comment == DELETE:
            comment = None
        elif plan.comment == CREATE:
            comment = UNKNOWN_COMMENT
        labels = (old.labels - set(plan.remove_labels)) | set(plan.add_labels)
        flags.setdefault(plan.item.source, {})[plan.item.key] = TicketFlags(
            frozenset(labels), comment, plan.digest)
    return flags


def save_reads(state: StateStore, mirror: BacklogMirror, known: Known, begin: Start,
               snapshot: Snapshot, kept: Mapping[str, BacklogItem], marks: Mapping[str, str],
               adapters: Mapping[str, Adapter], started: datetime) -> None:
    """Store a run's reads in the mirror and move each incremental source's cursor on."""
    cursors = {name: next_cursor(snapshot, name, known.cursors.get(name), started)
               for name in adapters if adapters[name].incremental}
    record_reads(state, mirror, begin.known, kept, cursors, marks,
                 [n for n, c in begin.since.items() if c is None], begin.reconcile, started)


def next_cursor(snapshot: Snapshot, source: str, previous: datetime | None,
                started: datetime) -> datetime:
    """The newest `updated` the tracker reported (its clock, not ours), capped at run start.

    Taking the tracker's own timestamps keeps a skewed local clock from skipping changes.
    """
    newest = None
    for item in snapshot.graph.values():
        if item.source == source and item.updated:
            try:
                stamp = datetime.fromisoformat(item.updated)
            except ValueError:
                continue
            stamp = stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)
            newest = stamp if newest is None or stamp > newest else newest
    if newest is None:
        return previous or started
    return min(newest, started)
