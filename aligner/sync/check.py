"""`aligner check` as a library call: load, fetch, evaluate. Never writes."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from aligner.engine.evaluate import Evaluation, OnItem, evaluate
from aligner.model.load import LoadedConfig, load_config
from aligner.progress import ProgressCallback
from aligner.sync.gcpause import gc_paused
from aligner.sync.read import Snapshot, collect, open_adapters

log = logging.getLogger(__name__)


@dataclass
class CheckRun:
    config: LoadedConfig
    snapshot: Snapshot
    evaluation: Evaluation


def run_check(config_path: Path | str, *, sources: Iterable[str] = (),
              as_of: date | None = None, env: Mapping[str, str] | None = None,
              options: Mapping[str, Any] | None = None,
              on_item: OnItem | None = None,
              progress: ProgressCallback | None = None) -> CheckRun:
    """Check the backlog the model file points at, as of `as_of` (default today)."""
    config = load_config(config_path)
    adapters = open_adapters(config, sources, env, options)
    with gc_paused():  # the run's graph has no cycles to find: see gcpause.py
        snapshot = collect(adapters, progress=progress)
        started = time.monotonic()
        evaluation = evaluate(config, snapshot.graph, as_of or date.today(),
                              fetched=snapshot.total_fetched, on_item=on_item)
    log.info("evaluated %d open of %d fetched items in %.2f s", evaluation.evaluated,
             evaluation.fetched, time.monotonic() - started)
    return CheckRun(config, snapshot, evaluation)
