"""`aligner sync` as a library call: read → plan → apply, within a write budget.

Each step is a function of its own: `read` (aligner.sync.read), `plan` (aligner.sync.planner),
`apply` (aligner.sync.apply). `run_sync` composes them around the local state store; a dry
run stops after planning and never opens the store for writing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from aligner import __version__
from aligner.engine.evaluate import Evaluation, evaluate
from aligner.engine.items import BacklogItem
from aligner.mirror.refusals import Refusal, load_refusals, record_refusals, still_refused
from aligner.mirror.store import StateStore
from aligner.model.load import LoadedConfig, load_config
from aligner.plugins.adapter import Adapter, WriteResult
from aligner.progress import ProgressCallback
from aligner.report.summary import summary
from aligner.sync.apply import apply, writable_sources
from aligner.sync.budget import cost_for, within_budget
from aligner.sync.gcpause import gc_paused
from aligner.sync.known import load_known, peek_known, record_writes
from aligner.sync.mirrored import (
    Start,
    fetched,
    gather,
    read_fingerprint,
    reconcile_hours,
    save_reads,
    start,
    written_flags,
)
from aligner.sync.plan import ItemPlan
from aligner.sync.planner import plan
from aligner.sync.read import Snapshot, open_adapters

DEFAULT_STATE = Path(".aligner/state.db")
Cursors = Mapping[str, datetime | None]


@dataclass
class SyncOutcome:
    """What a sync did, for the report and the exit code."""

    config: LoadedConfig
    snapshot: Snapshot
    evaluation: Evaluation
    planned: list[ItemPlan]
    pending: list[ItemPlan]
    results: list[WriteResult] = field(default_factory=list)
    dry_run: bool = False
    incremental: dict[str, bool] = field(default_factory=dict)
    kept: dict[str, BacklogItem] = field(default_factory=dict)  # what the mirror keeps
    left_alone: list[ItemPlan] = field(default_factory=list)  # refused last time, unchanged

    @property
    def failed(self) -> list[WriteResult]:
        return [r for r in self.results if not r.ok]

    @property
    def complete(self) -> bool:
        return not self.pending and not self.failed

    @property
    def writes(self) -> int:
        return sum(r.requests for r in self.results)

    @property
    def to_apply(self) -> list[ItemPlan]:
        """The planned changes this run applies (the rest are pending)."""
        return self.planned[:len(self.planned) - len(self.pending)]


def fingerprint(config: LoadedConfig, as_of: date) -> str:
    """The model, rules, aligner version and run date (kept for callers; the mirror and the
    cursors are fingerprinted per source by `read_fingerprint`)."""
    codes = ",".join(r.code for r in config.rule_set.rules)
    text = f"{__version__}|{as_of}|{codes}|{config.text}"
    return hashlib.sha256(text.encode()).hexdigest()


def run_sync(config_path: Path | str, *, sources: Iterable[str] = (), as_of: date | None = None,
             dry_run: bool = False, max_writes: int | None = None, full: bool = False,
             state_path: Path = DEFAULT_STATE, env: Mapping[str, str] | None = None,
             options: Mapping[str, Any] | None = None,
             progress: ProgressCallback | None = None,
             concurrency: int | None = None) -> SyncOutcome:
    """Check the backlog and bring every ticket's flags in line with its findings.

    `concurrency` (`sync --concurrency N`) overrides each tracker's `concurrency` setting.

    The run evaluates the whole backlog mirror, updated from what it reads. A dry run writes
    nothing anywhere, not even the state store: it reads the mirror and cursors only if the
    store already exists, and takes no lock.
    """
    config = load_config(config_path)
    day = as_of or date.today()
    if concurrency is not None:  # the adapters' options carry it (aligner.pacing)
        options = {**(options or {}), "concurrency": concurrency}
    if full:  # an adapter may look further on a full read (Jira Cloud: duplicate comments)
        options = {**(options or {}), "full": True}
    adapters = open_adapters(config, sources, env, options)
    marks = {name: read_fingerprint(config, name) for name in adapters}
    budget = config.model.writeback.max_writes if max_writes is None else max_writes
    started = datetime.now(UTC)
    if dry_run:
        begin = start(peek_known(state_path, marks), adapters, full, started,
                      reconcile_hours(config))
        return prepare(config, adapters, begin, day, budget, progress, dry_run=True)
    with StateStore.open(state_path) as state:
        mirror, known = load_known(state, marks)
        begin = start(known, adapters, full, started, reconcile_hours(config))
        outcome = prepare(config, adapters, begin, day, budget, progress,
                          refusals=load_refusals(state.db))
        save_reads(state, mirror, known, begin, outcome.snapshot, outcome.kept, marks,
                   adapters, started)
        recover = state.previous_run_interrupted()
        run_id = state.start_run(sorted(adapters))
        outcome.results = apply(adapters, outcome.to_apply, recover=recover)
        record_writes(state, written_flags(outcome.to_apply, outcome.results))
        results = {r.key: r for r in outcome.results}
        record_refusals(state.db, [(p.item, r.error, r.refused) for p in outcome.to_apply
                                   if (r := results.get(p.item.key)) is not None])
        state.finish_run(run_id, "complete" if outcome.complete else "incomplete",
                         run_summary(outcome))
        return outcome


def starts(adapters: Mapping[str, Adapter], cursors: Cursors,
           full: bool) -> dict[str, datetime | None]:
    """Where each source's read starts: its cursor, or None for a whole read."""
    return {name: None if full or not adapter.incremental else cursors.get(name)
            for name, adapter in adapters.items()}


def prepare(config: LoadedConfig, adapters: Mapping[str, Adapter], begin: Start, day: date,
            budget: int, progress: ProgressCallback | None = None, *,
            dry_run: bool = False,
            refusals: Mapping[tuple[str, str], Refusal] | None = None) -> SyncOutcome:
    """Read, evaluate the whole mirror and plan; split the plans by the write budget.

    Writes nothing (`refresh` and the reads only ask the trackers).
    """
    writable = writable_sources(adapters)
    with gc_paused():  # the run's graph has no cycles to find: see gcpause.py
        gathered = gather(config, adapters, begin, progress)
        snapshot, graph, kept = gathered.snapshot, gathered.graph, gathered.kept
        evaluation = evaluate(config, graph, day, keep=writable,
                              fetched=fetched(kept, begin.since, snapshot.fetched))
        plans = plan(config.model.writeback, graph, evaluation, writable)
    left_alone = [p for p in plans if still_refused(p.item, refusals or {})]
    plans = [p for p in plans if not still_refused(p.item, refusals or {})]
    incremental = {name: cursor is not None for name, cursor in begin.since.items()}
    _, pending = within_budget(plans, budget, cost_for(adapters))
    return SyncOutcome(config, snapshot, evaluation, plans, pending, dry_run=dry_run,
                       incremental=incremental, kept=kept, left_alone=left_alone)


def run_summary(outcome: SyncOutcome) -> dict[str, Any]:
    """What the run history records. Every run evaluates the whole mirror, so its shares
    are the team's backlog: how each source was read is kept under `reads`, not under
    `incremental` (which history leaves out of the team shares)."""
    return {**summary(outcome.evaluation), "writes": outcome.writes,
            "pending": len(outcome.pending), "failed": len(outcome.failed),
            "reads": {name: "incremental" if inc else "full"
                      for name, inc in outcome.incremental.items()}}
