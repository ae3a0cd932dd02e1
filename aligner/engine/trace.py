"""Trace resolution (DESIGN §4): walk up from an item to objectives, bets and strategy."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from aligner.engine.fixes import Suggester, Suggestion
from aligner.engine.items import BacklogItem
from aligner.engine.ownership import Area, Holding, Ownership
from aligner.engine.selectors import Buckets
from aligner.errors import did_you_mean
from aligner.model.schema import OperatingModel
from aligner.plugins.tracker import Claim, LinkScheme

MAX_DEPTH = 32  # deeper parent chains are a data error, not a hierarchy

ALIGNED, STALE, GAP = "aligned", "stale", "gap"

_NodeRefs = tuple[tuple[tuple[str, "Reach"], ...], tuple[str, ...]]  # (objective, reach), broken


@dataclass(frozen=True, slots=True)
class ObjectiveStatus:
    """Where one objective leads: its chain to strategy and whether every node is active."""

    objective: str
    team: str
    contributors: tuple[str, ...]
    chain: tuple[str, ...]  # "objective X", "bet Y", "strategy Z" as far as it goes
    state: str  # aligned | stale | gap
    inactive: tuple[str, ...] = ()  # why it is stale: "objective X is done", ...
    current: bool = True  # the objective itself is active and the run's date in its period
    strategy: str | None = None  # the strategy its chain ends at, if any


@dataclass(frozen=True, slots=True)
class Reach:
    """An objective reached by the item, and how."""

    status: ObjectiveStatus
    via: str  # "epic CHK-100 is linked from objective CHK-Q4-1", "label okr:CHK-Q4-1 on CHK-12"
    link: str | None = None  # the objective's link that was met (case-folded), if one was


@dataclass(frozen=True, slots=True)
class Trace:
    """Everything rules need about one evaluated item."""

    item: BacklogItem
    ancestors: tuple[str, ...]
    ancestor_names: tuple[str, ...]  # for people: `CHK-100`, `project "Checkout v2"`
    reached: tuple[Reach, ...]
    broken: tuple[str, ...]
    holding: Holding
    areas: tuple[Area, ...]
    suggestions: tuple[Suggestion, ...] = ()  # for items that are not aligned
    bucket: str | None = None  # the allocation bucket accounting for the item (DESIGN §14)

    @property
    def aligned(self) -> bool:
        return any(r.status.state == ALIGNED for r in self.reached)

    @property
    def holder(self) -> str | None:
        return self.holding.team


UNALLOCATED = "(unallocated)"  # the allocation key of open work no pillar or bucket takes


@dataclass
class Tally:
    """Open items per allocation key (a pillar, a bucket or UNALLOCATED), by count and by
    estimate. An item aligned through several pillars is split evenly between them."""

    items: int = 0
    estimated: int = 0  # items carrying an estimate
    estimate: float = 0.0  # the sum of their estimates
    count: dict[str, float] = field(default_factory=dict)
    points: dict[str, float] = field(default_factory=dict)

    def add(self, keys: tuple[str, ...], estimate: float | None) -> None:
        self.items += 1
        part = 1 / len(keys)
        for key in keys:
            self.count[key] = self.count.get(key, 0.0) + part
        if estimate is not None:
            self.estimated += 1
            self.estimate += estimate
            for key in keys:
                self.points[key] = self.points.get(key, 0.0) + estimate * part

    def share(self, key: str, by_estimate: bool = False) -> float:
        """The key's share of the open items (or of their estimates); 0.0 when empty."""
        if by_estimate:
            return self.points.get(key, 0.0) / self.estimate if self.estimate else 0.0
        return self.count.get(key, 0.0) / self.items if self.items else 0.0


@dataclass
class RunView:
    """What run-level rules see, tallied once while items are evaluated.

    `teams`: per team, its open items that no bucket accounts for, and how many align.
    `holding`: teams holding any open item; `reached`: objective ids some open item reaches;
    `statuses`: every objective of the model as judged for the run. With an `allocation` in
    the model, `allocation` tallies the organisation's open work per pillar and bucket and
    `allocation_by_team` each holding team's.
    """

    as_of: date
    teams: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    model: OperatingModel | None = None
    statuses: tuple[ObjectiveStatus, ...] = ()
    holding: set[str] = field(default_factory=set)
    reached: set[str] = field(default_factory=set)
    allocation: Tally | None = None
    allocation_by_team: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))

    def count(self, trace: Trace) -> None:
        holder = trace.holder
        if holder is not None:
            self.holding.add(holder)
            if trace.bucket is None:  # accounted-for work is judged by allocation instead
                tally = self.teams[holder]
                tally[0] += 1
                tally[1] += trace.aligned
        for reach in trace.reached:
            self.reached.add(reach.status.objective)
        if self.allocation is not None:
            keys = allocation_keys(trace)
            self.allocation.add(keys, trace.item.estimate)
            if holder is not None:
                self.allocation_by_team[holder].add(keys, trace.item.estimate)


def allocation_keys(trace: Trace) -> tuple[str, ...]:
    """Where an item's work counts: its bucket, else the pillars it is aligned through."""
    if trace.bucket is not None:
        return (trace.bucket,)
    pillars = sorted({r.status.strategy for r in trace.reached
                      if r.status.state == ALIGNED and r.status.strategy})
    return tuple(pillars) or (UNALLOCATED,)


class Tracer:
    """Resolves traces against one model, one run date and one graph of fetched items."""

    def __init__(self, model: OperatingModel, graph: Mapping[str, BacklogItem], as_of: date,
                 label_prefixes: Mapping[str, str],
                 claims: Mapping[str, Sequence[Claim]] | None = None,
                 schemes: Sequence[LinkScheme] = (), buckets: Buckets | None = None) -> None:
        self.graph = graph
        self._buckets = buckets
        self.ownership = Ownership(model, claims)
        self._prefixes = {k: v.casefold() for k, v in label_prefixes.items()}
        self._label_prefixes = dict(label_prefixes)
        self._statuses = {o.id.casefold(): _status(model, o.id, as_of) for o in model.objectives}
        self._suggester = Suggester(model, (s.objective for s in self._statuses.values()
                                            if s.state == ALIGNED), schemes)
        self._ids = [o.id for o in model.objectives]
        self._hints: dict[str, str] = {}  # unknown objective ref -> its "did you mean"
        self._refs: dict[str, _NodeRefs] = {}  # ancestor key -> what visiting it finds
        self._acyclic: set[str] = set()  # keys a finished loop search proved lead to no loop
        self._by_link: dict[str, list[str]] = defaultdict(list)
        for objective in model.objectives:
            for link in objective.links:
                self._by_link[link.casefold()].append(objective.id.casefold())

    def trace(self, item: BacklogItem) -> Trace:
        reached: dict[str, Reach] = {}
        broken: list[str] = []
        ancestors: list[str] = []
        seen = {item.key}
        revisited = False  # no node met twice and the walk finished: no loop to look for
        frontier = [item]
        for _ in range(MAX_DEPTH):
            if not frontier:
                break
            next_frontier = []
            for node in frontier:
                self._visit(node, item, reached, broken)
                for parent_key in node.parents:
                    if parent_key in seen:
                        revisited = True
                        continue
                    seen.add(parent_key)
                    parent = self.graph.get(parent_key)
                    if parent is None:
                        broken.append(f"{node.key} points at parent {parent_key}, which does "
                                      "not exist or is not visible")
                        continue
                    ancestors.append(parent_key)
                    next_frontier.append(parent)
            frontier = next_frontier
        loop = (_loop_above(item, self.graph, self._acyclic) if revisited or frontier
                else ())
        if loop:
            broken.append(f"the parent chain of {item.key} loops: {' → '.join(loop)}")
        holding = self.ownership.holder(item)
        names = tuple(_display(self.graph[k]) for k in ancestors)
        bucket = self._buckets.bucket_of(item) if self._buckets is not None else None
        suggestions: tuple[Suggestion, ...] = ()
        if bucket is None and not any(r.status.state == ALIGNED for r in reached.values()):
            path = (item, *(self.graph[k] for k in ancestors))
            suggestions = self._suggester.suggest(item, path, holding.team,
                                                  self._label_prefixes, self.graph)
        return Trace(item, tuple(ancestors), names, tuple(reached.values()), tuple(broken),
                     holding, self.ownership.areas(item), suggestions, bucket)

    def statuses(self) -> tuple[ObjectiveStatus, ...]:
        """Every objective of the model, as judged for this run (in model order)."""
        return tuple(self._statuses.values())

    def _visit(self, node: BacklogItem, item: BacklogItem, reached: dict[str, Reach],
               broken: list[str]) -> None:
        """An ancestor is visited once per descendant (an epic: once per story under it), and
        what it finds does not depend on the descendant: found once, then reused."""
        if node is item:
            refs = self._node_refs(node, "it")
        else:
            cached = self._refs.get(node.key)
            if cached is None:
                cached = self._refs[node.key] = self._node_refs(node, _describe(node))
            refs = cached
        for objective, reach in refs[0]:
            reached.setdefault(objective, reach)
        broken.extend(refs[1])

    def _node_refs(self, node: BacklogItem, where: str) -> _NodeRefs:
        reached: dict[str, Reach] = {}
        broken: list[str] = []
        for link in node.link_names():
            for objective in self._by_link.get(link, ()):
                status = self._statuses[objective]
                reached.setdefault(objective, Reach(
                    status, f"{where} is linked from objective {status.objective}", link))
        prefix = self._prefixes.get(node.source, "okr:")
        for label in node.labels:
            if label.casefold().startswith(prefix):
                self._explicit(label[len(prefix):], f"label {label} on {node.key}", reached,
                               broken)
        if node.objective_ref:
            self._explicit(node.objective_ref, f"objective field of {node.key}", reached, broken)
        return tuple(reached.items()), tuple(broken)

    def _explicit(self, ref: str, how: str, reached: dict[str, Reach], broken: list[str]) -> None:
        status = self._statuses.get(ref.strip().casefold())
        if status is None:
            broken.append(f"{how} names objective {ref!r}, which the model does not define"
                          f"{self._hint(ref)}")
        else:
            reached.setdefault(status.objective.casefold(), Reach(status, how))

    def _hint(self, ref: str) -> str:
        """Memoised: difflib over every objective id costs ~1 ms, and a wrong label repeats."""
        if ref not in self._hints:
            self._hints[ref] = did_you_mean(ref, self._ids)
        return self._hints[ref]


def _loop_above(item: BacklogItem, graph: Mapping[str, BacklogItem],
                acyclic: set[str]) -> tuple[str, ...]:
    """The first cycle met walking parents up from `item` (`A → B → C → B`), or ().

    A depth-first walk that finishes a node without meeting its own path has proved that no
    loop lies above it; `acyclic` keeps those keys across calls, so later walks stop there and a
    chain of n items costs O(n) in all instead of O(n) per item (DESIGN §10).
    """
    path, on_path = [item.key], {item.key}
    stack = [iter(item.parents)]
    while stack:
        for key in stack[-1]:
            if key in on_path:
                return (*path, key)
            parent = graph.get(key)
            if parent is not None and key not in acyclic:
                path.append(key)
                on_path.add(key)
                stack.append(iter(parent.parents))
                break
        else:
            stack.pop()
            key = path.pop()
            on_path.discard(key)
            if stack or graph.get(key) is item:  # an item outside the graph proves nothing
                acyclic.add(key)
    return ()


def _display(node: BacklogItem) -> str:
    return node.key if node.kind == "issue" else f"{node.kind} {(node.title or node.key)!r}"


def _describe(node: BacklogItem) -> str:
    if node.kind != "issue":
        return f"{node.kind} {node.title or node.key}"
    return f"ancestor {node.key}"


def _status(model: OperatingModel, objective_id: str, as_of: date) -> ObjectiveStatus:
    """The objective's chain to strategy, judged once per run."""
    objective = next(o for o in model.objectives if o.id == objective_id)
    chain = [f"objective {objective.id}"]
    inactive: list[str] = []
    if objective.status != "active":
        inactive.append(f"objective {objective.id} is {objective.status}")
    elif objective.period and not objective.period.contains(as_of):
        when = "ended" if as_of > objective.period.end else "starts"
        day = objective.period.end if as_of > objective.period.end else objective.period.start
        inactive.append(f"objective {objective.id} {when} {day}")
    current = not inactive
    strategy_id = objective.supports
    bet = next((b for b in model.bets if b.id == objective.supports), None)
    if bet is not None:
        chain.append(f"bet {bet.id}")
        if bet.status != "active":
            inactive.append(f"bet {bet.id} is {bet.status}")
        strategy_id = bet.strategy
    strategy = next((s for s in model.strategy if s.id == strategy_id), None)
    if strategy is None:
        return ObjectiveStatus(objective.id, objective.team, objective.contributors,
                               tuple(chain), GAP, current=current)
    chain.append(f"strategy {strategy.id}")
    if strategy.status != "active":
        inactive.append(f"strategy {strategy.id} is {strategy.status}")
    return ObjectiveStatus(objective.id, objective.team, objective.contributors, tuple(chain),
                           STALE if inactive else ALIGNED, tuple(inactive), current,
                           strategy.id)
