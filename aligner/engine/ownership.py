"""Who holds an item, and which owned areas it touches (DESIGN §4).

The core matches handles without knowing what they mean: each tracker plugin turns a team's
`owns.<tracker>` section into claims (`aligner.plugins.tracker.Claim`) and puts the matching
handles on its items (`BacklogItem.holders`, `.areas`). Labels are the one tracker-neutral area:
`owns.labels` against the item's labels.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from aligner.engine.items import BacklogItem
from aligner.model.schema import OperatingModel
from aligner.plugins.tracker import AREA, HOLDER, Claim


@dataclass(frozen=True, slots=True)
class Area:
    """An owned area (component, label, …) the item touches, with every team that claims it."""

    kind: str  # "component" | "label" | whatever a tracker names its areas
    name: str  # as written on the item
    owners: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Holding:
    team: str | None
    via: str  # "Team field 3a1…", "Linear team CHK", "project CHK", or "" when unheld


class Ownership:
    """Indexes the teams' claims once; answers per item in O(handles + labels)."""

    def __init__(self, model: OperatingModel,
                 claims: Mapping[str, Sequence[Claim]] | None = None) -> None:
        self._holders: dict[str, str] = {}
        self._areas: dict[str, list[str]] = defaultdict(list)
        self._labels: dict[str, list[str]] = defaultdict(list)
        for team in model.teams:  # model order: the first team claiming a holder keeps it
            for claim in (claims or {}).get(team.id, ()):
                if claim.role == HOLDER:
                    self._holders.setdefault(claim.key.casefold(), team.id)
                elif claim.role == AREA:
                    _claim(self._areas, claim.key.casefold(), team.id)
            for label in team.owns.labels:
                _claim(self._labels, label.casefold(), team.id)

    def holder(self, item: BacklogItem) -> Holding:
        """The first of the item's holder handles that some team claims."""
        for ref in item.holders:
            team = self._holders.get(ref.key.casefold())
            if team is not None:
                return Holding(team, ref.label)
        return Holding(None, "")

    def areas(self, item: BacklogItem) -> tuple[Area, ...]:
        """Owned tracker areas (components, …), then owned labels."""
        found: list[Area] = []
        for ref in item.areas:
            owners = _merge(self._areas.get(key.casefold()) for key in ref.keys)
            if owners:
                found.append(Area(ref.kind, ref.name, owners))
        for label in item.labels:
            owners = tuple(self._labels.get(label.casefold(), ()))
            if owners:
                found.append(Area("label", label, owners))
        return tuple(found)


def _claim(index: dict[str, list[str]], key: str, team: str) -> None:
    if team not in index[key]:
        index[key].append(team)


def _merge(groups: Iterable[list[str] | None]) -> tuple[str, ...]:
    out: list[str] = []
    for group in groups:
        out.extend(t for t in group or () if t not in out)
    return tuple(out)
