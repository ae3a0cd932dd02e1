"""`aligner history`: the aligned share per team across past sync runs, from the state store.

`aligner sync` records each finished run's summary (DESIGN §7 `summary`) in the state store;
this reads them back without taking the sync lock, so it works while a sync runs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

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


def _share(tally: Any) -> float | None:
    try:
        items, aligned = int(tally["items"]), int(tally["aligned"])
    except (KeyError, TypeError, ValueError):
        return None
    return aligned / items if items else None


def history_json(records: list[RunRecord]) -> list[dict[str, Any]]:
    """One object per run: when, status, overall and per-team aligned share."""
    return [{
        "id": r.id, "started": r.started, "status": r.status, "delta": is_delta(r),
        "items": r.summary.get("items"), "aligned": r.summary.get("aligned"),
        "aligned_ratio": r.summary.get("aligned_ratio"),
        "by_team": {team: _rounded(_share(tally))
                    for team, tally in sorted((r.summary.get("by_team") or {}).items())},
    } for r in records]


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def render_history(records: list[RunRecord], state_path: Path) -> str:
    """A table: one row per run, a column per team, then the trend over the rows shown."""
    full = [r for r in records if not is_delta(r)]
    if not full:
        return (f"No full runs recorded in {state_path} yet: `aligner sync` records one "
                "per run (incremental runs see only changed items and are not shown).\n")
    teams = sorted({t for r in full for t in (r.summary.get("by_team") or {})})
    rows = [["run", "started", "status", "overall", *teams]]
    for r in full:
        by_team = r.summary.get("by_team") or {}
        rows.append([str(r.id), r.started[:16].replace("T", " "), r.status,
                     _percent(_share(r.summary)),
                     *(_percent(_share(by_team.get(t))) for t in teams)])
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [f"Aligned share per team, last {len(full)} full runs ({state_path}):", ""]
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
              for row in rows]
    skipped = len(records) - len(full)
    if skipped:
        lines.append(f"({skipped} incremental run{'s' * (skipped != 1)} not shown: they see "
                     "only changed items)")
    trend = _trend(full, teams)
    return "\n".join([*lines, *(["", trend] if trend else [])]) + "\n"


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"


def _trend(full: list[RunRecord], teams: list[str]) -> str:
    if len(full) < 2:
        return ""
    first, last = full[0].summary, full[-1].summary
    parts = []
    for name, old, new in [("overall", _share(first), _share(last)),
                           *((t, _share((first.get("by_team") or {}).get(t)),
                              _share((last.get("by_team") or {}).get(t))) for t in teams)]:
        if old is not None and new is not None:
            parts.append(f"{name} {100 * (new - old):+.0f} pts")
    return f"Since run {full[0].id}: " + ", ".join(parts) + "." if parts else ""
