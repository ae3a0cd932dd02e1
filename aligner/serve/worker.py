"""The live worker: dirty items in, flags out — through the same planner and adapters as sync.

One worker applies writes serially. For each batch of due items it re-reads them from the
tracker (a webhook payload is only a hint), updates the backlog mirror, re-evaluates them and
every item below them (an epic or project change re-flags its children), plans, and applies
within the write budget. Plans compare desired flags with the flags on the ticket, so a
duplicate, late or self-caused delivery plans nothing: no loops.

Writes are applied with `recover=True`: adapters check for aligner's existing comment before
creating one, so a batch abandoned half-way (SIGTERM, crash) is finished by the next start
without duplicates.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from typing import Any

from aligner.comment.compose import resolved_comment
from aligner.engine.evaluate import Evaluator, ItemOutcome
from aligner.engine.evaluate import _outcome as outcome_of
from aligner.engine.items import ISSUE, NO_FLAGS, BacklogItem
from aligner.errors import AlignerError
from aligner.mirror.backlog import BacklogMirror
from aligner.model.load import LoadedConfig
from aligner.plugins.adapter import Adapter
from aligner.report.metrics import team_shares
from aligner.serve.metrics import ServeMetrics
from aligner.serve.queue import DirtyQueue
from aligner.serve.reading import Reader
from aligner.sync.apply import apply, writable_sources
from aligner.sync.budget import cost_for, within_budget
from aligner.sync.plan import ItemPlan
from aligner.sync.planner import plan_one

log = logging.getLogger(__name__)
APPLY_CHUNK = 10  # plans handed to the adapters at a time: a stop request waits at most this
RETRY_SECONDS = 60.0  # a failed or over-budget item is tried again after this


class LiveWorker:
    """Owns the mirror (and its SQLite connection): use it from one thread only."""

    def __init__(self, config: LoadedConfig, adapters: Mapping[str, Adapter],
                 mirror: BacklogMirror, reader: Reader, queue: DirtyQueue,
                 metrics: ServeMetrics, today: Callable[[], date] = date.today,
                 stop: threading.Event | None = None) -> None:
        self.config = config
        self.adapters = dict(adapters)
        self.mirror = mirror
        self.reader = reader
        self.queue = queue
        self.metrics = metrics
        self.today = today
        self.writable = writable_sources(adapters)
        self.graph: dict[str, BacklogItem] = {}  # the working copy of the mirror
        self.outcomes: dict[str, ItemOutcome] = {}  # evaluated items: team shares, status
        self.stop = stop or threading.Event()  # shutdown: abandon between chunks of writes
        self.last_plans = 0  # plans of the last batch (status page, tests)
        self.published: dict[str, Any] = {}  # live numbers, replaced whole (read by HTTP)
        self.snapshot: dict[str, BacklogItem] = {}  # the graph as of the last batch (HTTP)

    # the whole backlog -----------------------------------------------------------------

    def load(self) -> None:
        """Fill the working graph from the mirror (reading what changed), then evaluate and
        plan everything once: whatever an earlier, interrupted service left undone converges."""
        caught = self.reader.catch_up(self.mirror)
        self.graph = caught.graph
        log.info("serve: %d items in the mirror (%d changed since it was last written)",
                 len(self.graph), sum(map(len, caught.changed.values())))
        self._settle(self.graph)
        self.metrics.ready.set(1)

    def use(self, adapters: Mapping[str, Adapter]) -> None:
        """Fresh adapters (their per-run caches, such as containers, start empty)."""
        self.adapters = self.reader.adapters = dict(adapters)
        self.writable = writable_sources(adapters)

    def reconcile(self) -> None:
        """The periodic incremental sync: re-read what changed since the last one."""
        caught = self.reader.catch_up(self.mirror)
        self.graph = {k: v for k, v in self.graph.items() if v.source not in caught.changed}
        self.graph.update(caught.graph)
        keys = {k for keys in caught.changed.values() for k in keys}
        for key in keys - self.graph.keys():
            self.outcomes.pop(key, None)
        self._settle(keys | self.mirror.descendants(keys))
        self.metrics.reconciles.inc()
        self.queue.overflowed = False

    # events ------------------------------------------------------------------------------

    def drain(self) -> int:
        """Process every due item now, until nothing is due; returns the batches run.

        Deterministic: tests call it after posting deliveries (with a debounce of 0).
        """
        batches = 0
        while not self.stop.is_set():
            due = self.queue.take_due()
            self.metrics.queue_depth.set(len(self.queue))
            if not due:
                return batches
            self.process(due)
            batches += 1
        return batches

    def process(self, due: Mapping[tuple[str, str], float]) -> None:
        """One batch: re-read, update the mirror, re-evaluate with descendants, write."""
        by_source: dict[str, list[str]] = {}
        for source, key in due:
            by_source.setdefault(source, []).append(key)
        changed: set[str] = set()
        for source, keys in by_source.items():
            changed |= self._refresh(source, keys)
        self._settle(changed | self.mirror.descendants(changed))
        finished = time.monotonic()
        for first in due.values():
            self.metrics.latency.observe(max(0.0, finished - first))

    def _refresh(self, source: str, keys: list[str]) -> set[str]:
        """Re-read `keys` into the mirror and the working graph; the keys that changed."""
        if source not in self.adapters:
            return set()
        try:
            found, gone = self.reader.reread(self.mirror, source, keys)
        except AlignerError as error:
            self.metrics.tracker_errors.labels(tracker=source).inc()
            log.warning("serve: %s: re-reading %s failed (%s): trying again later", source,
                        ", ".join(keys[:5]), error)
            self.queue.mark(source, keys, delay=RETRY_SECONDS)
            return set()
        for key in gone:
            self.graph.pop(key, None)
            self.outcomes.pop(key, None)
        self.graph.update((item.key, item) for item in found)
        self.mirror.commit()
        return {item.key for item in found} | set(gone)

    # evaluate, plan, apply -----------------------------------------------------------------

    def _settle(self, keys: Iterable[str]) -> None:
        """Evaluate `keys` against the working graph, plan, and apply within the budget."""
        plans = self._plan(keys)
        self.last_plans = len(plans)
        budget = self.config.model.writeback.max_writes
        now, pending = within_budget(plans, budget, cost_for(self.adapters))
        for plan in pending:  # the budget is per batch: the rest wait for the next one
            self.queue.mark(plan.item.source, [plan.item.key], delay=RETRY_SECONDS)
        self._apply(now)
        self._publish()

    def _plan(self, keys: Iterable[str]) -> list[ItemPlan]:
        writeback = self.config.model.writeback
        day = self.today()
        evaluator = Evaluator(self.config, self.graph, day)
        resolved = resolved_comment(day)
        plans: list[ItemPlan] = []
        for key in sorted(set(keys)):
            item = self.graph.get(key)
            if item is None:
                continue
            result = None
            if item.evaluated:
                result = evaluator.item(item)
                self.metrics.evaluations.inc()
                self.outcomes[key] = outcome_of(result.trace)
                if not writeback.writes_for(result.trace.holder):
                    continue
            elif item.kind != ISSUE or item.flags == NO_FLAGS:
                self.outcomes.pop(key, None)
                continue  # done items and containers keep no flags; nothing to clean here
            if item.source in self.writable:
                flagged = result if result is not None and result.ticket_findings else None
                found = plan_one(writeback, item, flagged, resolved)
                if found is not None:
                    plans.append(found)
        return plans

    def _apply(self, plans: list[ItemPlan]) -> None:
        """Apply in small chunks (a stop request is honoured between them), then read the
        written tickets back so the mirror holds the flags they now carry."""
        for start in range(0, len(plans), APPLY_CHUNK):
            if self.stop.is_set():
                log.info("serve: stopping: %d planned item(s) left for the next start",
                         len(plans) - start)
                return
            chunk = plans[start:start + APPLY_CHUNK]
            results = apply(self.adapters, chunk, recover=True)
            # `apply` answers source by source, in the adapters' order, not in the chunk's
            ordered = [p for name in self.adapters for p in chunk if p.item.source == name]
            written: dict[str, list[str]] = {}
            for plan, result in zip(ordered, results, strict=True):
                source = plan.item.source
                self.metrics.writes.labels(tracker=source).inc(result.requests)
                if not result.ok:
                    self.metrics.write_failures.labels(tracker=source).inc()
                    log.warning("serve: %s: writing %s failed: %s", source, result.key,
                                result.error)
                    self.queue.mark(source, [result.key], delay=RETRY_SECONDS)
                written.setdefault(source, []).append(result.key)
            for source, keys in written.items():
                self._read_back(source, keys)

    def _read_back(self, source: str, keys: list[str]) -> None:
        try:
            found, gone = self.reader.reread(self.mirror, source, keys)
        except AlignerError:
            self.metrics.tracker_errors.labels(tracker=source).inc()
            self.queue.mark(source, keys, delay=RETRY_SECONDS)  # re-read (and check) later
            return
        self.graph.update((item.key, item) for item in found)
        for key in gone:
            self.graph.pop(key, None)
        self.mirror.commit()

    def _publish(self) -> None:
        """Replace the numbers the HTTP thread reads (one reference swap, no shared dicts)."""
        shares = team_shares(self.outcomes.values())
        self.metrics.set_shares({t: s.ratio for t, s in shares.items()})
        self.metrics.mirror_items.set(len(self.graph))
        self.snapshot = dict(self.graph)
        self.published = {
            "items": len(self.graph), "evaluated": len(self.outcomes),
            "aligned": sum(o.aligned for o in self.outcomes.values()),
            "teams": {t: (s.aligned, s.items) for t, s in sorted(shares.items())},
            "plans": self.last_plans, "as_of": self.today().isoformat()}
