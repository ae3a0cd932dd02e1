"""`aligner check` and `aligner explain` as library calls: load, read, evaluate. Never write."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from aligner.engine.evaluate import Evaluation, Evaluator, ItemResult, evaluate, find_item
from aligner.engine.items import BacklogItem
from aligner.model.load import LoadedConfig, load_config
from aligner.progress import ProgressCallback
from aligner.sync.gcpause import gc_paused
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
              progress: ProgressCallback | None = None) -> CheckRun:
    """Check the backlog the model file points at, as of `as_of` (default today)."""
    config = load_config(config_path)
    adapters = open_adapters(config, sources, env, options)
    with gc_paused():  # the run's graph has no cycles to find: see gcpause.py
        snapshot = read(adapters, progress=progress)
        started = time.monotonic()
        evaluation = evaluate(config, snapshot.graph, as_of or date.today(),
                              fetched=snapshot.total_fetched)
    log.info("evaluated %d open of %d fetched items in %.2f s", evaluation.evaluated,
             evaluation.fetched, time.monotonic() - started)
    return CheckRun(config, snapshot, evaluation)


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
