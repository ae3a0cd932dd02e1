"""A starter model drafted from a tracker's `Discovery` (`aligner init --from TRACKER`).

Tracker-neutral: the adapter already said which teams it found and what each owns, which
roadmap items objectives could link, which strategy and bets it read. Top-level strategy
candidates become the strategy, their descendants bets. Each team gets one objective per
active bet or pillar its roadmap items are filed under (in Linear, a project's initiative),
linking those items, since only objectives' links trace (a bet's do not); its other
candidates are listed as comments under a placeholder objective for a person to pick.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import yaml

from aligner.init.starter import FOOTER, HEADER, flow, q, quarter, slug
from aligner.plugins.discovery import (
    BucketCandidate,
    Discovery,
    RoadmapCandidate,
    StrategyCandidate,
    TeamCandidate,
)

MAX_CANDIDATES = 40  # candidate links listed per objective; the rest are counted
DEFAULT_PILLAR = "grow-revenue"


@dataclass(frozen=True)
class _Pillar:
    """A drafted strategy pillar (`strategy` None) or bet (`strategy`: its pillar's id)."""

    id: str
    found: StrategyCandidate
    strategy: str | None = None


def render_discovered(discovery: Discovery, section: Mapping[str, Any], today: date) -> str:
    """The whole starter text; `section` is the adapter's drafted tracker section."""
    strategy, bets = _pillars(discovery.strategy)
    by_key = {p.found.key: p for p in (*strategy, *bets)}
    team_ids = _team_ids(discovery.teams)
    parts = [HEADER, *_strategy_lines(discovery, strategy, bets),
             *_objective_lines(discovery.teams, team_ids, by_key, _default_support(
                 strategy, bets), today),
             *_team_lines(discovery.tracker, discovery.teams, team_ids),
             *allocation_lines([p.id for p in strategy if not p.found.retired],
                               discovery.buckets),
             _tracker_text(discovery.tracker, {**section, **discovery.scope}), FOOTER]
    return "\n".join(parts)


def _pillars(found: Sequence[StrategyCandidate]) -> tuple[list[_Pillar], list[_Pillar]]:
    """(strategy pillars, bets): roots, then every descendant as a bet of its root."""
    taken: set[str] = set()
    by_key = {f.key: f for f in found}
    strategy = [_Pillar(slug(f.name or f.key, taken), f) for f in found
                if f.parent is None or f.parent not in by_key]
    strategy_of = {p.found.key: p.id for p in strategy}
    bets = []
    for candidate in found:
        root = _root(candidate, by_key)
        if candidate.key not in strategy_of and root.key in strategy_of:
            bets.append(_Pillar(slug(candidate.name or candidate.key, taken), candidate,
                                strategy_of[root.key]))
    return strategy, bets


def _root(found: StrategyCandidate,
          by_key: Mapping[str, StrategyCandidate]) -> StrategyCandidate:
    seen = {found.key}
    while found.parent is not None and found.parent in by_key and found.parent not in seen:
        found = by_key[found.parent]
        seen.add(found.key)
    return found


def _default_support(strategy: list[_Pillar], bets: list[_Pillar]) -> str:
    """What a placeholder objective supports: the first active bet, else pillar."""
    for pillar in (*bets, *strategy):
        if not pillar.found.retired:
            return pillar.id
    first = bets or strategy
    return first[0].id if first else DEFAULT_PILLAR


def _strategy_lines(discovery: Discovery, strategy: list[_Pillar],
                    bets: list[_Pillar]) -> list[str]:
    lines = ["# Company strategy pillars: the top of every trace."]
    if not strategy:
        lines += ["# TODO: your pillars.", "strategy:", f"  - id: {DEFAULT_PILLAR}",
                  "    name: Grow revenue              # TODO", "    status: active", ""]
        return [*lines, "bets: []   # optional: product-strategy bets serving a strategy", ""]
    lines += [f"# Drafted from {discovery.strategy_from}; keep the real pillars only.",
              "strategy:"]
    for pillar in strategy:
        lines += [f"  - id: {pillar.id}", f"    name: {q(pillar.found.name or pillar.found.key)}",
                  f"    status: {_status(pillar)}"]
    lines += ["", f"# Bets: drafted from {discovery.bets_from}. Their `links` only help suggest "
              "fixes;", "# items trace through objectives' `links`.",
              "bets:" if bets else "bets: []"]
    for bet in bets:
        lines += [f"  - id: {bet.id}", f"    name: {q(bet.found.name or bet.found.key)}",
                  f"    strategy: {bet.strategy}"]
        if bet.found.retired:
            lines.append("    status: retired")
        if bet.found.link:
            lines.append(f"    links: [{q(bet.found.link)}]")
    return [*lines, ""]


def allocation_lines(pillars: Sequence[str], buckets: Sequence[BucketCandidate]) -> list[str]:
    """A commented `allocation:` with even shares: 80 % across the active pillars, 20 %
    across the buckets the tracker suggested (none: no section)."""
    if not pillars and not buckets:
        return []
    strategy_percent = 80 if buckets else 100  # whole percents: the draft adds up exactly
    lines = ["# Allocation (optional): the intended share of the open work per pillar, and of",
             "# funded non-strategic work (buckets: their items get no AL101 and count under the",
             "# bucket). AL302 reports a share more than 10 points off. Drafted evenly from what",
             "# the tracker shows: set your own shares (at most 1 in all), then uncomment.",
             "# allocation:"]
    if pillars:
        each = strategy_percent // len(pillars) / 100  # rounded down: at most 1 in all
        lines += ["#   strategy:", *(f"#     {pillar}: {each:g}" for pillar in pillars)]
    if buckets:
        each = (100 - strategy_percent) // len(buckets) / 100
        lines.append("#   buckets:")
        for bucket in buckets:
            lines += [f"#     {bucket.key}:", f"#       name: {q(bucket.name)}",
                      f"#       share: {each:g}", f"#       match: {flow(dict(bucket.match))}"]
    return [*lines, ""]


def _status(pillar: _Pillar) -> str:
    return "retired" if pillar.found.retired else "active"


def _team_ids(teams: Sequence[TeamCandidate]) -> list[str]:
    taken: set[str] = set()
    return [slug(team.name or team.key, taken) for team in teams]


def _objective_lines(teams: Sequence[TeamCandidate], team_ids: list[str],
                     pillars: Mapping[str, _Pillar], supports: str, today: date) -> list[str]:
    start, end = quarter(today)
    number = (start.month - 1) // 3 + 1
    lines = ["# Team objectives (OKRs). TODO: the real objectives; `links` name the roadmap",
             "# items (epics, projects) that realise each one.",
             "objectives:" if teams else "objectives: []"]
    for team, team_id in zip(teams, team_ids, strict=True):
        grouped, rest = _grouped(team.roadmap, pillars)
        drafts: list[tuple[str, str, list[str]]] = [
            (f"{team.name} objective for {pillar.found.name or pillar.found.key}", pillar.id,
             _link_lines(links)) for pillar, links in grouped]
        if rest or not drafts:
            drafts.append((f"{team.name} objective for this quarter", supports,
                           [*_candidate_lines(rest), "    links: []"]))
        for n, (name, supported, link_lines) in enumerate(drafts, start=1):
            lines += [f"  - id: {q(f'{team.key.upper()}-Q{number}-{n}')}",
                      f"    name: {q('TODO: ' + name)}", f"    team: {team_id}",
                      f"    supports: {supported}   # a bet or strategy id",
                      f"    period: {{start: {start}, end: {end}}}", *link_lines]
    return [*lines, ""]


def _grouped(roadmap: Sequence[RoadmapCandidate], pillars: Mapping[str, _Pillar]) -> tuple[
        list[tuple[_Pillar, list[RoadmapCandidate]]], list[RoadmapCandidate]]:
    """Candidates filed under an active pillar or bet, by it; and the rest."""
    groups: dict[str, tuple[_Pillar, list[RoadmapCandidate]]] = {}
    rest = []
    for candidate in roadmap:
        pillar = pillars.get(candidate.serves) if candidate.serves else None
        if pillar is None or pillar.found.retired:
            rest.append(candidate)
        else:
            groups.setdefault(pillar.id, (pillar, []))[1].append(candidate)
    return list(groups.values()), rest


def _link_lines(links: list[RoadmapCandidate]) -> list[str]:
    lines = ["    # Drafted: the tracker files these under what this objective supports.",
             "    links:"]
    return lines + [f"      - {q(c.link)}   # {_one_line(c.what)}" if c.what
                     else f"      - {q(c.link)}" for c in links]


def _candidate_lines(candidates: list[RoadmapCandidate]) -> list[str]:
    if not candidates:
        return []
    lines = ["    # Candidates: replace `links: []` with those that realise this objective:",
             "    # links:"]
    for candidate in candidates[:MAX_CANDIDATES]:
        lines.append(f"    #   - {q(candidate.link)}   # {_one_line(candidate.what)}")
    if len(candidates) > MAX_CANDIDATES:
        lines.append(f"    #   … and {len(candidates) - MAX_CANDIDATES} more")
    return lines


def _team_lines(tracker: str, teams: Sequence[TeamCandidate],
                team_ids: list[str]) -> list[str]:
    lines = ["# Teams and the areas they own. TODO: check names; add the components and",
             "# labels each team owns (an area claimed by two teams is AL204).",
             "teams:" if teams else "teams: []"]
    for team, team_id in zip(teams, team_ids, strict=True):
        lines += [f"  - id: {team_id}", f"    name: {q(team.name or team.key)}", "    owns:"]
        lines.append(f"      {tracker}: {flow(team.owns)}")
        lines += [f"      # {_one_line(note)}" for note in team.notes]
        lines.append("      labels: []")
    return [*lines, ""]


def _tracker_text(name: str, section: dict[str, Any]) -> str:
    body = str(yaml.safe_dump({"trackers": {name: section}}, sort_keys=False,
                              default_flow_style=None, allow_unicode=True))
    return "# Where the backlog lives. Secrets stay in environment variables.\n" + body


def _one_line(text: str) -> str:
    return " ".join(str(text).split())
