"""Failures: throttling waits, auth errors, bugs never retried, writes never blindly re-sent."""

from __future__ import annotations

import logging

import pytest

from aligner.errors import AuthError, TrackerError
from aligner.sync.plan import CREATE
from aligner_adapters.linear.state import comment_body
from aligner_adapters.linear.transport import prepare
from tests.fakes.linear import FakeLinear

from .conftest import AdapterFactory, Sleeper
from .test_write import own_comments, read_all
from .workspace import build, plans_for


def test_rate_limited_read_waits_for_the_reset(fake: FakeLinear, make_adapter: AdapterFactory,
                                               sleeper: Sleeper) -> None:
    build(fake, issues=30)
    fake.fail("ratelimited", on="query Issues", wait=42)
    items = list(make_adapter().fetch())
    assert len([i for i in items if i.kind == "issue"]) == 27  # the 3 done ones are not read
    assert sleeper.waits == [42.0]  # X-RateLimit-Requests-Reset, not a blind backoff
    assert [r.status for r in fake.requests if r.name == "Issues"] == [400, 200]


def test_429_on_a_write_waits_retry_after_and_resends_as_is(
        fake: FakeLinear, make_adapter: AdapterFactory, sleeper: Sleeper) -> None:
    ws = build(fake, issues=20)
    adapter = make_adapter()
    plans = plans_for(read_all(adapter), ws.aligned_projects)
    fake.fail("429", on="commentCreate", wait=7)
    assert all(r.ok for r in adapter.apply(plans))
    assert sleeper.waits == [7.0]
    assert "OwnComments" not in {r.name for r in fake.requests}  # throttled = not applied
    assert all(len(own_comments(fake, p.item.key)) == 1 for p in plans)


def test_server_errors_on_reads_back_off(fake: FakeLinear, make_adapter: AdapterFactory,
                                         sleeper: Sleeper) -> None:
    build(fake, issues=5)
    fake.fail("500", on="query Workspace", times=2)
    assert len(list(make_adapter().fetch())) > 5
    assert sleeper.waits == [2.0, 4.0]


def test_a_throttle_longer_than_the_budget_stops_the_run_loudly(
        fake: FakeLinear, make_adapter: AdapterFactory, sleeper: Sleeper) -> None:
    build(fake, issues=5)
    fake.fail("ratelimited", wait=3600, times=5)
    with pytest.raises(TrackerError, match="rate limited"):
        list(make_adapter().fetch())
    assert sleeper.waits == [] and len(fake.requests) == 1  # it neither hammers nor hangs


@pytest.mark.parametrize("fault", ["auth", "auth200", "forbidden200"])
def test_auth_errors_are_fatal_clear_and_keep_the_key_secret(
        fake: FakeLinear, make_adapter: AdapterFactory, fault: str,
        caplog: pytest.LogCaptureFixture) -> None:
    build(fake, issues=5)
    fake.fail(fault)
    caplog.set_level(logging.DEBUG)
    with pytest.raises(AuthError) as raised:
        list(make_adapter().fetch())
    message = str(raised.value)
    assert "LINEAR_API_KEY" in message and fake.api_key not in message
    assert fake.api_key not in caplog.text
    assert raised.value.exit_code == 3 and len(fake.requests) == 1


def test_auth_error_during_writes_stops_apply(fake: FakeLinear,
                                              make_adapter: AdapterFactory) -> None:
    ws = build(fake, issues=10)
    adapter = make_adapter()
    plans = plans_for(read_all(adapter), ws.aligned_projects)
    fake.fail("auth200", on="mutation")
    with pytest.raises(AuthError):
        list(adapter.apply(plans))


def test_a_bad_query_is_a_bug_and_never_retried(fake: FakeLinear,
                                                make_adapter: AdapterFactory) -> None:
    build(fake, issues=5)
    fake.fail("invalid")
    with pytest.raises(TrackerError, match="Cannot query field") as raised:
        list(make_adapter().fetch())
    assert not isinstance(raised.value, AuthError) and len(fake.requests) == 1
    with pytest.raises(TrackerError, match="does not match the schema"):
        prepare("query Broken { issues { nodes { nope } } }")  # caught before sending


def test_dropped_connection_during_comment_creation_makes_no_duplicate(
        fake: FakeLinear, make_adapter: AdapterFactory, sleeper: Sleeper) -> None:
    ws = build(fake, issues=60)
    adapter = make_adapter()
    plans = plans_for(read_all(adapter), ws.aligned_projects)
    fake.fail("drop", on="commentCreate")  # the first batch is applied, the answer is lost
    fake.reset_counters()
    results = list(adapter.apply(plans))
    assert all(r.ok for r in results), [r.error for r in results if not r.ok]
    assert all(len(own_comments(fake, p.item.key)) == 1 for p in plans)
    names = [r.name for r in fake.requests]
    assert names.count("OwnComments") == 1  # re-read before anything was sent again
    assert len(fake.writes_named("commentCreate")) == len(plans)
    assert len(sleeper.waits) == 1
    assert plans_for(read_all(make_adapter()), ws.aligned_projects) == []


def test_server_error_on_a_write_is_checked_before_resending(
        fake: FakeLinear, make_adapter: AdapterFactory) -> None:
    ws = build(fake, issues=20)
    adapter = make_adapter()
    plans = plans_for(read_all(adapter), ws.aligned_projects)
    fake.fail("500", on="commentCreate")  # not applied, but the adapter cannot know that
    assert all(r.ok for r in adapter.apply(plans))
    assert "OwnComments" in {r.name for r in fake.requests}
    assert all(len(own_comments(fake, p.item.key)) == 1 for p in plans)


def test_giving_up_reports_every_unwritten_item(fake: FakeLinear,
                                                make_adapter: AdapterFactory) -> None:
    ws = build(fake, issues=60)
    adapter = make_adapter()
    plans = plans_for(read_all(adapter), ws.aligned_projects)
    fake.fail("ratelimited", on="mutation AlignerWrite", wait=3600)
    results = list(adapter.apply(plans))
    assert len(results) == len(plans)
    assert all(not r.ok and "not written" in (r.error or "") for r in results)
    assert fake.mutation_requests == 2  # the label, then one refused batch; no more hammering


def test_recover_turns_a_creation_that_already_happened_into_nothing(
        fake: FakeLinear, make_adapter: AdapterFactory) -> None:
    ws = build(fake, issues=10)
    adapter = make_adapter()
    plans = plans_for(read_all(adapter), ws.aligned_projects)
    first = next(p for p in plans if p.comment == CREATE)
    viewer = fake.store.users[fake.store.viewer_id]
    assert first.body is not None
    fake.add_comment(first.item.key, comment_body(first.body, first.digest), by=viewer)
    second = next(p for p in plans if p.comment == CREATE and p is not first)
    fake.add_comment(second.item.key, comment_body(first.body, "older"), by=viewer)
    assert all(r.ok for r in adapter.apply(plans, recover=True))
    assert all(len(own_comments(fake, p.item.key)) == 1 for p in plans)
    assert "aligner-state:AL101" in own_comments(fake, second.item.key)[0]["body"]
    assert plans_for(read_all(make_adapter()), ws.aligned_projects) == []
