"""Cross-reference checks on a shape-valid model: ids that must exist, ids that must be unique.

Every broken reference is returned, so `aligner validate` can list them all at once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from aligner.errors import ConfigError, did_you_mean
from aligner.model.schema import OperatingModel
from aligner.plugins.tracker import LinkScheme, match_scheme

ErrorAt = Callable[[tuple[Any, ...], str], ConfigError]


def check_references(model: OperatingModel, error: ErrorAt,
                     schemes: Sequence[LinkScheme] = ()) -> list[ConfigError]:
    """Every broken reference, each a located ConfigError, in model order.

    Link strings must match a scheme of an installed tracker (`schemes`).
    """
    found: list[ConfigError] = []
    strategies = _unique("strategy", (s.id for s in model.strategy), error, found)
    bets = _unique("bets", (b.id for b in model.bets), error, found)
    _unique("objectives", (o.id for o in model.objectives), error, found)
    teams = _unique("teams", (t.id for t in model.teams), error, found)
    for i, bet_id in enumerate(bets):
        if bet_id in strategies:
            found.append(error(("bets", i, "id"), f"{bet_id!r} is both a bet and a strategy id"))
    for i, bet in enumerate(model.bets):
        found += _links(bet.links, schemes, ("bets", i, "links"), error)
        found += _known(bet.strategy, strategies, ("bets", i, "strategy"), "strategy", error)
    for i, objective in enumerate(model.objectives):
        found += _links(objective.links, schemes, ("objectives", i, "links"), error)
        found += _known(objective.team, teams, ("objectives", i, "team"), "team", error)
        if objective.supports is not None:
            found += _known(objective.supports, [*bets, *strategies],
                            ("objectives", i, "supports"), "bet or strategy", error)
        for j, team in enumerate(objective.contributors):
            found += _known(team, teams, ("objectives", i, "contributors", j), "team", error)
    for j, team in enumerate(model.writeback.teams or ()):
        found += _known(team, teams, ("writeback", "teams", j), "team", error)
    found += _allocation(model, strategies, error)
    return found


def _allocation(model: OperatingModel, strategies: list[str],
                error: ErrorAt) -> list[ConfigError]:
    """Intended shares name known pillars; a bucket id is never also a pillar id (reports and
    AL302 findings name both by id)."""
    if model.allocation is None:
        return []
    found: list[ConfigError] = []
    for pillar in model.allocation.strategy:
        found += _known(pillar, strategies, ("allocation", "strategy", pillar), "strategy",
                        error)
    found += [error(("allocation", "buckets", bucket), f"{bucket!r} is both a bucket and a "
                    "strategy id") for bucket in model.allocation.buckets if bucket in strategies]
    return found


def _unique(section: str, ids: Iterable[str], error: ErrorAt,
            found: list[ConfigError]) -> list[str]:
    seen: list[str] = []
    for i, item_id in enumerate(ids):
        if item_id in seen:
            found.append(error((section, i, "id"), f"duplicate id {item_id!r} (first at index "
                               f"{seen.index(item_id)})"))
            continue
        seen.append(item_id)
    return seen


def _known(value: str, known: list[str], path: tuple[Any, ...], kind: str,
           error: ErrorAt) -> list[ConfigError]:
    if value in known:
        return []
    return [error(path, f"unknown {kind} {value!r}{did_you_mean(value, known)}")]


def _links(links: Iterable[str], schemes: Sequence[LinkScheme], path: tuple[Any, ...],
           error: ErrorAt) -> list[ConfigError]:
    examples = [s.example for s in schemes]
    expected = (", ".join(examples[:-1]) + " or " + examples[-1] if len(examples) > 1
                else "".join(examples) or "no tracker installed defines links")
    return [error(path, f"malformed link {link!r} (expected {expected})")
            for link in links if match_scheme(link, schemes) is None]
