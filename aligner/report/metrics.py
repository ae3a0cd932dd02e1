"""Alignment metrics of one run: overall, per team, per objective, bet and strategy.

They answer the planning questions: what share of the work traces to strategy, team by team;
how the work spreads across the strategy (and where nobody is working); how much is untraced;
which waivers are in force and which expired. Computed from the engine's per-item outcomes and
the model; no tracker is contacted.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from aligner.engine.evaluate import Evaluation, ItemOutcome
from aligner.engine.findings import Finding
from aligner.engine.rule import Rule
from aligner.engine.selection import RuleSet
from aligner.model.schema import OperatingModel

# The option a run-level rule declares to set the team bar (the built-in AL301 does); the
# core names no rule code: whichever selected rule declares it gives the bar.
TEAM_BAR_OPTION = "min_aligned"


@dataclass(frozen=True, slots=True)
class Share:
    """Open items and how many of them are aligned; `accounted` of them are funded by an
    allocation bucket, so they are judged by allocation, not alignment (DESIGN §14)."""

    items: int
    aligned: int
    accounted: int = 0

    @property
    def exact(self) -> float:
        """Aligned share of the items that should align, unrounded (gates compare this:
        0.79999 is below 0.8); 1.0 when there is nothing to align, so no empty team fails."""
        judged = self.items - self.accounted
        return self.aligned / judged if judged else 1.0

    @property
    def ratio(self) -> float:
        """Aligned share rounded to 4 places, as the JSON report carries it."""
        return round(self.exact, 4)

    def below(self, bar: float | None) -> bool:
        """Under `bar` (never when there is no bar or nothing to align)."""
        return bar is not None and self.items > self.accounted and self.exact < bar

    def to_json(self) -> dict[str, Any]:
        extra = {"accounted": self.accounted} if self.accounted else {}
        return {"items": self.items, "aligned": self.aligned, "aligned_ratio": self.ratio,
                **extra}


@dataclass(frozen=True)
class Metrics:
    """Every number the reports show besides the findings themselves."""

    overall: Share
    by_team: dict[str, Share]  # teams holding open items, sorted by id
    unheld: int  # open items no team holds
    by_objective: dict[str, Share]  # items reaching the objective; aligned = through it
    by_bet: dict[str, Share]
    by_strategy: dict[str, Share]
    idle: dict[str, list[str]]  # active strategies/bets/objectives no open item reaches
    untraced: int  # open items reaching no objective at all
    waivers_in_force: int
    waivers_expired: int
    waived_findings: int
    team_bar: float | None  # the team-bar rule's min_aligned when it runs, else None
    bets_of: dict[str, tuple[str, ...]]  # strategy id -> its bets, in model order
    by_code: dict[str, int]  # counted (not waived) findings per rule code, sorted
    counted: list[Finding]  # the findings that count: not waived
    team_bar_rule: tuple[str, str] | None = None  # (code, name) of the rule giving team_bar

    @property
    def findings(self) -> int:
        return len(self.counted)

    @property
    def untraced_ratio(self) -> float:
        items = self.overall.items
        return round(self.untraced / items, 4) if items else 0.0

    def below_bar(self) -> list[tuple[str, Share]]:
        """Teams whose aligned share is under the team bar (none when no rule sets one)."""
        return [(team, share) for team, share in self.by_team.items()
                if share.below(self.team_bar)]  # exact, as the rule judges

    def to_json(self) -> dict[str, Any]:
        """The `metrics` object of the JSON report (an addition to the §7 contract)."""
        return {
            "by_team": {team: share.to_json() for team, share in self.by_team.items()},
            "unheld": self.unheld,
            "team_bar": self.team_bar,
            "by_objective": _shares(self.by_objective),
            "by_bet": _shares(self.by_bet),
            "by_strategy": _shares(self.by_strategy),
            "idle": self.idle,
            "untraced": self.untraced,
            "untraced_ratio": self.untraced_ratio,
            "waivers": {"in_force": self.waivers_in_force, "expired": self.waivers_expired,
                        "waived_findings": self.waived_findings},
        }


def _shares(shares: dict[str, Share]) -> dict[str, Any]:
    return {key: share.to_json() for key, share in shares.items()}


def compute_metrics(evaluation: Evaluation, model: OperatingModel,
                    rule_set: RuleSet | None = None) -> Metrics:
    """The metrics of `evaluation`, judged against `model` (and its team bar, if selected)."""
    outcomes = evaluation.outcomes
    strategy_of = _strategy_of(model)
    bet_of = {o.id: o.supports for o in model.objectives
              if o.supports in {b.id for b in model.bets}}
    reaches = _reaches(outcomes)
    by_objective = _tally(reaches, lambda ids: ids, [o.id for o in model.objectives])
    by_bet = _tally(reaches, lambda ids: {bet_of[i] for i in ids if i in bet_of},
                    [b.id for b in model.bets])
    by_strategy = _tally(reaches, lambda ids: {strategy_of[i] for i in ids if i in strategy_of},
                         [s.id for s in model.strategy])
    waivers = evaluation.waivers
    counted = [f for f in evaluation.findings if not f.waived]
    bar_rule = team_bar_rule(rule_set)
    return Metrics(
        overall=Share(evaluation.evaluated, evaluation.aligned, evaluation.accounted),
        by_team=team_shares(outcomes),
        unheld=sum(o.team is None for o in outcomes),
        by_objective=by_objective,
        by_bet=by_bet,
        by_strategy=by_strategy,
        idle=_idle(model, by_objective, by_bet, by_strategy),
        untraced=sum(not (o.reached or o.objectives) for o in outcomes),
        waivers_in_force=len(waivers.in_force) if waivers else 0,
        waivers_expired=len(waivers.expired) if waivers else 0,
        waived_findings=len(evaluation.findings) - len(counted),
        team_bar=_bar_of(bar_rule),
        bets_of={s.id: tuple(b.id for b in model.bets if b.strategy == s.id)
                 for s in model.strategy},
        by_code=dict(sorted(Counter(f.code for f in counted).items())),
        counted=counted,
        team_bar_rule=(bar_rule.code, bar_rule.name) if bar_rule else None,
    )


def team_shares(outcomes: Iterable[ItemOutcome]) -> dict[str, Share]:
    """Open and aligned items per holding team, teams sorted by id: the one team tally."""
    tally: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for outcome in outcomes:
        if outcome.team is not None:
            tally[outcome.team][0] += 1
            tally[outcome.team][1] += outcome.aligned
            tally[outcome.team][2] += outcome.bucket is not None
    return {team: Share(*tally[team]) for team in sorted(tally)}


def _strategy_of(model: OperatingModel) -> dict[str, str]:
    """Objective id -> the strategy it leads to (directly or through its bet)."""
    strategies = {s.id for s in model.strategy}
    bets = {b.id: b.strategy for b in model.bets}
    out: dict[str, str] = {}
    for objective in model.objectives:
        target = bets.get(objective.supports or "", objective.supports)
        if target in strategies:
            out[objective.id] = target
    return out


Reaches = Counter[tuple[frozenset[str], frozenset[str]]]


def _reaches(outcomes: Iterable[ItemOutcome]) -> Reaches:
    """How many items share each (objectives reached, objectives aligned through) pair: a
    backlog has few distinct pairs, so tallies walk those rather than every item."""
    return Counter((frozenset(o.reached) | frozenset(o.objectives), frozenset(o.objectives))
                   for o in outcomes)


def _tally(reaches: Reaches, nodes_of: Any, order: list[str]) -> dict[str, Share]:
    """Per node: items reaching it through any objective, and items aligned through it.

    `nodes_of` maps a set of objective ids to the nodes (objectives, bets, strategies) they
    lead to; each item counts once per node.
    """
    items: dict[str, int] = dict.fromkeys(order, 0)
    aligned: dict[str, int] = dict.fromkeys(order, 0)
    for (reached, active), count in reaches.items():
        for node in nodes_of(reached):
            items[node] = items.get(node, 0) + count
        for node in nodes_of(active):
            aligned[node] = aligned.get(node, 0) + count
    return {node: Share(items[node], aligned.get(node, 0)) for node in items}


def _idle(model: OperatingModel, objectives: dict[str, Share], bets: dict[str, Share],
          strategies: dict[str, Share]) -> dict[str, list[str]]:
    """Active nodes of the model that no open item reaches: where nobody is working."""
    return {
        "strategies": [s.id for s in model.strategy
                       if s.status == "active" and not strategies[s.id].items],
        "bets": [b.id for b in model.bets if b.status == "active" and not bets[b.id].items],
        "objectives": [o.id for o in model.objectives
                       if o.status == "active" and not objectives[o.id].items],
    }


def team_bar_rule(rule_set: RuleSet | None) -> Rule | None:
    """The selected run-level rule whose options declare the team bar (`min_aligned`)."""
    for rule in rule_set.rules if rule_set else ():
        if rule.scope == "run" and TEAM_BAR_OPTION in type(rule.options).model_fields:
            return rule
    return None


def _bar_of(rule: Rule | None) -> float | None:
    return None if rule is None else float(getattr(rule.options, TEAM_BAR_OPTION))
