"""`aligner history` rendered: the aligned share per team across past sync runs.

The records come from `aligner.mirror.history` (the state store); each holds the run's §7
`summary`, whose tallies become `Share`s, the report model's one notion of an aligned share.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from aligner.mirror.history import is_delta
from aligner.mirror.store import RunRecord
from aligner.report.metrics import Share

NO_VALUE = "–"


def stored_share(tally: Any) -> Share | None:
    """A stored `{"items", "aligned"}` tally as a Share; None when missing, odd or empty."""
    try:
        share = Share(int(tally["items"]), int(tally["aligned"]))
    except (KeyError, TypeError, ValueError):
        return None
    return share if share.items else None


def _team_shares(record: RunRecord) -> dict[str, Share | None]:
    teams = record.summary.get("by_team") or {}
    return {team: stored_share(tally) for team, tally in sorted(teams.items())}


def history_json(records: list[RunRecord]) -> list[dict[str, Any]]:
    """One object per run: when, status, overall and per-team aligned share."""
    return [{
        "id": r.id, "started": r.started, "status": r.status, "delta": is_delta(r),
        "items": r.summary.get("items"), "aligned": r.summary.get("aligned"),
        "aligned_ratio": r.summary.get("aligned_ratio"),
        "by_team": {team: None if share is None else share.ratio
                    for team, share in _team_shares(r).items()},
    } for r in records]


def render_history_json(records: list[RunRecord]) -> str:
    """`aligner history --format json`."""
    return json.dumps(history_json(records), indent=2, ensure_ascii=False) + "\n"


def render_history(records: list[RunRecord], state_path: Path) -> str:
    """A table: one row per run, a column per team, then the trend over the rows shown."""
    full = [r for r in records if not is_delta(r)]
    if not full:
        return (f"No full runs recorded in {state_path} yet: `aligner sync` records one "
                "per run (incremental runs see only changed items and are not shown).\n")
    teams = sorted({t for r in full for t in (r.summary.get("by_team") or {})})
    rows = [["run", "started", "status", "overall", *teams]]
    for r in full:
        shares = _team_shares(r)
        rows.append([str(r.id), r.started[:16].replace("T", " "), r.status,
                     _percent(stored_share(r.summary)),
                     *(_percent(shares.get(t)) for t in teams)])
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


def _percent(share: Share | None) -> str:
    return NO_VALUE if share is None else f"{share.exact:.0%}"


def _trend(full: list[RunRecord], teams: list[str]) -> str:
    if len(full) < 2:
        return ""
    first, last = full[0], full[-1]
    old_teams, new_teams = _team_shares(first), _team_shares(last)
    pairs = [("overall", stored_share(first.summary), stored_share(last.summary)),
             *((t, old_teams.get(t), new_teams.get(t)) for t in teams)]
    parts = [f"{name} {100 * (new.exact - old.exact):+.0f} pts"
             for name, old, new in pairs if old is not None and new is not None]
    return f"Since run {first.id}: " + ", ".join(parts) + "." if parts else ""
