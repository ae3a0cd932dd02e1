"""Plan and apply, each called alone: evaluation hands the planner what it needs, no callback."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from pathlib import Path

from aligner.engine.evaluate import evaluate
from aligner.engine.items import BacklogItem
from aligner.model.load import load_config
from aligner.plugins.adapter import WritableAdapter, WriteResult
from aligner.sync.apply import apply, writable_sources
from aligner.sync.budget import within_budget, write_cost
from aligner.sync.plan import CREATE, ItemPlan
from aligner.sync.planner import plan
from aligner.sync.read import open_adapters, read

ACME = Path(__file__).parents[2] / "examples" / "acme" / "aligner.yaml"
AS_OF = date(2026, 11, 15)


class Recorder:
    """A writable fake that records every plan it is asked to apply."""

    name = "fake"
    incremental = True
    request_count = 0
    skipped = 0

    def __init__(self) -> None:
        self.applied: list[tuple[str, bool]] = []

    def fetch(self, since: datetime | None = None) -> Iterator[BacklogItem]:
        return iter(())

    def fetch_missing(self, keys: Iterable[str]) -> Iterator[BacklogItem]:
        return iter(())

    def apply(self, plans: Sequence[ItemPlan], recover: bool = False) -> Iterator[WriteResult]:
        for p in plans:
            self.applied.append((p.item.key, recover))
            yield WriteResult(p.item.key, write_cost(p))


def acme_plans() -> list[ItemPlan]:
    config = load_config(ACME)
    graph = read(open_adapters(config)).graph
    evaluation = evaluate(config, graph, AS_OF, keep={"file"})
    return plan(config.model.writeback, graph, evaluation, {"file"})


def test_plan_alone_flags_each_ticket_finding_with_labels_and_one_comment() -> None:
    plans = acme_plans()
    assert plans and all(p.comment == CREATE and p.add_labels for p in plans)
    chk106 = next(p for p in plans if p.item.key == "CHK-106")
    assert chk106.add_labels == ("aligner:boundary-crossing",)
    assert chk106.body is not None  # the comment, built from the kept trace
    keys = [p.item.key for p in plans]
    assert len(keys) == len(set(keys))


def test_plan_only_for_the_sources_asked_and_kept() -> None:
    config = load_config(ACME)
    graph = read(open_adapters(config)).graph
    evaluation = evaluate(config, graph, AS_OF)  # a check keeps no traces
    assert evaluation.flagged == {}
    assert plan(config.model.writeback, graph, evaluation, ()) == []


def test_apply_alone_sends_each_source_its_plans_and_refuses_read_only_ones() -> None:
    plans = acme_plans()[:3]
    recorder = Recorder()
    moved = [ItemPlan(BacklogItem(p.item.key, "fake", "jira"), p.add_labels) for p in plans]
    adapters = {"fake": recorder, "file": open_adapters(load_config(ACME))["file"]}
    assert writable_sources(adapters) == {"fake"}
    results = apply(adapters, [*moved, plans[0]], recover=True)
    assert recorder.applied == [(p.item.key, True) for p in moved]
    assert [r.ok for r in results] == [True, True, True, False]
    assert results[-1].requests == 0 and "read-only" in (results[-1].error or "")


def test_an_adapter_without_apply_is_not_writable() -> None:
    class ReadOnly(Recorder):
        apply = None  # type: ignore[assignment]

    assert isinstance(Recorder(), WritableAdapter)
    assert not isinstance(ReadOnly(), WritableAdapter)  # a None member does not count


def test_budget_alone_keeps_whole_items_in_order() -> None:
    plans = acme_plans()
    now, pending = within_budget(plans, 3)
    assert [write_cost(p) for p in now] == [2] and now + pending == plans
