"""The JQL aligner builds and the paginators that walk search results."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from aligner.errors import TrackerError
from aligner_adapters.jira.jql import keys_query, missing_keys_named, scoped, split_order_by
from aligner_adapters.jira.paging import offset_pages, token_pages

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(("jql", "where", "order"), [
    ("project = A ORDER BY Rank ASC", "project = A", "ORDER BY Rank ASC"),
    ("project = A order by key desc, updated", "project = A", "order by key desc, updated"),
    ('summary ~ "order by" AND project = A', 'summary ~ "order by" AND project = A', ""),
    ("labels = border ORDER BY created", "labels = border", "ORDER BY created"),
    ("ORDER BY created", "", "ORDER BY created"),
    ("(a = b) ORDER  BY x", "(a = b)", "ORDER  BY x"),
])
def test_order_by_is_split_off_outside_quotes(jql: str, where: str, order: str) -> None:
    assert split_order_by(jql) == (where, order)


def test_the_users_query_is_wrapped_and_keeps_its_order() -> None:
    since = NOW - timedelta(minutes=10, seconds=1)
    assert scoped("project = A OR project = B ORDER BY Rank", since, NOW) == (
        '(project = A OR project = B) AND updated >= "-13m" ORDER BY Rank')
    assert scoped("project = A", None, NOW) == (  # a full read asks for open items only
        "(project = A) AND statusCategory != Done ORDER BY key ASC")
    assert scoped("ORDER BY created", since.replace(tzinfo=None), NOW) == (
        'updated >= "-13m" ORDER BY created')  # a naive `since` is UTC


def test_keys_queries_and_the_keys_an_error_names() -> None:
    assert keys_query(["A-1", "B-22"]) == 'key in ("A-1", "B-22")'
    messages = ["An issue with key 'b-22' does not exist for field 'key'."]
    assert missing_keys_named(messages, ["A-1", "B-22"]) == {"B-22"}


def test_token_pages_follow_tokens_until_the_last_page() -> None:
    pages = {None: {"issues": [1], "nextPageToken": "t1", "isLast": False},
             "t1": {"issues": [2], "isLast": True}}
    assert list(token_pages(pages.__getitem__)) == [[1], [2]]


def test_token_pages_refuse_a_missing_token() -> None:
    with pytest.raises(TrackerError, match="no nextPageToken"):
        list(token_pages(lambda token: {"issues": [1], "isLast": False}))


def test_offset_pages_advance_by_what_came_back_and_refuse_a_wrong_start() -> None:
    served = []

    def page(start: int) -> dict:
        served.append(start)
        return {"startAt": start, "maxResults": 2, "total": 5, "issues": list(range(start,
                                                                               min(start + 2, 5)))}

    assert [i for p in offset_pages(page) for i in p] == [0, 1, 2, 3, 4]
    assert served == [0, 2, 4]
    with pytest.raises(TrackerError, match="startAt=0 when asked for 2"):
        list(offset_pages(lambda start: {"startAt": 0, "total": 9, "issues": [1, 2]}))
