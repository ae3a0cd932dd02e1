"""A realistic fake workspace for the Linear tests, and a tiny stand-in for the rule engine.

Two teams read (CHK, PAY) and one not read (OPS); initiatives nested three deep; projects
realising them, one untraced project, one project of the unread team; 250 issues with
sub-issues (one of them under an OPS issue, so it is fetched as a missing ancestor), done
issues, and area labels.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from aligner.comment.document import BulletList, Comment, Paragraph, Text
from aligner.engine.items import BacklogItem
from aligner.sync.plan import ItemPlan, plan_item
from aligner_adapters.linear.mapping import team_key
from tests.fakes.linear import FakeLinear

UNTRACED = "aligner:untraced"


@dataclass
class Workspace:
    fake: FakeLinear
    aligned_projects: set[str]  # project ids that trace to an active strategy
    side_quest: str  # the untraced project's id
    ops_issue: str  # identifier of an issue in the unread team


def build(fake: FakeLinear, issues: int = 250) -> Workspace:
    for key, name in (("CHK", "Checkout"), ("PAY", "Payments"), ("OPS", "Operations")):
        fake.add_team(key, name)
    fake.add_label("area:checkout", team="CHK")
    fake.add_label("area:payments")
    grow = fake.add_initiative("Grow self-serve")
    frictionless = fake.add_initiative("Frictionless checkout", parent=grow)
    one_click = fake.add_initiative("One-click pay", parent=frictionless)
    fake.add_initiative("Legacy cleanup")
    checkout = fake.add_project("Checkout v2", teams=["CHK"], initiatives=[frictionless])
    wallets = fake.add_project("Wallets", teams=["PAY", "CHK"], initiatives=[one_click])
    side = fake.add_project("Side quest", teams=["PAY"])
    tooling = fake.add_project("Ops tooling", teams=["OPS"])
    ops_epic = fake.add_issue("OPS", "Ops epic", project=tooling)
    projects = [checkout, wallets, side, None]
    previous: dict[str, str] = {}
    for n in range(issues):
        team = "CHK" if n % 2 == 0 else "PAY"
        parent = previous.get(team) if n % 7 == 3 else None
        if n == 5:
            parent = ops_epic["identifier"]
        labels = ["area:checkout"] if team == "CHK" and n % 5 == 0 else (
            ["area:payments"] if n % 5 == 1 else [])
        issue = fake.add_issue(
            team, f"Issue {n}", state="completed" if n % 10 == 9 else "started",
            project=None if parent else projects[n % 4], parent=parent, labels=labels)
        previous[team] = issue["identifier"]
    return Workspace(fake, {checkout["id"], wallets["id"]}, side["id"], ops_epic["identifier"])


def graph_of(items: Iterable[BacklogItem]) -> dict[str, BacklogItem]:
    return {item.key: item for item in items}


def traced(item: BacklogItem, graph: dict[str, BacklogItem], aligned: set[str]) -> bool:
    """Does the item reach an aligned project through parents (the engine, in miniature)?"""
    seen: set[str] = set()
    pending = list(item.parents)
    while pending:
        key = pending.pop()
        if key in seen or key not in graph:
            continue
        seen.add(key)
        if key.startswith("project:") and key.removeprefix("project:") in aligned:
            return True
        pending.extend(graph[key].parents)
    return False


def body_for(item: BacklogItem) -> Comment:
    return Comment((
        Paragraph((Text("aligner: ", "strong"), Text(f"{item.key} "), Text(item.title),
                   Text(" reaches no team objective."))),
        BulletList(((Text("untraced", "code"), Text(" — link its project to an objective")),)),
    ))


def plans_for(items: Iterable[BacklogItem], aligned: set[str], *, comment: bool = True,
              on_resolve: str = "delete", teams: Iterable[str] = ("CHK", "PAY"),
              code: str = "AL101") -> list[ItemPlan]:
    """One plan per open issue whose flags must change: untraced issues get label + comment."""
    graph = graph_of(items)
    teams = set(teams)
    plans = []
    for item in graph.values():
        if not item.evaluated or team_key(item) not in teams:
            continue  # ancestors from teams not read are context, not backlog
        flagged = not traced(item, graph, aligned)
        labels = frozenset({UNTRACED}) if flagged else frozenset()
        resolved = Comment((Paragraph((Text("Resolved."),)),))
        plan = plan_item(item, labels, code if flagged else None,
                         body_for(item) if flagged else None, comment=comment,
                         on_resolve=on_resolve, resolved_body=resolved)
        if plan is not None:
            plans.append(plan)
    return plans
