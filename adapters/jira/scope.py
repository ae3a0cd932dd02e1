"""What the backlog mirror asks of Jira beyond the scope's pages: items re-read by key within
the scope, the flagged tickets outside it, and the scope's keys alone (the cheap reconcile)."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import replace
from typing import Any

from aligner.engine.items import BacklogItem

from .jql import exits_query, in_scope, split_order_by
from .reader import Site, listed_keys, refetch, search

ToItem = Callable[[Any], BacklogItem | None]


def refetch_items(site: Site, jql: str, keys: Iterable[str], fields: Sequence[str],
                  to_item: ToItem) -> Iterator[BacklogItem]:
    """The items among `keys` that the scope still evaluates or holds (open or done)."""
    for raw in refetch(site, split_order_by(jql)[0], sorted(set(keys)), fields):
        item = to_item(raw)
        if item is not None:
            yield item


def exit_items(site: Site, jql: str, labels: Collection[str], fields: Sequence[str],
               page_size: int, to_item: ToItem) -> Iterator[BacklogItem]:
    """Tickets with any of aligner's `labels` that the scope does not evaluate (one search)."""
    if not labels:
        return
    for raw in search(site, exits_query(jql, sorted(labels)), fields, page_size):
        item = to_item(raw)
        if item is not None:
            yield replace(item, in_scope=False)


def changed_outside(site: Site, jql: str, minutes: int) -> Iterator[str]:
    """Keys updated in the last `minutes` that the scope does not evaluate (done, or outside
    the JQL), ids only: the mirror re-reads the ancestors it holds among them."""
    return listed_keys(site, f'updated >= "-{minutes}m" AND NOT ({in_scope(jql)})')


def scope_keys(site: Site, jql: str) -> Iterator[str]:
    """Every key a full read would return (the JQL's open items), ids only."""
    return listed_keys(site, in_scope(jql))
