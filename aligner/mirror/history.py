"""The run history in the state store: `aligner sync` records each finished run's summary
(DESIGN §7 `summary`); this reads them back without taking the sync lock, so it works while a
sync runs. `aligner.report.history` renders them.
"""

from __future__ import annotations

from pathlib import Path

from aligner.errors import ConfigError
from aligner.mirror.store import RunRecord, StateStore


def load_history(state_path: Path, limit: int = 10) -> list[RunRecord]:
    """The last `limit` finished runs with a summary, oldest first (never creates the store)."""
    if not state_path.is_file():
        raise ConfigError(f"no state store at {state_path}: history is recorded by "
                          "`aligner sync` (pass --state if it lives elsewhere)")
    with StateStore.open(state_path, lock=False) as store:
        return store.runs(limit)


def is_delta(record: RunRecord) -> bool:
    """An incremental run saw only changed items: its shares are not the team's backlog."""
    return any((record.summary.get("incremental") or {}).values())
