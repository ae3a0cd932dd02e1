"""Ownership rules: is the item held by a team, and does it stay inside that team's boundary?"""

from __future__ import annotations

from collections.abc import Iterable

from aligner.engine.findings import Violation
from aligner.engine.rule import Rule
from aligner.engine.trace import Trace


class Unowned(Rule):
    """No team holds the item.

    Why it matters:
        Work nobody holds is work nobody plans, staffs or answers for. Clear ownership
        boundaries are half of the operating model.

    Fails:
        An issue in Jira project OPS, which no team lists under `owns.jira.projects`, with no
        Team field.

    Passes:
        The same issue once team `platform` lists `OPS` in `owns.jira.projects`.

    How to fix:
        Set the item's Team field, move it to a team's project or Linear team, or add the
        project or Linear team to a team's `owns` in the model.

    Options:
        None.
    """

    code = "AL201"
    name = "unowned"
    severity = "error"

    def check(self, trace: Trace) -> Iterable[Violation]:
        if trace.holder is None:
            item = trace.item
            # the broadest handle (a project, a Linear team) is what a team's `owns` would list
            where = item.holders[-1].label if item.holders else "its place in the tracker"
            yield Violation(message=f"no team holds {item.key} ({where} is owned by no team)",
                            fix=f"set its Team field or add {where} to a team's `owns`")


class ForeignObjective(Rule):
    """The item's holder is neither the owner nor a contributor of the objective it serves.

    Why it matters:
        A team working on another team's objective without being a declared contributor
        hides dependencies and dilutes accountability for the outcome.

    Fails:
        A growth-team story under an epic of checkout's objective CHK-Q4-1, which lists no
        contributors.

    Passes:
        The same story once CHK-Q4-1 has `contributors: [growth]`.

    How to fix:
        Move the item to the owning team, or add the holder to the objective's
        `contributors` if the collaboration is agreed.

    Options:
        None.
    """

    code = "AL202"
    name = "foreign-objective"
    severity = "warning"

    def check(self, trace: Trace) -> Iterable[Violation]:
        holder = trace.holder
        if holder is None or not trace.reached:
            return
        statuses = [r.status for r in trace.reached]
        if any(holder == s.team or holder in s.contributors for s in statuses):
            return
        first = statuses[0]
        yield Violation(
            message=f"team {holder} holds it, but objective {first.objective} belongs to team "
                    f"{first.team} and does not list {holder} as a contributor",
            fix=f"move it to team {first.team}, or add {holder} to the contributors of "
                f"{first.objective}",
        )


class BoundaryCrossing(Rule):
    """The item touches an area that its holder does not own.

    Why it matters:
        Changing another team's component or area without their involvement is how
        ownership boundaries erode and incidents find nobody home.

    Fails:
        A growth-team story with component Payments, which only team payments owns.

    Passes:
        The same story held by team payments, or without the Payments component.

    How to fix:
        Hand the item to the owning team, remove the foreign component or label, or agree
        shared ownership in the model.

    Options:
        None.
    """

    code = "AL203"
    name = "boundary-crossing"
    severity = "warning"

    def check(self, trace: Trace) -> Iterable[Violation]:
        holder = trace.holder
        if holder is None:
            return
        for area in trace.areas:
            if holder not in area.owners:
                yield Violation(
                    message=f"team {holder} holds it, but {area.kind} {area.name} belongs to "
                            f"{', '.join(area.owners)}",
                    fix=f"hand it to {area.owners[0]} or remove the {area.kind} {area.name}",
                )


class ContestedArea(Rule):
    """The item touches an area that two or more teams claim.

    Why it matters:
        When two teams both claim an area, each assumes the other decides; the model should
        name exactly one owner per area.

    Fails:
        A story labelled `area:mobile` when both growth and checkout list `area:mobile`.

    Passes:
        The same story once only one team lists `area:mobile` in `owns.labels`.

    How to fix:
        Decide which team owns the area and remove it from the others' `owns` in the model.

    Options:
        None.
    """

    code = "AL204"
    name = "contested-area"
    severity = "warning"

    def check(self, trace: Trace) -> Iterable[Violation]:
        for area in trace.areas:
            if len(area.owners) > 1:
                yield Violation(
                    message=f"{area.kind} {area.name} is claimed by {', '.join(area.owners)}",
                    fix=f"keep {area.kind} {area.name} in one team's `owns` in the model",
                )
