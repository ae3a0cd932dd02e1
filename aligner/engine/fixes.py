"""Concrete fixes: which current objective an untraced or stale item most likely serves.

A PM fixes a flag faster when it names the epic to move under than when it explains the
model. Candidates come from bets whose links sit on the item's path (an initiative the item is
under), then from the holder's own current objectives.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache

from aligner.engine.items import BacklogItem
from aligner.model.schema import Objective, OperatingModel
from aligner.plugins.tracker import LinkScheme, NamesContainer, match_scheme

MAX_SUGGESTIONS = 2
DEFAULT_CONTAINER = "parent"  # for a tracker that names no container of its own


@cache  # asked once per unaligned item: entry points are far too slow for that
def container_noun(tracker: str) -> str:
    """What `tracker` calls the thing an item is put under ("epic", "project"), from its
    plugin's optional `container` attribute; "parent" when it names none."""
    from aligner.plugins.registry import adapter_names
    from aligner.plugins.registry import tracker as plugin_of  # plugins load lazily

    if tracker not in adapter_names():
        return DEFAULT_CONTAINER
    plugin = plugin_of(tracker)
    noun = plugin.container if isinstance(plugin, NamesContainer) else None
    return noun if isinstance(noun, str) and noun else DEFAULT_CONTAINER


def a_container(tracker: str) -> str:
    """`an epic`, `a project`: the container noun with its article."""
    noun = container_noun(tracker)
    return f"{'an' if noun[0] in 'aeiou' else 'a'} {noun}"


@dataclass(frozen=True, slots=True)
class Suggestion:
    objective: str
    target: str | None  # where to put the item: `CHK-100`, `project 'Checkout v2'`
    label: str  # the explicit alternative: `okr:CHK-Q4-1`
    name: str = ""  # the objective's name, which a PM recognises faster than its id
    container: str = f"a {DEFAULT_CONTAINER}"  # the tracker's word: an epic, a project

    def text(self) -> str:
        objective = (f"'{self.name}' ({self.objective})" if self.name
                     else f"objective {self.objective}")
        where = (f"put it under {self.target}, which realises {objective}" if self.target
                 else f"put it under {self.container} of {objective}")
        return f"{where}, or label it {self.label}"


class Suggester:
    """Indexes the objectives whose path is active, by team and by bet, once per run."""

    def __init__(self, model: OperatingModel, current: Iterable[str],
                 schemes: Sequence[LinkScheme] = ()) -> None:
        live = set(current)
        self._schemes = tuple(schemes)
        self._objectives = {o.id: o for o in model.objectives if o.id in live}
        self._by_team: dict[str, list[str]] = defaultdict(list)
        self._by_bet: dict[str, list[str]] = defaultdict(list)
        for objective in self._objectives.values():
            self._by_team[objective.team].append(objective.id)
            if objective.supports:
                self._by_bet[objective.supports].append(objective.id)
        for objective in self._objectives.values():  # contributors after owners
            for team in objective.contributors:
                self._by_team[team].append(objective.id)
        self._bet_links: dict[str, list[str]] = defaultdict(list)
        for bet in model.bets:
            for link in bet.links:
                self._bet_links[link.casefold()].append(bet.id)

    def suggest(self, item: BacklogItem, path: Iterable[BacklogItem], holder: str | None,
                prefixes: Mapping[str, str],
                graph: Mapping[str, BacklogItem]) -> tuple[Suggestion, ...]:
        candidates = [objective
                      for node in path for link in node.link_names()
                      for bet in self._bet_links.get(link, ())
                      for objective in self._by_bet.get(bet, ())]
        candidates += self._by_team.get(holder or "", ())
        unique = list(dict.fromkeys(candidates))
        # an objective the holder neither owns nor contributes to would only trade AL101 for
        # AL202: the holder's own objectives come first (stable: path order within each)
        unique.sort(key=lambda oid: not self._serves(holder, oid))
        prefix = prefixes.get(item.source, "okr:")
        noun = a_container(item.tracker)
        return tuple(Suggestion(oid, _target(self._objectives[oid], item.tracker, graph,
                                             self._schemes),
                                f"{prefix}{oid}", self._objectives[oid].name, noun)
                     for oid in unique[:MAX_SUGGESTIONS])

    def _serves(self, holder: str | None, objective_id: str) -> bool:
        """Whether `holder` owns or contributes to the objective (no holder: any serves)."""
        objective = self._objectives[objective_id]
        return holder is None or holder == objective.team or holder in objective.contributors


def _target(objective: Objective, tracker: str, graph: Mapping[str, BacklogItem],
            schemes: Sequence[LinkScheme]) -> str | None:
    """The objective's first link in the item's own tracker that an item can be put under
    (an epic, a project; not an initiative), as a person would name it."""
    for link in objective.links:
        scheme = match_scheme(link, schemes)
        if scheme is None or scheme.tracker != tracker or not scheme.target:
            continue
        known = graph.get(link[len(tracker) + 1:])  # linked by the node's own key: its name
        if scheme.noun and known is not None and known.title:
            return f"{scheme.noun} '{known.title}'"
        return scheme.describe(link)
    return None
