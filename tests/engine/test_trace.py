"""Trace resolution (aligner.engine.trace): how an item reaches objectives, bets and strategy,
and the words a user reads about it: the path walked, how each objective was reached, the
chain to strategy, why a path is stale, and what is broken."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from aligner.engine.trace import ALIGNED, GAP, STALE, Trace, Tracer
from aligner.model.load import config_from_text
from aligner.testing import make_item

MODEL = """
version: 1
strategy:
  - {id: grow, name: Grow self-serve revenue}
  - {id: old, name: Open ecosystem, status: retired}
bets:
  - {id: checkout-bet, name: Frictionless checkout, strategy: grow}
  - {id: market-bet, name: App marketplace, strategy: old}
  - {id: shelved-bet, name: Shelved, strategy: grow, status: retired}
objectives:
  - id: CHK-Q4-1
    team: checkout
    supports: checkout-bet
    period: {start: 2026-10-01, end: 2026-12-31}
    links: ["jira:chk-100", "linear:project:Checkout v2", "linear:project:p-onboarding"]
  - {id: CHK-Q3-1, team: checkout, supports: checkout-bet,
     period: {start: 2026-07-01, end: 2026-09-30}, links: ["jira:CHK-90"]}
  - {id: CHK-Q1-1, team: checkout, supports: grow,
     period: {start: 2027-01-01, end: 2027-03-31}, links: ["jira:CHK-91"]}
  - {id: PAY-Q3-1, team: payments, supports: grow, status: done, links: ["jira:PAY-90"]}
  - {id: GRO-Q4-3, team: growth, links: ["jira:GRO-30"]}
  - {id: PLT-Q4-2, team: platform, supports: market-bet, links: ["jira:PLT-20"]}
  - {id: OLD-Q4-1, team: platform, supports: shelved-bet, links: ["jira:PLT-21"]}
teams:
  - {id: checkout}
  - {id: payments}
  - {id: growth}
  - {id: platform}
trackers:
  file: {path: unused.json}
"""
AS_OF = date(2026, 11, 15)
OKR = {"jira": "okr:", "linear": "okr:"}


def trace(key: str, items: Sequence[Mapping[str, Any]], as_of: date = AS_OF,
          prefixes: Mapping[str, str] = OKR) -> Trace:
    """The trace of `key` in a graph of `items`, as a run on `as_of` resolves it."""
    graph = {item.key: item for item in (make_item(i, "jira") for i in items)}
    tracer = Tracer(config_from_text(MODEL, "trace.yaml").model, graph, as_of, prefixes)
    return tracer.trace(graph[key])


def reached(t: Trace) -> dict[str, str]:
    """Objective id → how it was reached, as the explain output and comments say it."""
    return {r.status.objective: r.via for r in t.reached}


def test_a_story_under_a_linked_epic_reaches_the_objective_and_the_strategy() -> None:
    t = trace("CHK-1", [{"key": "CHK-100"}, {"key": "CHK-1", "parents": ["CHK-100"]}])
    assert t.ancestors == ("CHK-100",) and t.aligned and t.broken == ()
    assert reached(t) == {"CHK-Q4-1": "ancestor CHK-100 is linked from objective CHK-Q4-1"}
    status = t.reached[0].status
    assert status.state == ALIGNED and status.inactive == ()
    assert status.chain == ("objective CHK-Q4-1", "bet checkout-bet", "strategy grow")


def test_parents_are_walked_level_by_level_up_to_the_epic() -> None:
    t = trace("CHK-3", [{"key": "CHK-100"}, {"key": "CHK-2", "parents": ["CHK-100"]},
                        {"key": "CHK-3", "parents": ["CHK-2"]}])
    assert t.ancestors == ("CHK-2", "CHK-100")
    assert t.ancestor_names == ("CHK-2", "CHK-100")
    assert reached(t) == {"CHK-Q4-1": "ancestor CHK-100 is linked from objective CHK-Q4-1"}


def test_an_item_linked_itself_is_reached_as_it() -> None:
    t = trace("CHK-100", [{"key": "CHK-100"}])
    assert t.ancestors == () and reached(t) == {"CHK-Q4-1": "it is linked from objective CHK-Q4-1"}


def test_links_match_ignoring_case() -> None:
    t = trace("CHK-1", [{"key": "CHK-100"}, {"key": "CHK-1", "parents": ["CHK-100"]}])
    assert t.aligned  # the model writes `jira:chk-100`
    t = trace("GRO-7", [
        {"key": "project:p1", "source": "linear", "kind": "project", "title": "Checkout v2",
         "refs": ["linear:project:CHECKOUT V2"]},
        {"key": "GRO-7", "source": "linear", "parents": ["project:p1"]}])
    assert reached(t) == {"CHK-Q4-1": "project Checkout v2 is linked from objective CHK-Q4-1"}


def test_a_linear_project_is_reached_by_name_and_shown_by_name() -> None:
    t = trace("GRO-7", [
        {"key": "project:p1", "source": "linear", "kind": "project", "title": "Checkout v2",
         "refs": ["linear:project:Checkout v2"]},
        {"key": "GRO-7", "source": "linear", "parents": ["project:p1"]}])
    assert t.ancestors == ("project:p1",)
    assert t.ancestor_names == ("project 'Checkout v2'",)
    assert t.aligned


def test_a_linear_project_is_reached_by_id() -> None:
    t = trace("GRO-8", [
        {"key": "project:p-onboarding", "source": "linear", "kind": "project",
         "title": "Onboarding"},
        {"key": "GRO-8", "source": "linear", "parents": ["project:p-onboarding"]}])
    assert reached(t) == {"CHK-Q4-1": "project Onboarding is linked from objective CHK-Q4-1"}
    assert t.ancestor_names == ("project 'Onboarding'",)


def test_an_objective_label_reaches_it_whatever_the_case() -> None:
    t = trace("CHK-3", [{"key": "CHK-3", "labels": ["OKR:chk-q4-1"]}])
    assert reached(t) == {"CHK-Q4-1": "label OKR:chk-q4-1 on CHK-3"} and t.aligned


def test_a_label_on_an_ancestor_counts_for_the_descendant() -> None:
    t = trace("CHK-2", [{"key": "CHK-50", "labels": ["okr:CHK-Q4-1"]},
                        {"key": "CHK-2", "parents": ["CHK-50"]}])
    assert reached(t) == {"CHK-Q4-1": "label okr:CHK-Q4-1 on CHK-50"}


def test_the_label_prefix_is_the_sources_own() -> None:
    items = [{"key": "CHK-3", "labels": ["goal:CHK-Q4-1", "okr:CHK-Q3-9"]}]
    t = trace("CHK-3", items, prefixes={"jira": "goal:"})
    assert reached(t) == {"CHK-Q4-1": "label goal:CHK-Q4-1 on CHK-3"}
    assert t.broken == ()  # okr:… is an ordinary label under another prefix


def test_the_objective_field_reaches_the_objective() -> None:
    t = trace("CHK-4", [{"key": "CHK-4", "objective_ref": " chk-q4-1 "}])
    assert reached(t) == {"CHK-Q4-1": "objective field of CHK-4"}


def test_an_unknown_objective_is_broken_with_a_hint() -> None:
    t = trace("CHK-5", [{"key": "CHK-5", "labels": ["okr:CHK-Q3-9"], "objective_ref": "nope"}])
    assert t.reached == ()
    assert t.broken == (
        "label okr:CHK-Q3-9 on CHK-5 names objective 'CHK-Q3-9', which the model does not "
        "define (did you mean 'CHK-Q3-1'?)",
        "objective field of CHK-5 names objective 'nope', which the model does not define",
    )


def test_a_missing_parent_is_broken_wherever_it_is_on_the_path() -> None:
    t = trace("CHK-6", [{"key": "CHK-6", "parents": ["CHK-999"]}])
    assert t.broken == ("CHK-6 points at parent CHK-999, which does not exist or is not visible",)
    assert t.ancestors == ()
    t = trace("CHK-7", [{"key": "CHK-60", "parents": ["CHK-998"]},
                        {"key": "CHK-7", "parents": ["CHK-60"]}])
    assert t.ancestors == ("CHK-60",)
    assert t.broken == ("CHK-60 points at parent CHK-998, which does not exist or is not "
                        "visible",)


def test_a_broken_link_is_reported_even_when_the_item_is_aligned() -> None:
    t = trace("CHK-9", [{"key": "CHK-100"},
                        {"key": "CHK-9", "parents": ["CHK-100"], "labels": ["okr:nope"]}])
    assert t.aligned
    assert t.broken == ("label okr:nope on CHK-9 names objective 'nope', which the model does "
                        "not define",)


def test_a_parent_loop_is_broken_and_named_not_a_hang() -> None:
    t = trace("CHK-18", [{"key": "CHK-18", "parents": ["CHK-19"]},
                         {"key": "CHK-19", "parents": ["CHK-18"]}])
    assert t.broken == ("the parent chain of CHK-18 loops: CHK-18 → CHK-19 → CHK-18",)
    t = trace("CHK-1", [{"key": "CHK-1", "parents": ["CHK-2"]},
                        {"key": "CHK-2", "parents": ["CHK-3"]},
                        {"key": "CHK-3", "parents": ["CHK-2"]}])
    assert t.broken == ("the parent chain of CHK-1 loops: CHK-1 → CHK-2 → CHK-3 → CHK-2",)
    assert t.ancestors == ("CHK-2", "CHK-3")


def test_two_paths_to_one_ancestor_are_not_a_loop() -> None:
    t = trace("CHK-1", [{"key": "CHK-100"},
                        {"key": "CHK-2", "parents": ["CHK-100"]},
                        {"key": "CHK-3", "parents": ["CHK-100"]},
                        {"key": "CHK-1", "parents": ["CHK-2", "CHK-3"]}])
    assert t.broken == () and t.aligned
    assert t.ancestors == ("CHK-2", "CHK-3", "CHK-100")


def test_an_objective_past_its_period_is_stale_and_says_when_it_ended() -> None:
    t = trace("CHK-11", [{"key": "CHK-90"}, {"key": "CHK-11", "parents": ["CHK-90"]}])
    status = t.reached[0].status
    assert not t.aligned and status.state == STALE
    assert status.inactive == ("objective CHK-Q3-1 ended 2026-09-30",)


def test_an_objective_inside_its_period_is_aligned() -> None:
    t = trace("CHK-11", [{"key": "CHK-90"}, {"key": "CHK-11", "parents": ["CHK-90"]}],
              as_of=date(2026, 9, 30))
    assert t.aligned


def test_an_objective_not_yet_started_is_stale_and_says_when_it_starts() -> None:
    t = trace("CHK-12", [{"key": "CHK-91"}, {"key": "CHK-12", "parents": ["CHK-91"]}])
    assert t.reached[0].status.inactive == ("objective CHK-Q1-1 starts 2027-01-01",)
    assert t.reached[0].status.chain == ("objective CHK-Q1-1", "strategy grow")


def test_a_done_objective_a_retired_bet_and_a_retired_strategy_are_stale() -> None:
    done = trace("PAY-90", [{"key": "PAY-90"}]).reached[0].status
    assert (done.state, done.inactive) == (STALE, ("objective PAY-Q3-1 is done",))
    bet = trace("PLT-21", [{"key": "PLT-21"}]).reached[0].status
    assert (bet.state, bet.inactive) == (STALE, ("bet shelved-bet is retired",))
    strategy = trace("PLT-20", [{"key": "PLT-20"}]).reached[0].status
    assert (strategy.state, strategy.inactive) == (STALE, ("strategy old is retired",))
    assert strategy.chain == ("objective PLT-Q4-2", "bet market-bet", "strategy old")


def test_an_objective_that_supports_nothing_is_a_gap() -> None:
    status = trace("GRO-30", [{"key": "GRO-30"}]).reached[0].status
    assert (status.state, status.chain) == (GAP, ("objective GRO-Q4-3",))


def test_one_active_path_aligns_the_item_whatever_else_it_reaches() -> None:
    t = trace("CHK-13", [{"key": "CHK-13",
                          "labels": ["okr:CHK-Q3-1", "okr:GRO-Q4-3", "okr:CHK-Q4-1"]}])
    assert t.aligned
    assert {r.status.objective: r.status.state for r in t.reached} == {
        "CHK-Q3-1": STALE, "GRO-Q4-3": GAP, "CHK-Q4-1": ALIGNED}


def test_an_untraced_item_shows_the_path_it_walked_and_reaches_nothing() -> None:
    t = trace("CHK-41", [{"key": "CHK-40"}, {"key": "CHK-41", "parents": ["CHK-40"]}])
    assert (t.ancestors, t.reached, t.broken, t.aligned) == (("CHK-40",), (), (), False)
