"""Reading for the live mode: catch the mirror up with the trackers, re-read items by key.

`catch_up` is exactly the read of `aligner sync` (aligner.sync.mirrored.gather): the same
per-source fingerprint and cursors, the id reconcile when due, and the scope-exit query, so
`aligner serve` and `aligner sync` can take turns on one state store without a full re-read.
`reread` re-reads named items within the configured scope through the adapter's optional
`refetch` (an adapter without it is caught up instead). Ancestors the mirror lacks are fetched
once, as sync does.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime

from aligner.engine.items import NO_FLAGS, BacklogItem
from aligner.mirror.backlog import BacklogMirror
from aligner.mirror.store import StateStore
from aligner.model.load import LoadedConfig
from aligner.plugins.adapter import Adapter, Refetcher
from aligner.sync.gcpause import gc_paused
from aligner.sync.known import load_known
from aligner.sync.mirrored import gather, read_fingerprint, reconcile_hours, save_reads, start

log = logging.getLogger(__name__)


@dataclass
class CaughtUp:
    """What `catch_up` read: the sources' whole graph (scope exits included) and the keys
    whose item changed or left since the mirror was last written."""

    graph: dict[str, BacklogItem]
    changed: dict[str, set[str]]


class Reader:
    """The worker's reads, against one state store (cursors) and the adapters."""

    def __init__(self, config: LoadedConfig, adapters: Mapping[str, Adapter],
                 store: StateStore, today: Callable[[], date] = date.today) -> None:
        self.config = config
        self.adapters = dict(adapters)
        self.store = store
        self.today = today
        self.reads: dict[str, str] = {}  # how each source was last caught up: full/incremental

    def catch_up(self, mirror: BacklogMirror, sources: Iterable[str] | None = None) -> CaughtUp:
        """Read what changed since each source's cursor into the mirror, as `sync` does.

        A source never read, or read under other settings, is read in full. The graph holds
        the flagged tickets found outside the scope too (not kept by the mirror), so the
        caller cleans them.
        """
        adapters = {name: self.adapters[name] for name in (sources or self.adapters)}
        marks = {name: read_fingerprint(self.config, name) for name in adapters}
        started = datetime.now(UTC)
        _, known = load_known(self.store, marks)
        begin = start(known, adapters, False, started, reconcile_hours(self.config))
        with gc_paused():  # the graph has no cycles to find: see aligner/sync/gcpause.py
            gathered = gather(self.config, adapters, begin)
        save_reads(self.store, mirror, known, begin, gathered.snapshot, gathered.kept, marks,
                   adapters, started)
        changed: dict[str, set[str]] = {name: set() for name in adapters}
        for key in gathered.changed(known.graph):
            item = gathered.graph.get(key) or known.graph[key]
            changed.setdefault(item.source, set()).add(key)
        for name, cursor in begin.since.items():
            self.reads[name] = "incremental" if cursor else "full"
            log.info("serve: %s: %s read, %d item(s) changed", name,
                     "incremental" if cursor else "full", len(changed[name]))
        return CaughtUp(gathered.graph, changed)

    def reread(self, mirror: BacklogMirror, source: str,
               keys: list[str]) -> tuple[list[BacklogItem], set[str]]:
        """Re-read `keys` into the mirror (not committed): (items read, keys now gone).

        Items the scope no longer selects are read again as ancestors when the mirror held
        them as such (an epic outside the JQL, a Linear project); the rest are gone. A gone
        ticket that carried aligner's flags when last read or written is returned out of
        scope (and forgotten by the mirror), so the caller plans its cleanup.
        """
        adapter = self.adapters[source]
        if isinstance(adapter, Refetcher):
            found = list(adapter.refetch(keys))
            absent = set(keys) - {i.key for i in found}
        else:  # the sync path: what changed since the cursor, the hinted items among it
            caught = self.catch_up(mirror, [source])
            found = [caught.graph[k] for k in caught.changed[source] if k in caught.graph]
            fresh = {i.key for i in found if i.evaluated}
            # containers come from a per-run cache in some adapters: read those by key
            absent = {k for k in keys if k not in fresh}
        held = mirror.get(source, absent)
        ancestors = [k for k, item in held.items() if not item.in_scope or not item.evaluated]
        if ancestors:  # read again by key (containers, epics outside the scope)
            found += [replace(i, in_scope=False) for i in adapter.fetch_missing(ancestors)]
        found += self._ancestors(mirror, source, adapter, found)
        gone = set(keys) - {i.key for i in found} if isinstance(adapter, Refetcher) else set()
        left = [replace(item, in_scope=False) for item in mirror.get(source, gone).values()
                if item.flags != NO_FLAGS]
        mirror.remove(source, gone)
        mirror.upsert(found)
        return found + left, gone - {item.key for item in left}

    @staticmethod
    def _ancestors(mirror: BacklogMirror, source: str, adapter: Adapter,
                   items: list[BacklogItem]) -> list[BacklogItem]:
        """Parents neither the mirror nor `items` hold, fetched once (and theirs too)."""
        have = mirror.keys(source) | {i.key for i in items}
        missing = {p for i in items for p in i.parents} - have
        asked: set[str] = set()
        found: list[BacklogItem] = []
        while missing:
            asked |= missing
            batch = [replace(i, in_scope=False) for i in adapter.fetch_missing(sorted(missing))]
            found += batch
            have |= {i.key for i in batch}
            missing = {p for i in batch for p in i.parents} - have - asked
        return found

    @staticmethod
    def _merged(mirror: BacklogMirror, source: str,
                items: list[BacklogItem]) -> list[BacklogItem]:
        """An ancestor fetched by key keeps the in-scope mark the mirror holds for it."""
        outside = [i.key for i in items if not i.in_scope]
        held = mirror.get(source, outside) if outside else {}
        return [replace(i, in_scope=True) if not i.in_scope and i.key in held
                and held[i.key].in_scope else i for i in items]

