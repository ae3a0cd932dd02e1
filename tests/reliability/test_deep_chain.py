"""Deep parent chains cost linear work (issue #13, item 8), and loops read exactly as before.

No timing is asserted: the tracer's graph lookups are counted instead (`benchmarks/deep_chain.py`
measures the time).
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Mapping
from datetime import date
from pathlib import Path

from aligner.engine.items import BacklogItem
from aligner.engine.trace import Tracer
from aligner.model.load import load_config
from aligner.model.schema import OperatingModel

ACME = Path(__file__).resolve().parents[2] / "examples" / "acme" / "aligner.yaml"
AS_OF = date(2026, 11, 15)


class CountingGraph(Mapping[str, BacklogItem]):
    """The work graph, counting every lookup the tracer makes."""

    def __init__(self, items: dict[str, BacklogItem]) -> None:
        self.items = items
        self.lookups = 0

    def __getitem__(self, key: str) -> BacklogItem:
        self.lookups += 1
        return self.items[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


def _item(key: str, parents: tuple[str, ...] = ()) -> BacklogItem:
    return BacklogItem(key=key, source="jira", tracker="jira", title=key, parents=parents)


def _chain(size: int) -> dict[str, BacklogItem]:
    """DEEP-1 ← DEEP-2 ← … ← DEEP-<size>, under epic CHK-100 (linked from CHK-Q4-1)."""
    return {f"DEEP-{n}": _item(f"DEEP-{n}", (f"DEEP-{n - 1}",) if n > 1 else ("CHK-100",))
            for n in range(1, size + 1)}


def _model() -> OperatingModel:
    return load_config(ACME).model


def _lookups(model: OperatingModel, items: dict[str, BacklogItem], reverse: bool) -> int:
    graph = CountingGraph(items)
    tracer = Tracer(model, graph, AS_OF, {})
    order = list(items.values())
    for item in reversed(order) if reverse else order:
        tracer.trace(item)
    return graph.lookups


def test_tracing_a_chain_costs_linear_lookups_in_either_order() -> None:
    model = _model()
    for reverse in (False, True):
        small, large = (_lookups(model, _chain(n), reverse) for n in (500, 2000))
        assert large <= 4.5 * small, (reverse, small, large)  # quadratic would be 16x


def _old_loop_above(item: BacklogItem, graph: Mapping[str, BacklogItem]) -> tuple[str, ...]:
    """The loop search before the fix, kept as the reference for what messages say."""
    path, done = [item.key], set()
    stack = [iter(item.parents)]
    while stack:
        for key in stack[-1]:
            if key in path:
                return (*path, key)
            parent = graph.get(key)
            if parent is not None and key not in done:
                path.append(key)
                stack.append(iter(parent.parents))
                break
        else:
            stack.pop()
            done.add(path.pop())
    return ()


def _random_graph(rng: random.Random, size: int) -> dict[str, BacklogItem]:
    keys = [f"X-{n}" for n in range(size)]
    items = {}
    for key in keys:
        parents = tuple(rng.choice([*keys, "MISSING-1"]) for _ in range(rng.choice((0, 1, 1, 2))))
        items[key] = _item(key, parents)
    return items


def test_loops_are_reported_exactly_as_before_whatever_the_order() -> None:
    model = _model()
    rng = random.Random(13)
    for _ in range(300):
        items = _random_graph(rng, rng.randint(1, 40))
        tracer = Tracer(model, items, AS_OF, {})
        order = list(items.values())
        rng.shuffle(order)
        for item in order:
            expected = _old_loop_above(item, items)
            loops = [b for b in tracer.trace(item).broken if " loops: " in b]
            if loops:
                assert loops == [f"the parent chain of {item.key} loops: "
                                 f"{' → '.join(expected)}"]
            else:
                assert not expected


def test_a_long_chain_under_a_loop_names_the_whole_path() -> None:
    items = _chain(40)
    items["CHK-100"] = _item("CHK-100", ("CHK-101",))
    items["CHK-101"] = _item("CHK-101", ("CHK-100",))
    tracer = Tracer(_model(), items, AS_OF, {})
    broken = tracer.trace(items["DEEP-40"]).broken
    path = [f"DEEP-{n}" for n in range(40, 0, -1)]
    assert broken[-1] == ("the parent chain of DEEP-40 loops: "
                          + " → ".join([*path, "CHK-100", "CHK-101", "CHK-100"]))
