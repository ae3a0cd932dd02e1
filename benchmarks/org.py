"""A synthetic organisation, tracker-neutral: its types, teams, strategy and objectives.

Teams scale with the backlog (about sqrt(items)/6 of them, 60 % on Jira, 40 % on Linear, plus
one Jira project nobody owns). Each team has three objectives this quarter, one from last
quarter (stale by the run date), and now and then one that supports nothing (a strategy gap)
or one declared done. The work graph itself is built by `benchmarks.workgraph`.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field

AS_OF = "2026-11-15"  # the run date the generated periods are meant to be judged on
CURRENT = ("2026-10-01", "2026-12-31")
PREVIOUS = ("2026-07-01", "2026-09-30")
UNOWNED_PROJECT = "OPS"  # a Jira project nobody owns: its items have no holder (AL201)
SHARED_LABEL = "area:shared"  # claimed by two teams: contested (AL204)


@dataclass
class Team:
    id: str
    name: str
    tracker: str  # "jira" | "linear"
    key: str  # Jira project key or Linear team key
    uuid: str  # Atlassian Team field value (Jira teams)


@dataclass
class Objective:
    id: str
    team: str
    supports: str | None
    period: tuple[str, str]
    kind: str = "current"  # current | previous | gap | done: how the generator uses it
    status: str = "active"
    contributors: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)


@dataclass
class Node:
    """One work item. Jira: every level is an issue. Linear: initiative and epic (= project)
    are containers; story and subtask are issues (`parent` = parent issue, `project` = its
    project)."""

    key: str
    id: str
    team: Team
    level: str  # initiative | epic | story | subtask
    title: str
    parent: str | None = None
    project: str | None = None  # Linear issues only
    via_epic_field: bool = False  # Jira: the parent travels in the Epic Link custom field
    labels: list[str] = field(default_factory=list)
    components: list[str] = field(default_factory=list)
    done: bool = False
    team_field: str | None = None  # Jira: Atlassian Team field value
    updated: str = ""

    @property
    def is_issue(self) -> bool:
        return self.team.tracker == "jira" or self.level in ("story", "subtask")


@dataclass
class Org:
    items: int
    seed: int
    teams: list[Team]
    strategies: list[dict[str, str]]
    bets: list[dict[str, str]]
    objectives: list[Objective]
    nodes: list[Node]  # every node; `issues` filters the counted ones

    def issues(self, tracker: str) -> list[Node]:
        return [n for n in self.nodes if n.team.tracker == tracker and n.is_issue]


def build_model(items: int, rng: random.Random) -> tuple[
        list[Team], list[dict[str, str]], list[dict[str, str]], list[Objective]]:
    """Teams (scaled to the backlog), strategy, bets and team objectives."""
    teams = _teams(items, rng)
    strategies, bets = _strategy()
    return teams, strategies, bets, _objectives(teams, bets, strategies, rng)


def quotas(items: int, teams: int, rng: random.Random) -> list[int]:
    """How many issues each team holds (the last, unowned project, about 1 %)."""
    weights = [rng.uniform(0.5, 1.5) for _ in range(teams - 1)]
    owned = items - max(1, items // 100)
    shares = [int(owned * w / sum(weights)) for w in weights]
    shares[0] += owned - sum(shares)
    return [*shares, items - owned]


def _teams(items: int, rng: random.Random) -> list[Team]:
    count = max(4, round(items ** 0.5 / 6))
    teams = []
    for i in range(count):
        tracker = "linear" if i % 5 in (1, 3) else "jira"  # 60 % Jira, 40 % Linear
        key = _team_key(i)
        teams.append(Team(f"team-{i:02d}", f"Team {key.title()}", tracker, key,
                          str(uuid.UUID(int=rng.getrandbits(128)))))
    teams.append(Team("ops", "Ops", "jira", UNOWNED_PROJECT, ""))  # owned by nobody
    return teams


def _team_key(i: int) -> str:
    letters = "ABCDEFGHJKLMNPQRSTUVWXYZ"
    return "T" + letters[i // len(letters) % len(letters)] + letters[i % len(letters)]


def _strategy() -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    strategies = [{"id": f"strategy-{i}", "name": f"Strategy pillar {i}", "status": "active"}
                  for i in range(4)]
    strategies.append({"id": "strategy-old", "name": "Retired pillar", "status": "retired"})
    bets = [{"id": f"bet-{s}-{j}", "name": f"Bet {j} on pillar {s}", "strategy": f"strategy-{s}",
             "status": "active"} for s in range(4) for j in range(3)]
    bets[-1]["status"] = "retired"
    bets.append({"id": "bet-old", "name": "Bet on the retired pillar",
                 "strategy": "strategy-old", "status": "active"})
    return strategies, bets


def _objectives(teams: list[Team], bets: list[dict[str, str]],
                strategies: list[dict[str, str]], rng: random.Random) -> list[Objective]:
    owned = [t for t in teams if t.id != "ops"]
    out = []
    for i, team in enumerate(owned):
        for q in range(3):
            supports = _supports(rng, bets, strategies)
            others = [t.id for t in owned if t.id != team.id]
            contributors = [rng.choice(others)] if others and rng.random() < 0.2 else []
            out.append(Objective(f"{team.key}-Q4-{q + 1}", team.id, supports, CURRENT,
                                 contributors=contributors))
        out.append(Objective(f"{team.key}-Q3-1", team.id, _supports(rng, bets, strategies),
                             PREVIOUS,
                             kind="previous"))
        if i % 5 == 0:
            out.append(Objective(f"{team.key}-Q4-9", team.id, None, CURRENT, kind="gap"))
        if i % 7 == 0:
            out.append(Objective(f"{team.key}-Q3-2", team.id, _supports(rng, bets, strategies),
                                 PREVIOUS, kind="done", status="done"))
    return out


def _supports(rng: random.Random, bets: list[dict[str, str]],
              strategies: list[dict[str, str]]) -> str:
    """Mostly an active bet, sometimes a strategy directly, rarely a retired path."""
    live = [b["id"] for b in bets if b["status"] == "active" and b["id"] != "bet-old"]
    roll = rng.random()
    if roll < 0.05:
        return rng.choice([b["id"] for b in bets if b["id"] not in live])
    if roll < 0.25:
        return rng.choice([s["id"] for s in strategies if s["status"] == "active"])
    return rng.choice(live)
