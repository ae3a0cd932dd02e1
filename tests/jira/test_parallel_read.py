"""The parallel read of a large Jira scope (#15): the same items as one request at a time, and
every request it sends is one Atlassian's OpenAPI extract declares (Cloud: ids, then
`bulkfetch`; Data Center: concurrent `startAt` pages)."""

from __future__ import annotations

import pytest
import responses

from aligner.engine.items import BacklogItem
from tests.fakes.jira import CLOUD, DATACENTER, FakeJira

from .support import adapter, seed_backlog
from .test_contract import problems_of, response_problems

SIZE = 720  # open issues well past the three pages read one after the other


def read(mode: str, concurrency: int) -> tuple[FakeJira, list[BacklogItem]]:
    """A full read of a fresh, identically seeded site at `concurrency`."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        fake = FakeJira(mode).install(rsps)
        seed_backlog(fake, size=SIZE)
        items = list(adapter(fake, options={"concurrency": concurrency}).fetch())
    return fake, items


@pytest.mark.parametrize("mode", [CLOUD, DATACENTER])
def test_a_parallel_read_equals_the_sequential_one(mode: str) -> None:
    one, sequential = read(mode, 1)
    many, parallel = read(mode, 6)
    assert len(sequential) > 300
    assert parallel == sequential  # the same items, in the same order
    if mode == CLOUD:
        assert many.count("bulkfetch") >= 4 and one.count("bulkfetch") == 0
        assert any(r.query.get("fields") == ["id"] for r in many.requests
                   if r.op == "search-jql")  # the id listing
    else:
        pages = sorted(int(r.query["startAt"][0]) for r in many.requests if r.op == "search")
        assert pages == sorted(int(r.query["startAt"][0]) for r in one.requests
                               if r.op == "search")


@pytest.mark.parametrize("mode", [CLOUD, DATACENTER])
def test_every_request_of_the_parallel_read_matches_the_contract(mode: str) -> None:
    fake, _ = read(mode, 6)
    assert len(fake.requests) > 8
    assert [p for record in fake.requests for p in problems_of(record)] == []
    assert [p for record in fake.requests for p in response_problems(record)] == []
