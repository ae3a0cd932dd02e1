"""Metrics: overall, per team, objective, bet and strategy; untraced; idle; waivers."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from aligner.report.metrics import compute_metrics
from aligner.sync.check import run_check
from tests.report_factory import MODEL, outcome, report

ACME = Path(__file__).parents[2] / "examples" / "acme" / "aligner.yaml"


def acme_metrics():  # type: ignore[no-untyped-def]
    run = run_check(ACME, as_of=date(2026, 11, 15))
    return compute_metrics(run.evaluation, run.config.model, run.config.rule_set)


def test_acme_numbers_match_the_example_readme() -> None:
    metrics = acme_metrics()
    overall = metrics.overall
    assert (overall.items, overall.aligned, overall.accounted) == (91, 66, 6)
    assert {t: (s.items, s.aligned, s.accounted) for t, s in metrics.by_team.items()} == {
        "checkout": (26, 20, 2), "growth": (24, 20, 0), "payments": (20, 11, 4),
        "platform": (18, 15, 0)}
    assert metrics.unheld == 3
    assert metrics.team_bar == 0.8
    assert [team for team, _ in metrics.below_bar()] == ["payments"]
    assert (metrics.waivers_in_force, metrics.waivers_expired, metrics.waived_findings) == (2, 1, 3)


def test_acme_objectives_bets_and_strategy() -> None:
    metrics = acme_metrics()
    stale = metrics.by_objective["CHK-Q3-1"]  # period over: reached, never aligned through it
    assert stale.items == 2 and stale.aligned == 0
    assert metrics.by_objective["GRO-Q4-3"].aligned == 0  # strategy gap
    retired = metrics.by_strategy["open-ecosystem"]
    assert (retired.items, retired.aligned) == (1, 0)
    assert metrics.by_bet["app-marketplace"].items == 1
    # an item counts once per strategy, whatever the number of objectives it reaches
    assert all(s.items <= metrics.overall.items for s in metrics.by_strategy.values())
    # the example's pillar without objectives (AL106) and objective without work (AL105)
    assert metrics.idle == {"strategies": ["lower-cost-to-serve"], "bets": [],
                            "objectives": ["PAY-Q4-2"]}


def test_untraced_counts_items_reaching_no_objective() -> None:
    metrics = acme_metrics()
    # 14 AL101 (two waived) + CHK-130 and PAY-304, whose AL102 explains why nothing is reached
    assert metrics.untraced == 16
    assert metrics.untraced_ratio == round(16 / 91, 4)


def test_idle_lists_active_nodes_nobody_works_on() -> None:
    run = report([], [outcome("A-1", "alpha", True, ("O-1",)), outcome("A-2", "alpha", False)])
    metrics = run.metrics
    assert metrics.idle == {"strategies": ["idle-pillar"], "bets": ["bet-idle"],
                            "objectives": ["O-2", "O-idle"]}  # retired `old` is not listed
    assert metrics.by_strategy["grow"].items == 1 and metrics.untraced == 1


def test_json_metrics_block_is_additive() -> None:
    document = report([], [outcome("A-1", "alpha", True, ("O-1",))]).metrics.to_json()
    assert set(document) >= {"by_team", "by_objective", "by_bet", "by_strategy", "idle",
                             "untraced", "untraced_ratio", "waivers"}
    assert document["waivers"] == {"in_force": 0, "expired": 0, "waived_findings": 0}
    assert document["by_team"]["alpha"] == {"items": 1, "aligned": 1, "aligned_ratio": 1.0}


def test_the_team_bar_comes_from_the_rule_that_declares_it_not_a_code() -> None:
    from pydantic import BaseModel

    from aligner.engine.rule import Rule
    from aligner.engine.selection import RuleSet
    from aligner.report.metrics import team_bar_rule

    class BarOptions(BaseModel):
        min_aligned: float = 0.6

    class PluginBar(Rule):
        """A plugin's team bar."""

        code, name, scope, Options = "XY900", "plugin-bar", "run", BarOptions

    class ItemRule(Rule):
        """An item rule with a min_aligned option is not a team bar."""

        code, name, Options = "XY901", "item-rule", BarOptions

    rules = RuleSet((ItemRule(), PluginBar()), {})
    assert team_bar_rule(rules) is rules.rules[1]
    run = report([], [outcome("A-1", "alpha", True, ("O-1",)), outcome("B-1", "beta", False)])
    metrics = compute_metrics(run.evaluation, MODEL, rules)
    assert metrics.team_bar == 0.6 and metrics.team_bar_rule == ("XY900", "plugin-bar")
    assert [team for team, _ in metrics.below_bar()] == ["beta"]
    assert team_bar_rule(RuleSet((ItemRule(),), {})) is None
