"""Failures: throttling, outages, refused credentials, and never a duplicate comment."""

from __future__ import annotations

import pytest

from aligner.errors import AlignerError, AuthError, TrackerError
from tests.fakes.jira import CLOUD, DATACENTER, FakeJira

from .support import adapter, full_run, plans_for, seed_backlog


def creation(fake: FakeJira, key: str = "CHK-1") -> tuple[str, str]:
    """(method, path) of the request that creates aligner's comment: Cloud creates it inside
    the issue edit (one atomic write with its state), Data Center posts it."""
    return ("PUT", f"/issue/{key}$") if fake.cloud else ("POST", f"/issue/{key}/comment$")


def test_429_waits_at_least_retry_after(fake: FakeJira, waits: list[float]) -> None:
    seed_backlog(fake)
    fake.throttle("GET", "/search", retry_after=7, times=2)
    assert len(list(adapter(fake, waits).fetch())) == 245  # the open ones
    assert waits == [7.0, 7.0]
    statuses = [r.status for r in fake.requests if r.op.startswith("search")]
    assert statuses == [429, 429, 200, 200, 200]


def test_a_5xx_burst_backs_off_exponentially(fake: FakeJira, waits: list[float]) -> None:
    seed_backlog(fake, size=10)
    fake.fail("GET", "/search", 503, times=3)
    assert len(list(adapter(fake, waits).fetch())) == 10
    assert waits == [1.0, 2.0, 4.0]  # base 2 s halved by the (zero) jitter, doubling


def test_an_outage_gives_up_within_the_budget(fake: FakeJira, waits: list[float]) -> None:
    fake.add_issue("CHK-1")
    fake.fail("GET", "/search", 502, times=50)
    with pytest.raises(TrackerError, match="gave up after retries"):
        list(adapter(fake, waits).fetch())
    assert len(waits) == 4 and fake.count(None, "GET") == 6  # field list + five attempts


def test_a_dropped_read_is_retried(fake: FakeJira, waits: list[float]) -> None:
    fake.add_issue("CHK-1")
    fake.drop("GET", "/search", after_performing=False)
    assert [i.key for i in adapter(fake, waits).fetch()] == ["CHK-1"]
    assert len(waits) == 1


def test_401_is_an_auth_error_without_the_secret(fake: FakeJira) -> None:
    fake.add_issue("CHK-1")
    fake.revoke()
    with pytest.raises(AuthError, match="refused the credentials") as caught:
        list(adapter(fake).fetch())
    assert caught.value.exit_code == 3
    assert fake.token not in str(caught.value) and fake.pat not in str(caught.value)
    assert fake.count() == 1  # no retry of a refused credential


def test_401_while_writing_stops_the_run(fake: FakeJira) -> None:
    fake.add_issue("CHK-1")
    fake.add_issue("CHK-2")
    run = adapter(fake, jql="project = CHK")
    plans = plans_for(run.fetch())
    fake.revoke()
    results = run.apply(plans)
    with pytest.raises(AuthError):
        next(results)


def test_403_on_one_issue_is_that_items_error(fake: FakeJira) -> None:
    fake.add_issue("CHK-1")
    fake.add_issue("CHK-2")
    run = adapter(fake, jql="project = CHK")
    plans = plans_for(run.fetch())
    fake.fail(*creation(fake), 403, times=99)
    results = list(run.apply(plans))
    assert "permission denied" in (results[0].error or "") and results[1].ok


def test_an_echoed_secret_is_scrubbed(fake: FakeJira) -> None:
    fake.add_issue("CHK-1")
    secret = fake.token if fake.cloud else fake.pat
    fake.fail("GET", "/search", 400, message=f"bad header Bearer {secret}")
    with pytest.raises(AlignerError) as caught:
        list(adapter(fake).fetch())
    assert secret not in str(caught.value) and "***" in str(caught.value)


@pytest.mark.parametrize(("performed", "timeout"), [(True, False), (False, False), (True, True)])
def test_a_dropped_comment_create_never_duplicates(fake: FakeJira, waits: list[float],
                                                   performed: bool, timeout: bool) -> None:
    fake.add_issue("CHK-1")
    fake.drop(*creation(fake), after_performing=performed, timeout=timeout)
    run = adapter(fake, waits, jql="project = CHK")
    [result] = run.apply(plans_for(run.fetch()))
    assert result.ok
    [comment] = fake.comments("CHK-1")
    create = "edit" if fake.cloud else "comment.create"
    ops = [r.op for r in fake.requests if r.op.startswith("comment") or r.op == "edit"]
    if fake.cloud and performed:  # the edit is atomic: a comment there means it was applied
        assert ops == ["edit", "comment.list"]
    elif fake.cloud:
        assert ops == ["edit", "comment.list", "edit"]
    elif performed:
        assert ops == ["edit", "comment.create", "comment.list"]  # found it: not posted again
    else:
        assert ops == ["edit", "comment.create", "comment.list", "comment.create"]
    assert ops.count(create) == 1 + (not performed)
    state = fake.issue_property("CHK-1")["comment"] if fake.cloud else comment["id"]
    assert state == ("in-edit" if fake.cloud else comment["id"])
    assert adapter(fake, jql="project = CHK").fetch().__next__().flags.comment_id == state


def test_a_5xx_on_comment_create_looks_before_posting_again(fake: FakeJira) -> None:
    fake.add_issue("CHK-1")
    fake.fail(*creation(fake), 500)
    full_run(fake, jql="project = CHK")
    assert len(fake.comments("CHK-1")) == 1 and fake.count("comment.list") == 1


def test_a_throttled_comment_create_is_simply_retried(fake: FakeJira,
                                                      waits: list[float]) -> None:
    fake.add_issue("CHK-1")
    fake.throttle(*creation(fake), retry_after=3)
    full_run(fake, waits, jql="project = CHK")
    assert waits == [3.0] and fake.count("comment.list") == 0
    assert len(fake.comments("CHK-1")) == 1


def test_recovery_finds_the_comment_an_interrupted_run_left(rsps: object) -> None:
    fake = FakeJira(CLOUD).install(rsps)
    fake.add_issue("CHK-1")
    run = adapter(fake, jql="project = CHK")
    plans = plans_for(run.fetch())
    # the previous run posted the comment, then died before the edit recorded it
    fake.add_comment("CHK-1", {"type": "doc", "version": 1, "content": []},
                     properties={"aligner": {"v": 1, "digest": "aligner:untraced"}})
    [result] = adapter(fake, jql="project = CHK").apply(plans, recover=True)
    assert result.ok and len(fake.comments("CHK-1")) == 1
    assert fake.issue_property("CHK-1")["comment"] == fake.comments("CHK-1")[0]["id"]
    assert fake.count("comment.create") == 0 and fake.count("comment.update") == 0


def test_data_center_checks_when_the_comment_list_was_cut_short(rsps: object) -> None:
    fake = FakeJira(DATACENTER, comment_limit=1).install(rsps)
    fake.add_issue("CHK-1")
    fake.add_comment("CHK-1", "first!")
    fake.add_comment("CHK-1", "old\n{anchor:aligner-state-" + b"stale".hex() + "}")
    full_run(fake, jql="project = CHK")
    assert len(fake.comments("CHK-1")) == 2  # updated the one it found, posted none
    assert fake.count("comment.list") == 1 and fake.count("comment.update") == 1


def test_a_refused_edit_never_creates_and_deletes_a_comment_on_every_run(
        fake: FakeJira) -> None:
    """#13 item 4: Cloud creates the comment inside the edit, so a refused edit creates none;
    Data Center edits first, so a refused ticket gets no comment either."""
    fake.add_issue("CHK-1")
    fake.fail("PUT", "/issue/CHK-1$", 400, message="Field 'labels' cannot be set.", times=99)
    for _ in range(2):
        run = adapter(fake, jql="project = CHK")
        [result] = run.apply(plans_for(run.fetch()))
        assert "cannot be set" in (result.error or "")
    assert fake.count("comment.delete") == 0 and fake.labels("CHK-1") == []
    assert fake.count("comment.create") == len(fake.comments("CHK-1")) == 0


def test_every_request_has_a_timeout(fake: FakeJira) -> None:
    from aligner_adapters.jira.settings import Credentials
    from aligner_adapters.jira.transport import build_session

    session = build_session(fake.base_url, Credentials(pat="x"), 30.0)
    assert session.timeout == (10.0, 30.0) and session.max_retries == 0
