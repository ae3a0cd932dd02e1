"""The strategy tree: strategy → bet → objective → epics/projects, with the open work at each node.

Leaders ask where the work actually sits. Each node carries its open items and how many are
aligned through it, its own status, and whether it is *live* (it and every node above it are
active, so work under it counts). Strategy, bet and objective tallies are the report metrics';
the per-link tallies come from each item's `links` (the objective links its trace met), walked
over the few distinct combinations rather than over every item, so 100k items cost one pass.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date

from aligner.engine.evaluate import Evaluation, ItemOutcome
from aligner.model.schema import Bet, Objective, OperatingModel, Strategy
from aligner.plugins.registry import link_schemes
from aligner.plugins.tracker import match_scheme
from aligner.report.metrics import Metrics, Share

STRATEGY, BET, OBJECTIVE, LINK, DIRECT = "strategy", "bet", "objective", "link", "direct"
DIRECT_NAME = "labels or objective field"  # items naming the objective themselves


@dataclass(frozen=True)
class TreeNode:
    """One node of the strategy tree."""

    kind: str  # strategy | bet | objective | link | direct
    id: str
    name: str
    status: str  # active, retired, done, dropped, "ended 2026-09-30", "starts 2027-01-01"
    share: Share  # open items reaching the node; aligned = aligned through it
    live: bool  # it and every node above it are active: work under it counts as aligned
    children: tuple[TreeNode, ...] = ()
    team: str | None = None  # objectives: the owning team

    @property
    def active(self) -> bool:
        """Its own status is active (a live node's parent may still be inactive: not live)."""
        return self.status == "active"

    @property
    def label(self) -> str:
        """What people read: the name, else the id."""
        return self.name or self.id


@dataclass(frozen=True)
class StrategyTree:
    """The whole tree, plus the objectives that lead to no strategy and the untraced work."""

    roots: tuple[TreeNode, ...]  # one per strategy, in model order
    unanchored: tuple[TreeNode, ...]  # objectives supporting nothing (a strategy gap)
    untraced: int  # open items reaching no objective
    total: int  # open items

    def walk(self) -> Iterator[tuple[int, TreeNode]]:
        """Every node depth-first with its depth (0 for strategies and unanchored objectives)."""
        for root in (*self.roots, *self.unanchored):
            yield from _walk(root, 0)


def _walk(node: TreeNode, depth: int) -> Iterator[tuple[int, TreeNode]]:
    yield depth, node
    for child in node.children:
        yield from _walk(child, depth + 1)


def build_tree(model: OperatingModel, evaluation: Evaluation, metrics: Metrics) -> StrategyTree:
    """The strategy tree of one run, from the model, the outcomes and the metrics."""
    builder = _Builder(model, evaluation.as_of, metrics, _link_shares(evaluation.outcomes))
    roots = tuple(builder.strategy(s) for s in model.strategy)
    anchored = {o.id for o in model.objectives if builder.parent_of(o) is not None}
    # a gap: nothing it holds counts as aligned, so it is greyed like inactive work
    unanchored = tuple(builder.objective(o, False) for o in model.objectives
                       if o.id not in anchored)
    return StrategyTree(roots, unanchored, metrics.untraced, metrics.overall.items)


def _link_shares(outcomes: Iterable[ItemOutcome]) -> dict[tuple[str, str], Share]:
    """(objective, case-folded link) -> items reaching the objective through that link."""
    combos = Counter((o.links, frozenset(o.objectives)) for o in outcomes if o.links)
    items: Counter[tuple[str, str]] = Counter()
    aligned: Counter[tuple[str, str]] = Counter()
    for (links, active), count in combos.items():
        for pair in links:
            items[pair] += count
            aligned[pair] += count * (pair[0] in active)
    return {pair: Share(items[pair], aligned[pair]) for pair in items}


class _Builder:
    """Builds nodes top-down, so each knows whether everything above it is active."""

    def __init__(self, model: OperatingModel, as_of: date, metrics: Metrics,
                 links: dict[tuple[str, str], Share]) -> None:
        self.model, self.as_of, self.metrics, self.links = model, as_of, metrics, links
        self.bets = {b.id for b in model.bets}
        self.strategies = {s.id for s in model.strategy}

    def parent_of(self, objective: Objective) -> str | None:
        supports = objective.supports
        return supports if supports in self.bets or supports in self.strategies else None

    def strategy(self, strategy: Strategy) -> TreeNode:
        live = strategy.status == "active"
        children = [self.bet(b, live) for b in self.model.bets if b.strategy == strategy.id]
        children += [self.objective(o, live) for o in self.model.objectives
                     if o.supports == strategy.id]
        return TreeNode(STRATEGY, strategy.id, strategy.name, strategy.status,
                        self.metrics.by_strategy.get(strategy.id, Share(0, 0)), live,
                        tuple(children))

    def bet(self, bet: Bet, parent_live: bool) -> TreeNode:
        live = parent_live and bet.status == "active"
        children = tuple(self.objective(o, live) for o in self.model.objectives
                         if o.supports == bet.id)
        return TreeNode(BET, bet.id, bet.name, bet.status,
                        self.metrics.by_bet.get(bet.id, Share(0, 0)), live, children)

    def objective(self, objective: Objective, parent_live: bool) -> TreeNode:
        status = objective_status(objective, self.as_of)
        live = parent_live and status == "active"
        share = self.metrics.by_objective.get(objective.id, Share(0, 0))
        children = [TreeNode(LINK, link, _link_name(link), status,
                             self.links.get((objective.id, link.casefold()), Share(0, 0)), live)
                    for link in objective.links]
        rest = Share(share.items - sum(c.share.items for c in children),
                     share.aligned - sum(c.share.aligned for c in children))
        if rest.items > 0:  # reached without a link: labels or the objective field
            children.append(TreeNode(DIRECT, DIRECT, DIRECT_NAME, status, rest, live))
        return TreeNode(OBJECTIVE, objective.id, objective.name, status, share, live,
                        tuple(children), objective.team)


def objective_status(objective: Objective, as_of: date) -> str:
    """`active`, `done`, `dropped`, or, for an active objective outside its period on
    `as_of`, `ended YYYY-MM-DD` / `starts YYYY-MM-DD` (the trace judges it the same way)."""
    period = objective.period
    if objective.status != "active" or period is None or period.contains(as_of):
        return objective.status
    if as_of > period.end:
        return f"ended {period.end.isoformat()}"
    return f"starts {period.start.isoformat()}"


def _link_name(link: str) -> str:
    """`jira:CHK-100` -> `CHK-100`; `linear:project:Brand refresh` -> `project 'Brand
    refresh'`: what people call the epic or project, as its tracker's link scheme says."""
    scheme = match_scheme(link, link_schemes())
    if scheme is not None:
        return scheme.describe(link)
    _, colon, rest = link.partition(":")
    return rest if colon and rest else link
