"""Reading for the live mode: catch the mirror up with the trackers, re-read items by key.

`catch_up` is the incremental sync's read (since each source's cursor, in full when there is
none or the tracker settings changed); `reread` re-reads named items within the configured
scope through the adapter's optional `refetch` (an adapter without it is caught up instead).
Ancestors the mirror lacks are fetched once, as sync does.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from datetime import UTC, date, datetime

from aligner.engine.items import BacklogItem
from aligner.mirror.backlog import BacklogMirror
from aligner.mirror.store import StateStore
from aligner.model.load import LoadedConfig
from aligner.plugins.adapter import Adapter, Refetcher
from aligner.sync.read import Snapshot
from aligner.sync.run import fingerprint, next_cursor

log = logging.getLogger(__name__)


def source_fingerprint(config: LoadedConfig, source: str) -> str:
    """What a source's mirrored items were read under: its settings and managed labels."""
    writeback = config.model.writeback
    text = (f"{source}|{config.trackers[source].model_dump_json()}|"
            f"{writeback.label_prefix}|{writeback.waive_label}")
    return hashlib.sha256(text.encode()).hexdigest()


class Reader:
    """The worker's reads, against one state store (cursors) and the adapters."""

    def __init__(self, config: LoadedConfig, adapters: Mapping[str, Adapter],
                 store: StateStore, today: Callable[[], date] = date.today) -> None:
        self.config = config
        self.adapters = dict(adapters)
        self.store = store
        self.today = today

    def catch_up(self, mirror: BacklogMirror,
                 sources: Iterable[str] | None = None) -> dict[str, set[str]]:
        """Read what changed since each source's cursor into the mirror; keys by source.

        A source read in full replaces its mirrored items (deleted ones disappear).
        """
        changed: dict[str, set[str]] = {}
        mark = fingerprint(self.config, self.today())
        for name in list(sources or self.adapters):
            adapter = self.adapters[name]
            kept = mirror.adopt(name, source_fingerprint(self.config, name))
            cursor = self.store.cursor(name, mark)
            since = cursor if kept and adapter.incremental and mirror.count(name) else None
            started = datetime.now(UTC)
            items = list(adapter.fetch(since))
            if since is None:
                mirror.clear(name)
            items += self._ancestors(mirror, name, adapter, items)
            mirror.upsert(self._merged(mirror, name, items))
            mirror.commit()
            self.store.save_cursor(name, next_cursor(
                Snapshot(graph={i.key: i for i in items}), name, since, started), mark)
            changed[name] = {i.key for i in items}
            log.info("serve: %s: %s read, %d item(s)", name,
                     "incremental" if since else "full", len(items))
        return changed

    def reread(self, mirror: BacklogMirror, source: str,
               keys: list[str]) -> tuple[list[BacklogItem], set[str]]:
        """Re-read `keys` into the mirror (not committed): (items read, keys now gone).

        Items the scope no longer selects are read again as ancestors when the mirror held
        them as such (an epic outside the JQL, a Linear project); the rest are gone.
        """
        adapter = self.adapters[source]
        if isinstance(adapter, Refetcher):
            found = list(adapter.refetch(keys))
            absent = set(keys) - {i.key for i in found}
        else:  # the sync path: what changed since the cursor, the hinted items among it
            caught = self.catch_up(mirror, [source])[source]
            found = list(mirror.get(source, caught).values())
            fresh = {i.key for i in found if i.evaluated}
            # containers come from a per-run cache in some adapters: read those by key
            absent = {k for k in keys if k not in fresh}
        held = mirror.get(source, absent)
        ancestors = [k for k, item in held.items() if not item.in_scope or not item.evaluated]
        if ancestors:  # read again by key (containers, epics outside the scope)
            found += [replace(i, in_scope=False) for i in adapter.fetch_missing(ancestors)]
        found += self._ancestors(mirror, source, adapter, found)
        gone = set(keys) - {i.key for i in found} if isinstance(adapter, Refetcher) else set()
        mirror.remove(source, gone)
        mirror.upsert(found)
        return found, gone

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

