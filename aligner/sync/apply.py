"""Apply: hand each source's plans to its adapter and gather one result per plan."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from aligner.plugins.adapter import Adapter, WritableAdapter, WriteResult
from aligner.sync.plan import ItemPlan

READ_ONLY = "the {name} tracker is read-only: nothing was written"


def writable_sources(adapters: Mapping[str, Adapter]) -> frozenset[str]:
    """The sources whose adapter can write (the others are checked and reported only)."""
    return frozenset(name for name, adapter in adapters.items()
                     if isinstance(adapter, WritableAdapter))


def apply(adapters: Mapping[str, Adapter], plans: Sequence[ItemPlan], *,
          recover: bool = False) -> list[WriteResult]:
    """Apply `plans` source by source, in order; one result per plan.

    `recover` (after an interrupted run) makes adapters look for an existing aligner comment
    before creating one. A plan for a read-only source fails without a request.
    """
    results: list[WriteResult] = []
    for name, adapter in adapters.items():
        mine = [p for p in plans if p.item.source == name]
        if not mine:
            continue
        if isinstance(adapter, WritableAdapter):
            results.extend(adapter.apply(mine, recover=recover))
        else:
            results.extend(WriteResult(p.item.key, 0, READ_ONLY.format(name=name))
                           for p in mine)
    return results
