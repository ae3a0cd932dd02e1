"""The trend of the aligned share across recorded runs (checks and syncs), ending with this run.

The records come from the state store (`aligner.mirror.history`); incremental syncs saw only
changed items, so their shares are not the backlog's and are left out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from aligner.mirror.history import is_delta
from aligner.mirror.store import RunRecord
from aligner.report.history import stored_share
from aligner.report.metrics import Share

TREND_RUNS = 20  # how many runs the leaders' view shows, this one included


@dataclass(frozen=True, slots=True)
class TrendPoint:
    """One run's overall aligned share."""

    when: str  # the run's start, ISO 8601 (UTC); "" for this run
    command: str  # check | sync
    share: Share
    current: bool = False  # this run, not yet in the store

    @property
    def day(self) -> str:
        """`2026-11-15`, or `this run`."""
        return "this run" if self.current else self.when[:10]


def trend_points(records: Sequence[RunRecord], current: Share,
                 command: str = "check", limit: int = TREND_RUNS) -> tuple[TrendPoint, ...]:
    """The last `limit` full runs' shares, oldest first, this run (`current`) last."""
    points = [TrendPoint(r.started, str(r.summary.get("command") or "sync"), share)
              for r in records if not is_delta(r)
              for share in (stored_share(r.summary),) if share is not None]
    points.append(TrendPoint("", command, current, current=True))
    return tuple(points[-limit:])
