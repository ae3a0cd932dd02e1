"""The synthetic work graph: initiatives → epics → stories → sub-tasks, with the usual mess.

Jira: every level is an issue (and counts as an item). Linear: initiatives and projects are
containers; issues and sub-issues are the items. Most stories sit under their team's epic,
which an objective links (in `links`, or by an `okr:` label on the epic); the rest is the mess
real trackers carry — parentless stories (some labelled with an objective), epics no objective
names, epics under last quarter's objective, epics borrowed from another team, parents that were
deleted, labels of other teams' areas. The mix is tuned so about 75 % of open items align.

Everything derives from one `random.Random(seed)`: the same (items, seed) gives the same org.
"""

from __future__ import annotations

import random
import uuid

from .org import SHARED_LABEL, Node, Objective, Org, Team, build_model, quotas

EPIC_MIX = (("active", 0.74), ("stale", 0.07), ("gap", 0.03), ("foreign", 0.04))  # rest: none
EPIC_BY_LABEL = 0.2  # share of linked Jira epics named by an `okr:` label instead of `links`
STORY_MIX = (("cross", 0.03), ("none", 0.09), ("dangling", 0.01))  # rest: under an own epic
DONE = {"initiative": 0.10, "epic": 0.15, "story": 0.25, "subtask": 0.30}

_VERBS = ("Add", "Fix", "Migrate", "Refactor", "Remove", "Speed up", "Localise", "Document",
          "Instrument", "Harden", "Redesign", "Split", "Retry", "Cache", "Validate")
_NOUNS = ("checkout form", "invoice export", "webhook delivery", "search index", "cart total",
          "tax rounding", "signup flow", "plan upgrade", "refund path", "session store",
          "rate limiter", "audit log", "admin sidebar", "email digest", "payout report")
_WHERE = ("for EU merchants", "on mobile", "in the admin", "behind a flag", "for large stores",
          "in the API", "for guest shoppers", "during peak", "for new trials", "in staging")
_NOISE_LABELS = ("bug", "tech-debt", "customer", "security", "quick-win", "needs-design")


def build_org(items: int, seed: int = 7) -> Org:
    """An organisation whose Jira and Linear exports hold `items` issues together."""
    rng = random.Random(seed)
    teams, strategies, bets, objectives = build_model(items, rng)
    graph = _Graph(rng, objectives)
    for team, quota in zip(teams, quotas(items, len(teams), rng), strict=True):
        graph.add_team(team, quota)
    graph.place_stories()
    graph.link_epics()
    graph.sprinkle_areas(teams)
    return Org(items, seed, teams, strategies, bets, objectives, graph.nodes)


def _pick(rng: random.Random, mix: tuple[tuple[str, float], ...], rest: str) -> str:
    roll = rng.random()
    for name, share in mix:
        if roll < share:
            return name
        roll -= share
    return rest


def _link(node: Node) -> str:
    if node.team.tracker == "jira":
        return f"jira:{node.key}"
    kind = "initiative" if node.level == "initiative" else "project"
    return f"linear:{kind}:{node.title}"


class _Graph:
    def __init__(self, rng: random.Random, objectives: list[Objective]) -> None:
        self.rng = rng
        self.nodes: list[Node] = []
        self.inits: dict[str, list[Node]] = {}
        self.epics: dict[str, list[Node]] = {}
        self.stories: dict[str, list[Node]] = {}
        self.objectives: dict[str, list[Objective]] = {}
        for objective in objectives:
            self.objectives.setdefault(objective.team, []).append(objective)
        self._next_id = 10000

    def _new(self, team: Team, level: str, key: str | None = None) -> Node:
        rng = self.rng
        self._next_id += 1
        node_id = (str(self._next_id) if team.tracker == "jira"
                   else str(uuid.UUID(int=rng.getrandbits(128))))
        title = f"{rng.choice(_VERBS)} {rng.choice(_NOUNS)} {rng.choice(_WHERE)}"
        if key is None:  # a Linear container: keyed by id, named uniquely (links use the name)
            key, title = node_id, f"{title} ({team.key} {level} {self._next_id})"
        # last touched before November: an incremental sync's cursor is later than all of it
        stamp = (f"2026-{rng.randint(1, 10):02d}-{rng.randint(1, 28):02d}T"
                 f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:00.000+0000")
        node = Node(key, node_id, team, level, title, done=rng.random() < DONE[level],
                    updated=stamp)
        self.nodes.append(node)
        return node

    def add_team(self, team: Team, quota: int) -> None:
        """`quota` issues for the team; Linear containers come on top (they are not items)."""
        numbers = iter(range(1, 10**9))
        jira = team.tracker == "jira"

        def key() -> str | None:
            return f"{team.key}-{next(numbers)}" if jira else None

        n_init, n_epic = (quota // 100, quota // 20) if jira else (max(1, quota // 100),
                                                                  max(1, quota // 20))
        budget = quota - (n_init + n_epic if jira else 0)
        n_story = max(1, round(budget * 0.62)) if budget > 0 else 0
        inits = [self._new(team, "initiative", key()) for _ in range(n_init)]
        tops = [i for i in inits if self.rng.random() < 0.8] or inits[:1]
        for init in inits:  # one level of sub-initiatives under a few top ones
            if init not in tops and tops:
                init.parent = self.rng.choice(tops).key
        epics = [self._new(team, "epic", key()) for _ in range(n_epic)]
        for epic in epics:
            if inits and self.rng.random() < 0.9:
                epic.parent = self.rng.choice(inits).key
        stories = [self._new(team, "story", f"{team.key}-{next(numbers)}")
                   for _ in range(n_story)]
        for _ in range(budget - n_story):
            sub = self._new(team, "subtask", f"{team.key}-{next(numbers)}")
            sub.parent = self.rng.choice(stories).key
        self.inits[team.id], self.epics[team.id], self.stories[team.id] = inits, epics, stories

    def place_stories(self) -> None:
        """A story's epic: its team's, another team's (same tracker), none, or a deleted one."""
        rng = self.rng
        by_tracker: dict[str, list[Node]] = {}
        for epics in self.epics.values():
            for epic in epics:
                by_tracker.setdefault(epic.team.tracker, []).append(epic)
        for team_id, stories in self.stories.items():
            own = self.epics[team_id]
            for story in stories:
                how = _pick(rng, STORY_MIX, rest="own")
                if how == "dangling":
                    story.parent = f"{story.team.key}-{900000 + rng.randrange(99999)}"
                    continue
                pool = by_tracker.get(story.team.tracker, []) if how == "cross" else own
                if how == "none" or not pool:
                    self._maybe_label_objective(story)
                    continue
                epic = rng.choice(pool)
                if story.team.tracker == "linear":
                    story.project = epic.key
                else:
                    story.parent, story.via_epic_field = epic.key, rng.random() < 0.15
        by_key = {n.key: n for n in self.nodes if n.level == "story"}
        for node in self.nodes:
            if node.level == "subtask" and node.team.tracker == "linear":
                node.project = by_key[node.parent].project if node.parent else None

    def _maybe_label_objective(self, story: Node) -> None:
        """Parentless work: some of it names its objective with a label, rarely a wrong one."""
        current = self._current(story.team.id)
        roll = self.rng.random()
        if current and roll < 0.3:
            story.labels.append(f"okr:{self.rng.choice(current).id}")
        elif roll > 0.9:
            story.labels.append(f"okr:{story.team.key}-Q4-7")  # the model defines no Q4-7

    def _current(self, team_id: str) -> list[Objective]:
        return [o for o in self.objectives.get(team_id, ()) if o.kind == "current"]

    def link_epics(self) -> None:
        """Each epic (Linear: project) realises an objective, or none; some initiatives too."""
        for team_id, epics in self.epics.items():
            for epic in epics:
                objective = self._objective_for(team_id, _pick(self.rng, EPIC_MIX, rest="none"))
                if objective is not None:
                    self._attach(epic, objective)
            current = self._current(team_id)
            for init in self.inits[team_id]:
                if current and self.rng.random() < 0.25:
                    self._attach(init, self.rng.choice(current))

    def _objective_for(self, team_id: str, how: str) -> Objective | None:
        rng, own = self.rng, self.objectives.get(team_id, [])
        current = self._current(team_id)
        if how == "stale":
            old = [o for o in own if o.kind in ("previous", "done")]
            return rng.choice(old) if old else None
        if how == "gap":
            gaps = [o for o in own if o.kind == "gap"]
            return gaps[0] if gaps else (rng.choice(current) if current else None)
        if how == "foreign":
            others = [t for t in self.objectives if t != team_id]
            return rng.choice(self._current(rng.choice(others))) if others else None
        return rng.choice(current) if how == "active" and current else None

    def _attach(self, node: Node, objective: Objective) -> None:
        if node.team.tracker == "jira" and self.rng.random() < EPIC_BY_LABEL:
            node.labels.append(f"okr:{objective.id}")
        else:
            objective.links.append(_link(node))

    def sprinkle_areas(self, teams: list[Team]) -> None:
        """Own area labels and components, now and then another team's, the Team field."""
        rng = self.rng
        owned = [t for t in teams if t.uuid]
        for node in self.nodes:
            if not node.is_issue:
                continue
            team = node.team
            if team.uuid and rng.random() < 0.35:
                node.labels.append(f"area:{team.id}")
            roll = rng.random()
            if roll < 0.03:
                node.labels.append(f"area:{rng.choice(owned).id}")
            elif roll < 0.04:
                node.labels.append(SHARED_LABEL)
            node.labels.extend(rng.sample(_NOISE_LABELS, rng.choice((0, 0, 1, 1, 2))))
            if team.tracker != "jira":
                continue
            if team.uuid and rng.random() < 0.3:
                node.components.append(f"{team.name} Core")
            roll = rng.random()
            if roll < 0.3 and team.uuid:
                node.team_field = team.uuid
            elif roll < 0.31:
                node.team_field = rng.choice(owned).uuid
