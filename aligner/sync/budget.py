"""The write budget of a run: how many write operations a plan costs, and what fits."""

from __future__ import annotations

from collections.abc import Sequence

from aligner.sync.plan import ItemPlan


def write_cost(plan: ItemPlan) -> int:
    """Write operations a plan needs at most: the comment, one edit for labels and state, and
    one deletion per duplicate comment repaired.

    An upper bound: a tracker may combine writes (Jira Cloud creates the comment inside the
    issue edit, one write for both), so a run never spends more than its budget.
    """
    edit = plan.changes_labels or plan.digest != plan.item.flags.digest
    return int(bool(plan.comment)) + int(edit) + len(plan.delete_extras)


def within_budget(plans: Sequence[ItemPlan], budget: int) -> tuple[list[ItemPlan],
                                                                  list[ItemPlan]]:
    """Split plans into those that fit `budget` write operations and those left pending.

    Whole items only, in order: the first plan that does not fit and all after it wait for
    the next run, so a budgeted run never half-writes a ticket.
    """
    now: list[ItemPlan] = []
    spent = 0
    for index, plan in enumerate(plans):
        cost = write_cost(plan)
        if spent + cost > budget:
            return now, list(plans[index:])
        spent += cost
        now.append(plan)
    return now, []
