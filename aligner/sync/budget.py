"""The write budget of a run: how many write operations a plan costs, and what fits."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from aligner.plugins.adapter import Adapter, WriteCosts
from aligner.sync.plan import ItemPlan

Cost = Callable[[ItemPlan], int]


def write_cost(plan: ItemPlan) -> int:
    """Write operations a plan needs at most: the comment, one edit for labels and state, and
    one deletion per duplicate comment repaired.

    The tracker-neutral upper bound, for adapters that do not count their own (`WriteCosts`):
    a tracker may combine writes, so a run never spends more than its budget.
    """
    edit = plan.changes_labels or plan.digest != plan.item.flags.digest
    return int(bool(plan.comment)) + int(edit) + len(plan.delete_extras)


def cost_for(adapters: Mapping[str, Adapter]) -> Cost:
    """The write cost of a plan as its source's adapter counts it (`WriteCosts`), else the
    neutral `write_cost`."""
    def cost(plan: ItemPlan) -> int:
        adapter = adapters.get(plan.item.source)
        if isinstance(adapter, WriteCosts):
            return adapter.write_cost(plan)
        return write_cost(plan)
    return cost


def within_budget(plans: Sequence[ItemPlan], budget: int,
                  cost: Cost = write_cost) -> tuple[list[ItemPlan], list[ItemPlan]]:
    """Split plans into those that fit `budget` write operations and those left pending.

    Whole items only, in order: the first plan that does not fit and all after it wait for
    the next run, so a budgeted run never half-writes a ticket.
    """
    now: list[ItemPlan] = []
    spent = 0
    for index, plan in enumerate(plans):
        needed = cost(plan)
        if spent + needed > budget:
            return now, list(plans[index:])
        spent += needed
        now.append(plan)
    return now, []
