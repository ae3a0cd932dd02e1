"""Team rules: report-level findings about a team's whole backlog."""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict, Field

from aligner.engine.findings import Violation
from aligner.engine.rule import Rule
from aligner.engine.trace import RunView


class LowAlignmentOptions(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    min_aligned: float = Field(0.8, ge=0.0, le=1.0)


class LowAlignment(Rule):
    """A team's aligned share of open items is below `min_aligned`.

    Why it matters:
        A team whose backlog mostly traces to nothing is planning on its own; the planning
        gate catches it before the quarter is committed. Reported on the run, never written
        to tickets.

    Fails:
        Team growth holds 20 open items and 12 are aligned (60 %) with `min_aligned: 0.8`.

    Passes:
        17 of the 20 are aligned (85 %).

    How to fix:
        Fix the team's AL101/AL103/AL104 findings — link the work to its objectives — or
        drop work that serves none.

    Options:
        min_aligned (float, 0–1, default 0.8): the share of a team's open items that must
        be aligned.
    """

    code = "AL301"
    name = "low-alignment"
    severity = "error"
    scope = "run"
    Options = LowAlignmentOptions

    def check_run(self, view: RunView) -> Iterable[Violation]:
        minimum = self.options.min_aligned  # type: ignore[attr-defined]
        for team, (items, aligned) in sorted(view.teams.items()):
            if items and aligned / items < minimum:
                yield Violation(
                    message=f"team {team}: {aligned} of {items} open items aligned "
                            f"({aligned / items:.0%}), below {minimum:.0%}",
                    fix=f"fix team {team}'s untraced and stale items, or drop work that "
                        "serves no objective",
                    team=team,
                )
