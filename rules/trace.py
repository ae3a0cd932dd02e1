"""Trace rules: does the item reach a team objective that leads to an active strategy?"""

from __future__ import annotations

from collections.abc import Iterable

from aligner.engine.findings import Violation
from aligner.engine.fixes import a_container, container_noun
from aligner.engine.rule import Rule
from aligner.engine.trace import GAP, STALE, Trace


def _path(trace: Trace) -> str:
    walked = " → ".join((trace.item.key, *trace.ancestor_names[:4]))
    if trace.ancestors:
        return walked
    noun = container_noun(trace.item.tracker)  # the tracker's word: epic, project
    return f"{trace.item.key} (no parent)" if noun == "parent" else \
        f"{trace.item.key} (no parent, no {noun})"


class Untraced(Rule):
    """The item reaches no team objective.

    Why it matters:
        Work that traces to no objective is work nobody decided to do for a reason the
        organisation agreed on. The operating model's diagnostic question — what share of
        the work traces to strategy? — starts here.

    Fails:
        A story with no epic, no `okr:` label, in no project an objective links to.

    Passes:
        A story under epic CHK-100, which objective CHK-Q4-1 lists in its `links`; or a Bug
        that an `allocation` bucket (`keep-the-lights-on: {match: {issue_types: [Bug]}}`)
        accounts for.

    How to fix:
        Put the item under an epic (or Linear project) that an objective links to, or
        label it `okr:<objective id>`. If it is deliberate keep-the-lights-on work, give it a
        funded bucket in `allocation`, or waive it with a reason and an owner.

    Options:
        None.
    """

    code = "AL101"
    name = "untraced"
    severity = "error"

    def check(self, trace: Trace) -> Iterable[Violation]:
        if trace.reached or trace.broken or trace.bucket is not None:  # a bucket funds it
            return
        fix = "; or ".join(s.text() for s in trace.suggestions) or (
            f"put it under {a_container(trace.item.tracker)} that an objective lists in "
            "`links`, or label it okr:<objective id>")
        yield Violation(
            message=f"{trace.item.key} reaches no team objective (walked {_path(trace)})",
            fix=fix,
        )


class BrokenLink(Rule):
    """A reference on the item's path points at nothing.

    Why it matters:
        A label naming an objective the model does not define, or a parent that does not
        exist, silently cuts the thread to strategy: the PM believes the item is linked and
        it is not.

    Fails:
        A story labelled `okr:CHK-Q3-9` when the model has no such objective; a story whose
        epic link names an epic that was deleted or is not visible to aligner.

    Passes:
        A story labelled `okr:CHK-Q4-1`, an objective the model defines.

    How to fix:
        Correct the label or field to an objective id from the model, or point the parent
        link at an epic that exists and that aligner's account can see.

    Options:
        None.
    """

    code = "AL102"
    name = "broken-link"
    severity = "error"

    def check(self, trace: Trace) -> Iterable[Violation]:
        for problem in trace.broken:
            yield Violation(message=problem,
                            fix="correct or remove the reference so it names something that "
                                "exists")


class StrategyGap(Rule):
    """The item reaches an objective, but no path from it leads to a company strategy.

    Why it matters:
        An objective that supports no bet and no strategy is a team goal the company never
        connected to its strategy: the work may be well run and still not matter.

    Fails:
        A story under an epic of objective PLT-Q4-2, which has no `supports`.

    Passes:
        The same story once PLT-Q4-2 has `supports: reliable-platform`.

    How to fix:
        Give the objective a `supports:` naming a bet or strategy in the model, or move the
        item to an objective that has one.

    Options:
        None.
    """

    code = "AL103"
    name = "strategy-gap"
    severity = "error"

    def check(self, trace: Trace) -> Iterable[Violation]:
        if trace.aligned or not trace.reached:
            return
        if any(r.status.state == STALE for r in trace.reached):
            return
        gaps = [r.status.objective for r in trace.reached if r.status.state == GAP]
        yield Violation(
            message=f"objective {', '.join(gaps)} supports no bet or strategy",
            fix=f"add `supports:` to objective {gaps[0]} in the model, or move the item to an "
                "objective that supports a strategy",
        )


class StaleLink(Rule):
    """The path runs through an objective, bet or strategy that is no longer active.

    Why it matters:
        Open work still pointing at a done, dropped or expired objective (or a retired bet
        or strategy) keeps consuming capacity for a goal the organisation has closed.

    Fails:
        An open story under an epic of objective CHK-Q3-1, whose period ended 2026-09-30.

    Passes:
        The same story moved under an epic of the current objective CHK-Q4-1.

    How to fix:
        Move the item to a current objective's epic or project, or close it if the goal is
        gone. If the objective still runs, update its `period` or `status` in the model.

    Options:
        None.
    """

    code = "AL104"
    name = "stale-link"
    severity = "warning"

    def check(self, trace: Trace) -> Iterable[Violation]:
        if trace.aligned:
            return
        stale = [r.status for r in trace.reached if r.status.state == STALE]
        if not stale:
            return
        reasons = "; ".join(reason for s in stale for reason in s.inactive)
        current = trace.suggestions[0].text() if trace.suggestions else \
            f"move it to {a_container(trace.item.tracker)} of a current objective"
        yield Violation(
            message=f"the item is open but its path is no longer active: {reasons}",
            fix=f"{current}; or close it if {stale[0].objective}'s goal is gone",
        )
