"""Linear reads in parallel (#15): past the first page, one cursor per team (per state type for
a single team), each leaving out what the first page held. The items equal the sequential
read's, full and incremental; the extra cost is at most one partial page per split."""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Any

from aligner.engine.items import BacklogItem
from aligner_adapters.linear.documents import ISSUE_PAGE_SIZE
from aligner_adapters.linear.reader import OVERLAP, SPLIT_STATES, splits
from tests.fakes.linear import FakeLinear

from .conftest import AdapterFactory
from .workspace import build, graph_of

ISSUES = 900  # 810 open: nine pages one after the other


def issues_read(fake: FakeLinear, make_adapter: AdapterFactory, concurrency: int,
                since: datetime | None = None, teams: tuple[str, ...] = ("CHK", "PAY")
                ) -> tuple[dict[str, BacklogItem], list[Any]]:
    start = len(fake.requests)
    items = make_adapter(teams=teams, concurrency=concurrency).fetch(since)
    graph = graph_of(i for i in items if i.kind == "issue")
    return graph, [r for r in fake.requests[start:] if r.name == "Issues"]


def test_a_parallel_full_read_equals_the_sequential_one(
        fake: FakeLinear, make_adapter: AdapterFactory) -> None:
    build(fake, issues=ISSUES)
    sequential, one = issues_read(fake, make_adapter, 1)
    parallel, many = issues_read(fake, make_adapter, 6)
    assert len(sequential) == 810 and parallel == sequential
    assert len(one) == math.ceil(810 / ISSUE_PAGE_SIZE)
    assert len(one) <= len(many) <= len(one) + 2  # a partial page per team at most
    teams = [r.variables["filter"]["and"][1] for r in many[1:]]
    assert {t["team"]["key"]["eq"] for t in teams} == {"CHK", "PAY"}
    assert [len(r.variables["filter"]["and"][2]["id"]["nin"]) for r in many[1:]] == [
        ISSUE_PAGE_SIZE] * (len(many) - 1)  # the first page's issues are not read again
    assert {r.complexity for r in many} == {one[0].complexity}  # filters cost nothing


def test_one_team_is_split_by_state_type_and_none_is_lost(
        fake: FakeLinear, make_adapter: AdapterFactory) -> None:
    build(fake, issues=ISSUES)
    kinds = ["backlog", "unstarted", "started", "triage", "completed"]
    for n, issue in enumerate(fake.store.issues.values()):
        issue["stateType"] = kinds[n % len(kinds)]  # triage: only the `nin` split reads it
    sequential, one = issues_read(fake, make_adapter, 1, teams=("CHK",))
    parallel, many = issues_read(fake, make_adapter, 6, teams=("CHK",))
    assert parallel == sequential and len(sequential) > 2 * ISSUE_PAGE_SIZE
    assert {i.key for i in parallel.values()} >= {
        issue["identifier"] for issue in fake.store.issues.values()
        if issue["stateType"] == "triage" and issue["identifier"].startswith("CHK-")}
    assert len(many) <= len(one) + len(SPLIT_STATES) + 1


def test_an_incremental_read_in_parallel_reads_done_issues_too(
        fake: FakeLinear, make_adapter: AdapterFactory) -> None:
    build(fake, issues=ISSUES)
    fake.store.now += timedelta(hours=1)
    since = fake.store.now + OVERLAP  # the read starts from `since` less the overlap
    for issue in list(fake.store.issues.values())[::2]:  # 450 changed, done ones among them
        fake.store.touch(issue)
    sequential, _ = issues_read(fake, make_adapter, 1, since=since)
    parallel, many = issues_read(fake, make_adapter, 6, since=since)
    assert parallel == sequential and len(sequential) == 450
    assert any(not item.open for item in parallel.values())
    assert len(many) > 1


def test_splits_cover_every_issue_once() -> None:
    assert splits(["CHK", "PAY", "OPS"], 6) == [{"team": {"key": {"eq": k}}}
                                                for k in ("CHK", "PAY", "OPS")]
    one_team = splits(["CHK"], 6)
    assert one_team[-1] == {"state": {"type": {"nin": list(SPLIT_STATES)}}}
    assert [s["state"]["type"]["eq"] for s in one_team[:-1]] == list(SPLIT_STATES)
    assert splits(["CHK"], 2) == [{"state": {"type": {"eq": "backlog"}}},
                                  {"state": {"type": {"nin": ["backlog"]}}}]
    assert splits(None, 1) == [{}]
