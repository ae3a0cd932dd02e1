"""A synthetic organisation served by the stateful fake trackers, for `api_economy`.

The Jira half is stored in `tests.fakes.jira.FakeJira` (Cloud) exactly as the Jira export shows
it; the Linear half is rebuilt in `tests.fakes.linear.FakeLinear` (teams, initiatives, projects,
issues, sub-issues, labels). Each fake answers every request after an injected latency, and
`aligner.yaml` points `trackers.jira` and `trackers.linear` at them.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import responses

from tests.fakes.jira import FakeJira
from tests.fakes.linear import FakeLinear

from .generate import jira_issue, model, write_yaml
from .org import Node, Org

JQL_TAIL = "statusCategory != Done"  # done epics and initiatives are read as ancestors


@dataclass
class FakeOrg:
    org: Org
    jira: FakeJira
    linear: FakeLinear
    config: Path

    def env(self) -> dict[str, str]:
        return {**self.jira.env(), "LINEAR_API_KEY": self.linear.api_key}

    @contextmanager
    def serving(self) -> Iterator[None]:
        """Both fakes answer HTTP (through `responses`) inside the block."""
        with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
            self.jira.install(rsps)
            self.linear.install(rsps)
            yield

    def clocks_to_now(self) -> None:
        """Writes and edits are stamped now, as on a real site (cursors are real time)."""
        self.jira.now = datetime.now(UTC)
        self.linear.store.now = datetime.now(UTC)


def _slowed(handler: Callable[..., Any], latency: float) -> Callable[..., Any]:
    def answer(request: Any) -> Any:
        time.sleep(latency)
        return handler(request)
    return answer


def seed_jira(org: Org, latency: float) -> FakeJira:
    fake = FakeJira("cloud", base_url="https://bench.atlassian.net", now=datetime.now(UTC),
                    global_record=False)  # the contract recorder would keep every answer
    fake._callback = _slowed(fake._callback, latency)  # type: ignore[method-assign]
    for node in org.issues("jira"):
        fake.add_raw(jira_issue(node))
    return fake


def seed_linear(org: Org, latency: float) -> FakeLinear:
    fake = FakeLinear()
    fake.store.now = datetime.now(UTC) - timedelta(days=1)  # history is in the past
    fake._handle = _slowed(fake._handle, latency)  # type: ignore[method-assign]
    nodes = [n for n in org.nodes if n.team.tracker == "linear"]
    by_key = {n.key: n for n in nodes}
    for team in {n.team.key: n.team for n in nodes}.values():
        fake.add_team(team.key, team.name)
    for node in nodes:  # top initiatives first: a sub-initiative names its parent by name
        if node.level == "initiative" and node.parent is None:
            fake.add_initiative(node.title)
    for node in nodes:
        if node.level == "initiative" and node.parent is not None:
            fake.add_initiative(node.title, parent=by_key[node.parent].title)
        elif node.level == "epic":
            parents = [by_key[node.parent].title] if node.parent else []
            fake.add_project(node.title, teams=[node.team.key], initiatives=parents)
    for node in nodes:  # stories before their sub-issues, each team numbered from 1
        if node.is_issue:
            _add_issue(fake, node, by_key)
    return fake


def _add_issue(fake: FakeLinear, node: Node, by_key: dict[str, Node]) -> None:
    project = by_key[node.project].title if node.project else None
    parent = node.parent if node.parent in by_key else None  # a deleted parent is just gone
    issue = fake.add_issue(node.team.key, node.title, state="completed" if node.done
                           else "started", project=project, parent=parent, labels=node.labels)
    if issue["identifier"] != node.key:
        raise RuntimeError(f"fake Linear numbered {node.key} as {issue['identifier']}")


def build(org: Org, folder: Path, latency: float) -> FakeOrg:
    """Seed both fakes and write `aligner.yaml` for them into `folder`."""
    jira, linear = seed_jira(org, latency), seed_linear(org, latency)
    projects = ", ".join(t.key for t in org.teams if t.tracker == "jira")
    trackers = {
        "jira": {**jira.settings(f"project in ({projects}) AND {JQL_TAIL}"), "page_size": 100},
        "linear": {"api_key_env": "LINEAR_API_KEY", "url": linear.url,
                   "teams": sorted({t.key for t in org.teams if t.tracker == "linear"})},
    }
    data = model(org, trackers)
    data["writeback"] = {"max_writes": 1_000_000}  # the benchmark measures, it does not ration
    folder.mkdir(parents=True, exist_ok=True)
    config = folder / "aligner.yaml"
    write_yaml(config, data)
    return FakeOrg(org, jira, linear, config)
