"""Concrete fixes: which current objective an untraced or stale item most likely serves.

A PM fixes a flag faster when it names the epic to move under than when it explains the
model. Candidates come from bets whose links sit on the item's path (an initiative the item is
under), then from the holder's own current objectives.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from aligner.engine.items import BacklogItem
from aligner.model.schema import Objective, OperatingModel
from aligner.plugins.tracker import LinkScheme, match_scheme

MAX_SUGGESTIONS = 2


@dataclass(frozen=True, slots=True)
class Suggestion:
    objective: str
    target: str | None  # where to put the item: `CHK-100`, `project 'Checkout v2'`
    label: str  # the explicit alternative: `okr:CHK-Q4-1`

    def text(self) -> str:
        where = (f"put it under {self.target} (objective {self.objective})" if self.target
                 else f"link it to an epic or project of objective {self.objective}")
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
        chosen = list(dict.fromkeys(candidates))[:MAX_SUGGESTIONS]
        prefix = prefixes.get(item.source, "okr:")
        return tuple(Suggestion(oid, _target(self._objectives[oid], item.tracker, graph,
                                                   self._schemes),
                                f"{prefix}{oid}") for oid in chosen)


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
