"""Read: fetch from the configured trackers into one graph of items, ancestors included."""

from __future__ import annotations

import logging
import os
import time
from collections import ChainMap
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from aligner.engine.items import BacklogItem
from aligner.errors import ConfigError, did_you_mean
from aligner.logs import register_env_secrets
from aligner.model.load import LoadedConfig
from aligner.plugins.adapter import Adapter, AdapterContext, Counted
from aligner.plugins.registry import open_adapter
from aligner.progress import ProgressCallback

log = logging.getLogger(__name__)
PROGRESS_EVERY = 100  # items between progress callbacks


@dataclass
class Snapshot:
    """Everything fetched in one run: the graph, and how many items each source gave.

    `skipped` counts, per source, the items dropped because their payload could not be read.
    """

    graph: dict[str, BacklogItem] = field(default_factory=dict)
    fetched: dict[str, int] = field(default_factory=dict)
    adapters: dict[str, Adapter] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)

    @property
    def total_fetched(self) -> int:
        return sum(self.fetched.values())


def open_adapters(config: LoadedConfig, sources: Iterable[str] = (),
                  env: Mapping[str, str] | None = None,
                  options: Mapping[str, Any] | None = None) -> dict[str, Adapter]:
    """Build the adapters for the selected sources (all configured ones by default).

    A plugin whose object does not implement `Adapter` is a configuration error.
    """
    configured = list(config.trackers)
    wanted = list(sources) or configured
    for name in wanted:
        if name not in configured:
            raise ConfigError(f"--source {name}: not configured under `trackers:` in "
                              f"{config.file.name}{did_you_mean(name, configured)}")
    if not wanted:
        raise ConfigError(f"{config.file.name}: no trackers configured (add `trackers:`)")
    writeback = config.model.writeback
    register_env_secrets(config.model.trackers, os.environ if env is None else env)
    context = AdapterContext(base_dir=config.base_dir, env=os.environ if env is None else env,
                             label_prefix=writeback.label_prefix,
                             waive_label=writeback.waive_label, options=dict(options or {}))
    return {name: _checked(name, open_adapter(name, config.trackers[name], context))
            for name in wanted}


def _checked(name: str, adapter: object) -> Adapter:
    """The adapter, if it has every member of `Adapter` (a plugin is third-party code)."""
    if not isinstance(adapter, Adapter):
        missing = [m for m in ("name", "incremental", "fetch", "fetch_missing",
                               "request_count", "skipped") if not hasattr(adapter, m)]
        raise ConfigError(f"the adapter of tracker {name!r} does not implement aligner's "
                          f"Adapter interface (missing: {', '.join(missing)})")
    return adapter


def read(adapters: Mapping[str, Adapter],
            since: Mapping[str, datetime | None] | None = None,
            progress: ProgressCallback | None = None,
            known: dict[str, BacklogItem] | None = None) -> Snapshot:
    """Stream every adapter into one graph, then fetch the ancestors it is missing, once.

    `known` are items the run already has (the backlog mirror): their keys are not fetched
    again as ancestors. `progress(source, fetched_so_far, done)` is told every
    PROGRESS_EVERY items (see `aligner.progress`).
    """
    snapshot = Snapshot(adapters=dict(adapters))
    for name, adapter in adapters.items():
        count, started = 0, time.monotonic()
        for item in adapter.fetch((since or {}).get(name)):
            snapshot.graph[item.key] = item
            count += item.kind == "issue"
            if progress is not None and count % PROGRESS_EVERY == 0 and item.kind == "issue":
                progress(name, count, False, adapter.expected
                         if isinstance(adapter, Counted) else None)
        if progress is not None:
            progress(name, count, True)
        snapshot.fetched[name] = count
        log.info("%s: fetched %d items in %.2f s (%d requests so far)", name, count,
                 time.monotonic() - started, adapter.request_count)
    for name, adapter in adapters.items():
        asked: set[str] = set()
        every = ChainMap(snapshot.graph, known or {})  # mirror items need parents too
        missing = _missing_parents(every, name)
        while missing:  # ancestors of ancestors too (an initiative above a foreign epic)
            asked |= missing
            found = [replace(item, in_scope=False)
                     for item in adapter.fetch_missing(sorted(missing))]
            for item in found:
                snapshot.graph.setdefault(item.key, item)
            missing = _missing_parents({i.key: i for i in found}, name) - asked
            missing -= every.keys()
        snapshot.skipped[name] = adapter.skipped
        if adapter.skipped:
            log.warning("%s: %d item(s) skipped: their payload could not be read (see the "
                        "warnings above)", name, adapter.skipped)
    return snapshot


def _missing_parents(items: Mapping[str, BacklogItem], source: str) -> set[str]:
    return {
        parent
        for item in items.values() if item.source == source
        for parent in item.parents if parent not in items
    }
