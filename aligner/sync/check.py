"""`aligner check` and `aligner explain` as library calls: load, read, evaluate. Never write
to a tracker.

With an existing state store (`state_path`), `check` reads as `sync` does: the changes since
each source's cursor, into the backlog mirror, and evaluates the whole mirror (DESIGN §6).
The store never makes a check fail, nor a sync: see `mirrored_read`.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from aligner.engine.evaluate import Evaluation, Evaluator, ItemResult, evaluate, find_item
from aligner.engine.items import BacklogItem
from aligner.errors import AlignerError
from aligner.mirror.backlog import BacklogMirror
from aligner.mirror.store import StateLocked, StateStore
from aligner.model.load import LoadedConfig, load_config
from aligner.plugins.adapter import Adapter
from aligner.progress import ProgressCallback
from aligner.sync.gcpause import gc_paused
from aligner.sync.known import Known, peek_known
from aligner.sync.mirrored import (
    Gathered,
    Start,
    fetched,
    gather,
    read_fingerprint,
    reconcile_hours,
    save_reads,
    start,
)
from aligner.sync.read import Snapshot, open_adapters, read

log = logging.getLogger(__name__)


@dataclass
class CheckRun:
    config: LoadedConfig
    snapshot: Snapshot
    evaluation: Evaluation


@dataclass
class ItemCheck:
    """One item looked up in a fresh read: None when absent, `result` None when not open."""

    config: LoadedConfig
    snapshot: Snapshot
    item: BacklogItem | None
    result: ItemResult | None


def run_check(config_path: Path | str, *, sources: Iterable[str] = (),
              as_of: date | None = None, env: Mapping[str, str] | None = None,
              options: Mapping[str, Any] | None = None,
              progress: ProgressCallback | None = None,
              state_path: Path | None = None) -> CheckRun:
    """Check the backlog the model file points at, as of `as_of` (default today).

    `state_path`: a state store to read through, when one exists there (see the module
    docstring); it is never created here.
    """
    config = load_config(config_path)
    adapters = open_adapters(config, sources, env, options)
    with gc_paused():  # the run's graph has no cycles to find: see gcpause.py
        if state_path is not None and state_path.is_file() and any(
                adapter.incremental for adapter in adapters.values()):
            snapshot = mirrored_read(config, adapters, state_path, progress)
        else:
            snapshot = read(adapters, progress=progress)
        started = time.monotonic()
        evaluation = evaluate(config, snapshot.graph, as_of or date.today(),
                              fetched=snapshot.total_fetched)
    log.info("evaluated %d open of %d fetched items in %.2f s", evaluation.evaluated,
             evaluation.fetched, time.monotonic() - started)
    return CheckRun(config, snapshot, evaluation)


def mirrored_read(config: LoadedConfig, adapters: Mapping[str, Adapter], state_path: Path,
                  progress: ProgressCallback | None = None) -> Snapshot:
    """Read the changes since the mirror at `state_path` was last written and return the
    whole mirror as the snapshot (its counts as a full read's).

    The mirror is read without the sync lock (a check never makes a scheduled sync fail);
    the reads are recorded afterwards only if the lock is free and no run moved the
    cursors meanwhile. A missing, older or damaged mirror reads as empty (a full read).
    """
    marks = {name: read_fingerprint(config, name) for name in adapters}
    started = datetime.now(UTC)
    known = peek_known(state_path, marks)
    begin = start(known, adapters, False, started, reconcile_hours(config))
    gathered = gather(config, adapters, begin, progress, cleanup=False)
    _save(state_path, known, begin, gathered, marks, adapters, started)
    counts = {name: fetched(gathered.kept, {name: begin.since[name]},
                            gathered.snapshot.fetched) for name in adapters}
    return Snapshot(gathered.graph, counts, dict(adapters), gathered.snapshot.skipped)


def _save(state_path: Path, known: Known, begin: Start, gathered: Gathered,
          marks: Mapping[str, str], adapters: Mapping[str, Adapter], started: datetime) -> None:
    """Record the check's reads in the mirror; skipped (never an error) when a sync holds
    the store, another run recorded reads since, or the store cannot be written."""
    try:
        with StateStore.open(state_path) as state:
            if {name: state.cursor(name, marks[name]) for name in known.cursors} != \
                    known.cursors:
                log.info("another run updated the backlog mirror during this check: its "
                         "reads are not recorded")
                return
            mirror = BacklogMirror.attach(state.db)
            for name, mark in marks.items():
                mirror.adopt(name, mark)
            save_reads(state, mirror, known, begin, gathered.snapshot, gathered.kept, marks,
                       adapters, started)
    except StateLocked:
        log.info("a sync holds the state store: this check's reads are not recorded")
    except (AlignerError, OSError, sqlite3.Error) as error:
        log.warning("the state store could not record this check's reads (%s)", error)


def check_item(config_path: Path | str, key: str, *, sources: Iterable[str] = (),
               as_of: date | None = None, env: Mapping[str, str] | None = None,
               options: Mapping[str, Any] | None = None) -> ItemCheck:
    """Read the backlog, then trace and check the one item named `key` (any case)."""
    config = load_config(config_path)
    snapshot = read(open_adapters(config, sources, env, options))
    item = find_item(snapshot.graph, key)
    result = None
    if item is not None and item.evaluated:
        result = Evaluator(config, snapshot.graph, as_of or date.today()).item(item)
    return ItemCheck(config, snapshot, item, result)
