"""Portfolio rules: does the strategy reach the backlogs, and does the work follow the money?

Model-level findings (DESIGN §14): each names an objective, a pillar or a bucket as its item,
is computed once per run from the run view, and is never written to a ticket.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from aligner.engine.findings import Violation
from aligner.engine.rule import Rule
from aligner.engine.trace import ALIGNED, RunView, Tally

SLACK = 1e-9  # a drift of exactly `tolerance` passes, whatever the float rounding


class ObjectiveWithoutWork(Rule):
    """A current objective that no open item reaches.

    Why it matters:
        An objective nobody's backlog serves is a promise on a slide: the "beautiful strategy
        presentations that never connect to team backlogs" the operating model exists to
        prevent. Reported on the run (the objective is the item), never written to tickets.

    Fails:
        Objective PAY-Q4-2 is active, its period contains the run's date, team payments holds
        open items, and none of them reaches PAY-Q4-2 (no linked epic or project, no label).

    Passes:
        Epic PAY-220, listed in PAY-Q4-2's `links`, has an open story; or PAY-Q4-2 is
        `status: dropped`.

    How to fix:
        List the epics or projects that realise the objective in its `links` (or label the
        work `okr:<objective id>`). If nobody will work on it this period, mark it dropped or
        done, so the plan says what the backlogs say.

    Options:
        None. Objectives of a team that holds no open item in the run are skipped: the run
        did not read that team's backlog.
    """

    code = "AL105"
    name = "objective-without-work"
    severity = "warning"
    scope = "run"

    def check_run(self, view: RunView) -> Iterable[Violation]:
        for status in view.statuses:
            if (status.current and status.objective not in view.reached
                    and status.team in view.holding):
                yield Violation(
                    message=f"objective {status.objective} is current, but no open item "
                            "reaches it",
                    fix=f"list the epics or projects that realise {status.objective} in its "
                        f"`links` (or label the work okr:{status.objective}), or mark it "
                        "dropped if nobody will work on it",
                    team=status.team, item=status.objective)


class StrategyWithoutObjective(Rule):
    """An active strategy pillar that no current objective serves.

    Why it matters:
        A pillar without objectives is strategy nobody has turned into a team goal: no team
        is accountable for it this period, so no backlog will ever trace to it. Reported on
        the run (the pillar is the item), never written to tickets.

    Fails:
        Pillar reduce-cost-to-serve is active, and no objective that is active and inside its
        period supports it, directly or through an active bet.

    Passes:
        Objective PLT-Q4-3 (active, this quarter) has `supports: reduce-cost-to-serve`; or the
        pillar is `status: retired`.

    How to fix:
        Give a team a current objective that supports the pillar (or one of its bets), or
        retire the pillar if the organisation no longer pursues it.

    Options:
        None.
    """

    code = "AL106"
    name = "strategy-without-objective"
    severity = "warning"
    scope = "run"

    def check_run(self, view: RunView) -> Iterable[Violation]:
        if view.model is None:
            return
        served = {s.strategy for s in view.statuses if s.state == ALIGNED}
        for pillar in view.model.strategy:
            if pillar.status == "active" and pillar.id not in served:
                yield Violation(
                    message=f"strategy {pillar.id} is active, but no current objective "
                            "serves it",
                    fix=f"give a team a current objective that supports {pillar.id} (or one "
                        "of its bets), or retire the pillar (`status: retired`)",
                    item=pillar.id)


class AllocationDriftOptions(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    tolerance: float = Field(0.1, ge=0.0, le=1.0)
    per_team: bool = False
    basis: Literal["count", "estimate"] = "count"


class AllocationDrift(Rule):
    """The actual share of a pillar or bucket differs from its intended share by more than
    `tolerance`.

    Why it matters:
        `allocation` is how the organisation funds its strategy and its keep-the-lights-on
        work; when the backlogs spend the capacity elsewhere, the plan and the work have
        parted ways, and nobody decided it. Reported on the run (the pillar or bucket is the
        item), never written to tickets.

    Fails:
        `allocation: {strategy: {grow-self-serve: 0.6}}`, and 38 % of the open items are
        aligned through grow-self-serve: 22 points below the intent, more than 10.

    Passes:
        55 % of the open items serve grow-self-serve: within 10 points of the intended 60 %.

    How to fix:
        Move work toward the pillars or buckets below their share (and away from those
        above), or revise the intended shares in `allocation` if the plan changed.

    Options:
        tolerance (float, 0–1, default 0.1): the largest accepted difference between the
        actual and the intended share.
        per_team (bool, default false): also judge each team holding open items, its own
        shares against the organisation's intents.
        basis (count | estimate, default count): measure shares by item count, or by the
        items' estimates (story points, Linear estimates); without any estimate in the run,
        by count.
    """

    code = "AL302"
    name = "allocation-drift"
    severity = "warning"
    scope = "run"
    Options = AllocationDriftOptions

    def check_run(self, view: RunView) -> Iterable[Violation]:
        allocation = view.model.allocation if view.model else None
        if allocation is None or view.allocation is None:
            return
        intents = allocation.intended()
        yield from self._drifts(intents, set(allocation.buckets), view.allocation, None)
        if self.options.per_team:  # type: ignore[attr-defined]
            for team, tally in sorted(view.allocation_by_team.items()):
                yield from self._drifts(intents, set(allocation.buckets), tally, team)

    def _drifts(self, intents: dict[str, float], buckets: set[str], tally: Tally,
                team: str | None) -> Iterable[Violation]:
        options = self.options
        tolerance: float = options.tolerance  # type: ignore[attr-defined]
        by_estimate = options.basis == "estimate" and tally.estimate > 0  # type: ignore[attr-defined]
        basis = "by estimate" if by_estimate else "by item count"
        whose = f"team {team}: " if team else ""
        for key, intended in intents.items():
            actual = tally.share(key, by_estimate)
            if not tally.items or abs(actual - intended) <= tolerance + SLACK:
                continue
            kind = "bucket" if key in buckets else "strategy"
            fix = (f"plan more work for {kind} {key}, or lower its share in `allocation`"
                   if actual < intended else
                   f"move work away from {kind} {key}, or raise its share in `allocation`")
            yield Violation(
                message=f"{whose}{kind} {key} has {actual:.0%} of the open work ({basis}), "
                        f"intended {intended:.0%} ± {tolerance:.0%}",
                fix=fix, team=team, item=key)
