"""`aligner sync` as a library call: check, plan the flags, apply them within a budget."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from aligner import __version__
from aligner.engine.evaluate import Evaluation, evaluate
from aligner.mirror.store import StateStore
from aligner.model.load import LoadedConfig, load_config
from aligner.plugins.adapter import WriteResult
from aligner.progress import ProgressCallback
from aligner.report.summary import natural_key, summary
from aligner.sync.gcpause import gc_paused
from aligner.sync.plan import ItemPlan
from aligner.sync.planner import Planner, within_budget
from aligner.sync.read import Snapshot, collect, open_adapters

DEFAULT_STATE = Path(".aligner/state.db")


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

    @property
    def failed(self) -> list[WriteResult]:
        return [r for r in self.results if not r.ok]

    @property
    def complete(self) -> bool:
        return not self.pending and not self.failed

    @property
    def writes(self) -> int:
        return sum(r.requests for r in self.results)


def fingerprint(config: LoadedConfig, as_of: date) -> str:
    """Cursors are valid only for the same model, rules, aligner version and run date."""
    codes = ",".join(r.code for r in config.rule_set.rules)
    text = f"{__version__}|{as_of}|{codes}|{config.text}"
    return hashlib.sha256(text.encode()).hexdigest()


def run_sync(config_path: Path | str, *, sources: Iterable[str] = (), as_of: date | None = None,
             dry_run: bool = False, max_writes: int | None = None, full: bool = False,
             state_path: Path = DEFAULT_STATE, env: Mapping[str, str] | None = None,
             options: Mapping[str, Any] | None = None,
             progress: ProgressCallback | None = None) -> SyncOutcome:
    """Check the backlog and bring every ticket's flags in line with its findings."""
    config = load_config(config_path)
    day = as_of or date.today()
    adapters = open_adapters(config, sources, env, options)
    with StateStore.open(state_path) as state:
        mark = fingerprint(config, day)
        since = {name: None if full or not getattr(adapter, "incremental", True)
                 else state.cursor(name, mark) for name, adapter in adapters.items()}
        started = datetime.now(UTC)
        with gc_paused():  # the run's graph has no cycles to find: see gcpause.py
            snapshot = collect(adapters, since, progress=progress)
            writable = frozenset(n for n, a in adapters.items() if getattr(a, "writable", True))
            planner = Planner(config.model.writeback, day, writable)
            evaluation = evaluate(config, snapshot.graph, day, fetched=snapshot.total_fetched,
                                  on_item=planner)
        incremental = {name: cursor is not None for name, cursor in since.items()}
        if any(incremental.values()):  # team shares need the whole backlog: not on a delta
            evaluation.findings = [f for f in evaluation.findings if f.item is not None]
        plans = sorted(planner.plans, key=lambda p: natural_key(p.item.key))
        budget = config.model.writeback.max_writes if max_writes is None else max_writes
        now, pending = within_budget(plans, budget)
        outcome = SyncOutcome(config, snapshot, evaluation, plans, pending, dry_run=dry_run,
                              incremental=incremental)
        if dry_run:
            return outcome
        recover = state.previous_run_interrupted()
        run_id = state.start_run(sorted(adapters))
        for name, adapter in adapters.items():
            mine = [p for p in now if p.item.source == name]
            if mine:
                outcome.results.extend(adapter.apply(mine, recover=recover))
        status = "complete" if outcome.complete else "incomplete"
        state.finish_run(run_id, status, {**summary(evaluation), "writes": outcome.writes,
                                          "pending": len(pending),
                                          "failed": len(outcome.failed),
                                          "incremental": incremental})  # history skips deltas
        if outcome.complete:
            for name in adapters:
                cursor = next_cursor(snapshot, name, since[name], started)
                state.save_cursor(name, cursor, mark)
        return outcome


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
