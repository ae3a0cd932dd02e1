"""The fault matrix, end to end through `aligner sync` on fake Jira Cloud, Data Center and
Linear: throttling, 5xx bursts, timeouts, dropped connections, truncated and non-JSON bodies,
repeating page tokens, credentials revoked mid-run, and Ctrl-C at every write.

For each: the tickets are consistent after the run or its rerun (never a duplicate comment),
the exit code and the JSON report tell the truth (3 and `complete: false` when anything is
left undone), and a further rerun makes zero writes.
"""

from __future__ import annotations

from typing import Any

import pytest
import requests

from aligner.report.sync import render_outcome
from tests.sync.harness import UNTRACED, Harness
from tests.sync.jira_harness import JiraHarness

from .faults import (
    FLAGGED,
    assert_consistent,
    assert_converges,
    assert_exactly,
    assert_no_duplicates,
    assert_report_is_true,
    sync_cli,
    sync_lib,
)
from .trackers import HARNESSES, tracker
from .wire import Fault, Wire, comment_create

__all__ = ["tracker"]


@pytest.fixture(autouse=True, params=[1, 8], ids=["sequential", "concurrent"])
def concurrency(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> int:
    """Every case runs one request at a time and with 8 in flight (#15)."""
    from . import faults

    plain = faults.options
    monkeypatch.setattr(faults, "options",
                        lambda harness: {**plain(harness), "concurrency": request.param})
    return int(request.param)


def reads(harness: Harness) -> Any:
    is_write = Wire.around(harness).is_write
    return lambda request: not is_write(request)


def writes(harness: Harness) -> Any:
    return Wire.around(harness).is_write


def ratelimited(harness: Harness) -> list[Fault]:
    """Linear's throttle: HTTP 400, `extensions.code: RATELIMITED`, reset in epoch ms."""
    fake: Any = harness.fake  # type: ignore[attr-defined]
    reset = str(int((fake.time + 40) * 1000))
    body = ('{"data": null, "errors": [{"message": "Rate limit exceeded", '
            '"extensions": {"code": "RATELIMITED"}}]}')
    return [Fault("status", status=400, body=body, times=1,
                  headers={"X-RateLimit-Requests-Remaining": "0",
                           "X-RateLimit-Requests-Reset": reset})]


# name -> (faults, must the first run complete?)
TRANSIENT = {
    "429_retry_after_on_reads": lambda h: [Fault("status", match=reads(h), status=429,
                                                 headers={"Retry-After": "7"}, times=2)],
    "429_retry_after_on_writes": lambda h: [Fault("status", match=writes(h), status=429,
                                                  headers={"Retry-After": "7"}, times=2)],
    "5xx_burst_on_reads": lambda h: [Fault("status", match=reads(h), status=s, times=1)
                                     for s in (500, 502, 503)],
    "timeouts_on_reads": lambda h: [Fault("timeout", match=reads(h), times=2)],
    "dropped_connections_on_reads": lambda h: [Fault("drop", match=reads(h), times=2)],
    "proxy_html_502_on_reads": lambda h: [Fault("not_json", match=reads(h), status=502)],
}
DOUBTFUL_WRITES = {
    "5xx_burst_on_writes": lambda h: [Fault("status", match=writes(h), status=s, times=1)
                                      for s in (500, 502, 503)],
    "502_after_the_comment_was_created": lambda h: [
        Fault("status", match=comment_create, status=502, after=True)],
    "timeout_after_the_comment_was_created": lambda h: [
        Fault("timeout", match=comment_create, after=True)],
    "connection_dropped_during_comment_creation": lambda h: [
        Fault("drop", match=comment_create, after=True)],
    "connection_dropped_before_comment_creation": lambda h: [
        Fault("drop", match=comment_create, after=False, times=2)],
    "truncated_answer_to_a_comment_creation": lambda h: [
        Fault("truncate", match=comment_create, after=True)],
    "html_answer_to_a_comment_creation": lambda h: [
        Fault("not_json", match=comment_create, status=200, after=True)],
    "comment_answer_without_an_id": lambda h: [
        Fault("rewrite", match=comment_create, after=True, rewrite=lambda answer: {})],
    "401_in_the_middle_of_writing": lambda h: [
        Fault("status", match=writes(h), status=401, skip=1, times=1000,
              body='{"errorMessages": ["token revoked"], "errors": [{"message": "revoked",'
                   ' "extensions": {"code": "AUTHENTICATION_ERROR"}}]}')],
}
FATAL_READS = {
    "401_on_the_first_read": lambda h: [Fault("status", status=401, times=1000,
                                              body='{"errorMessages": ["revoked"]}')],
    "truncated_search_page": lambda h: [Fault("truncate", match=is_issue_page, after=True)],
    "html_200_instead_of_json": lambda h: [Fault("not_json", match=is_issue_page, status=200)],
    "5xx_outage_beyond_the_retry_budget": lambda h: [Fault("status", match=reads(h),
                                                           status=503, times=1000)],
}


def is_cloud(harness: Harness) -> bool:
    return isinstance(harness, JiraHarness) and harness.fake.cloud


def is_issue_page(request: requests.PreparedRequest) -> bool:
    from .wire import body_of

    return "/search" in request.path_url or "issues(" in body_of(request)


def test_transient_faults_are_absorbed(tracker: Harness, monkeypatch: pytest.MonkeyPatch,
                                       transient: str) -> None:
    wire = Wire.around(tracker).add(*TRANSIENT[transient](tracker))
    with wire.installed():
        run = sync_cli(tracker, monkeypatch)
        assert run.complete, run.result.output
        assert_consistent(tracker)
        if transient.startswith("429"):
            assert tracker.sleeps.count(7.0) >= 1 and min(tracker.sleeps) >= 7.0
        assert all(f.times == 0 for f in wire.faults)  # every injected fault struck
        assert_converges(tracker, wire)


def test_doubtful_writes_never_duplicate(tracker: Harness, monkeypatch: pytest.MonkeyPatch,
                                        doubtful: str) -> None:
    if doubtful == "comment_answer_without_an_id" and is_cloud(tracker):
        pytest.skip("Jira Cloud creates the comment inside the issue edit: a 204, no id ever")
    wire = Wire.around(tracker).add(*DOUBTFUL_WRITES[doubtful](tracker))
    with wire.installed():
        run = sync_cli(tracker, monkeypatch)
        assert all(f.hits for f in wire.faults)  # every injected fault struck
        if doubtful.startswith("401"):  # refused credentials stop the run: one line, exit 3
            assert run.result.exit_code == 3 and run.report is None
        assert_report_is_true(tracker, run)
        assert_converges(tracker, wire)


def test_fatal_read_failures_stop_before_writing(tracker: Harness,
                                                 monkeypatch: pytest.MonkeyPatch,
                                                 fatal: str) -> None:
    wire = Wire.around(tracker).add(*FATAL_READS[fatal](tracker))
    with wire.installed():
        run = sync_cli(tracker, monkeypatch)
        assert run.result.exit_code == 3 and run.report is None, run.result.output
        assert wire.writes() == 0
        if fatal == "5xx_outage_beyond_the_retry_budget":  # 5 attempts, 300 s at most
            assert len(wire.seen) <= 5 and sum(tracker.sleeps) <= 300
        assert_converges(tracker, wire)


def test_a_repeating_page_token_is_detected(tracker: Harness,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """The tracker keeps saying "more pages" with the same token: one clear error, exit 3."""
    fake: Any = tracker.fake  # type: ignore[attr-defined]
    wire = Wire.around(tracker)
    if isinstance(tracker, JiraHarness) and fake.cloud:
        fake.stuck_token = True
    elif isinstance(tracker, JiraHarness):  # DC: a server that ignores startAt
        wire.add(Fault("rewrite", match=is_issue_page, after=True, times=1000,
                       rewrite=lambda page: {**page, "startAt": 0, "total": 10**9}))
    else:
        cursors: list[str] = []

        def stuck(answer: dict[str, Any]) -> dict[str, Any]:
            """Always "more pages", always the first page's (valid) cursor."""
            issues = (answer.get("data") or {}).get("issues") or {}
            nodes = issues.get("nodes") or []
            if not cursors:
                cursors.append((issues.get("pageInfo") or {}).get("endCursor")
                               or nodes[-1]["id"])
            issues["pageInfo"] = {"hasNextPage": True, "endCursor": cursors[0]}
            return answer

        wire.add(Fault("rewrite", match=is_issue_page, after=True, times=1000, rewrite=stuck))
    with wire.installed():
        run = sync_cli(tracker, monkeypatch)
        assert run.result.exit_code == 3 and run.report is None
        assert "page" in run.result.stderr.lower() or "startat" in run.result.stderr.lower()
        assert wire.writes() == 0
        fake.stuck_token = False
        assert_converges(tracker, wire)


def clean_run_writes(flavour: str, tmp: Any) -> int:
    harness = HARNESSES[flavour](tmp)
    wire = Wire.around(harness)
    with wire.installed():
        assert sync_lib(harness).complete
    return wire.writes()


@pytest.mark.parametrize("rerun", ["same_machine", "fresh_machine"])
@pytest.mark.parametrize("after", [False, True], ids=["before_the_write", "after_the_write"])
def test_ctrl_c_at_every_write_converges(tracker: Harness, tmp_path_factory: Any,
                                         after: bool, rerun: str) -> None:
    """Interrupted at write n (for every n), before or after the tracker applied it: the next
    run — on this machine, or on a fresh one without the local state — repairs with no
    duplicate comment, and the run after that writes nothing. (Jira Cloud killed between its
    comment and the edit recording it: the rerun's precheck adopts the comment.)"""
    flavour = tracker.flavour  # type: ignore[attr-defined]
    total = clean_run_writes(flavour, tmp_path_factory.mktemp("clean"))
    assert total >= 2
    for n in range(total):
        harness = HARNESSES[flavour](tmp_path_factory.mktemp(f"kill{n}"))
        wire = Wire.around(harness).add(Fault("interrupt", match=wire_writes(harness),
                                              skip=n, after=after))
        with wire.installed():
            with pytest.raises(KeyboardInterrupt):
                sync_lib(harness)
            assert_no_duplicates(harness)
            assert_converges(harness, wire,
                             "state.db" if rerun == "same_machine" else "fresh/state.db")


def wire_writes(harness: Harness) -> Any:
    return Wire.around(harness).is_write


def test_ctrl_c_through_the_cli_exits_3_and_says_rerun(tracker: Harness,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    wire = Wire.around(tracker).add(Fault("interrupt", match=comment_create, after=True))
    with wire.installed():
        run = sync_cli(tracker, monkeypatch)
        assert run.result.exit_code == 3 and "rerun" in run.result.stderr
        assert_no_duplicates(tracker)
        assert_converges(tracker, wire)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    for name, cases in (("transient", TRANSIENT), ("doubtful", DOUBTFUL_WRITES),
                        ("fatal", FATAL_READS)):
        if name in metafunc.fixturenames:
            metafunc.parametrize(name, sorted(cases))


@pytest.mark.parametrize("on", ["reads", "writes"])
def test_linear_ratelimited_400_on_reads_and_writes(tmp_path: Any, on: str,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    harness = HARNESSES["linear"](tmp_path)
    (fault,) = ratelimited(harness)
    fault.match = reads(harness) if on == "reads" else writes(harness)
    wire = Wire.around(harness).add(fault)
    with wire.installed():
        run = sync_cli(harness, monkeypatch)
        assert run.complete and fault.hits == 1
        assert harness.sleeps and harness.sleeps[0] == pytest.approx(40, abs=1)
        assert_consistent(harness)
        assert_converges(harness, wire)


def test_a_throttle_longer_than_the_wait_budget_stops_loudly(
        tracker: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    """Retry-After: 1 hour — the run neither waits an hour nor hammers: it stops, exit 3."""
    wire = Wire.around(tracker).add(Fault("status", status=429, times=1000,
                                          headers={"Retry-After": "3600"}))
    with wire.installed():
        run = sync_cli(tracker, monkeypatch)
        assert run.result.exit_code == 3 and "rate" in run.result.stderr.lower()
        assert sum(tracker.sleeps) <= 300 and len(wire.seen) <= 2
        assert_converges(tracker, wire)


def test_every_request_has_a_timeout(tracker: Harness) -> None:
    wire = Wire.around(tracker)
    with wire.installed():
        assert sync_lib(tracker).complete
    assert wire.timeouts and all(t is not None for t in wire.timeouts), wire.timeouts


AFTER_THE_PM = {"T-1": ([], 0), "T-2": ([], 0), "T-3": ([], 0), "T-4": FLAGGED}


def pm_fixes_and_waives(harness: Harness) -> None:
    """Between the killed run and its rerun, the PM links T-2 to the objective and waives T-3:
    neither should keep a label or a comment, whatever the killed run left on it."""
    harness.link_to_objective("T-2")
    harness.waivers = [{"items": [harness.key("T-3")], "codes": ["untraced"],
                        "reason": "KTLO", "owner": "jane@acme.example",
                        "expires": "2027-01-01"}]


@pytest.mark.parametrize("rerun", ["same_machine", "fresh_machine"])
@pytest.mark.parametrize("after", [False, True], ids=["before_the_write", "after_the_write"])
def test_a_kill_at_every_write_then_a_ticket_edit_converges(
        tracker: Harness, tmp_path_factory: Any, after: bool, rerun: str) -> None:
    """#13 item 1: killed at write n (every n, before or after the tracker applied it), then
    the PM fixes or waives tickets before any rerun: the rerun leaves exactly the flags the
    findings call for — no orphan comment on the fixed or waived tickets — and the run after
    it writes nothing. (Jira Cloud creates its comment inside the edit that records it, so no
    instant leaves a comment without its state; Data Center and Linear carry the state in
    the comment.)"""
    flavour = tracker.flavour  # type: ignore[attr-defined]
    total = clean_run_writes(flavour, tmp_path_factory.mktemp("clean"))
    state = "state.db" if rerun == "same_machine" else "fresh/state.db"
    for n in range(total):
        harness = HARNESSES[flavour](tmp_path_factory.mktemp(f"kill{n}"))
        wire = Wire.around(harness).add(Fault("interrupt", match=wire_writes(harness),
                                              skip=n, after=after))
        with wire.installed():
            with pytest.raises(KeyboardInterrupt):
                sync_lib(harness)
            pm_fixes_and_waives(harness)
            wire.faults.clear()
            outcome = sync_lib(harness, state)
            assert outcome.complete, (n, outcome.failed)
            assert_exactly(harness, AFTER_THE_PM)
            before = wire.writes()
            assert sync_lib(harness, state).planned == [] and wire.writes() == before, n


def test_two_runs_with_separate_state_at_once_leave_one_comment(
        tracker: Harness, caplog: pytest.LogCaptureFixture) -> None:
    """#13 item 2: a second run with its own state directory runs whole between the first
    run's reads and its writes, so both post a comment on every flagged ticket. The next run
    deletes the duplicates (Jira Cloud: `sync --full`, whose search looks at comments; Data
    Center and Linear: any run, their issue pages carry aligner's comments), says so, and the
    run after it writes nothing."""
    wire = Wire.around(tracker)
    wire.add(Fault("hook", match=wire.is_write,
                   action=lambda: assert_complete(sync_lib(tracker, "other/state.db"))))
    with wire.installed():
        assert sync_lib(tracker).complete
        assert all(f.hits == 1 for f in wire.faults)
        counts = [len(tracker.aligner_comments(k)) for k in UNTRACED]
        assert counts == [2, 2, 2]  # the race is real: both runs commented
        wire.faults.clear()
        with caplog.at_level("INFO"):
            repair = sync_lib(tracker, full=is_cloud(tracker))
        assert repair.complete, repair.failed
        assert sum(r.repaired for r in repair.results) == 3
        assert "Repaired 3 duplicate comments" in render_outcome(repair)
        logged = [r.getMessage() for r in caplog.records if "duplicate" in r.getMessage()]
        assert len(logged) == 3 and all(tracker.key(k) in " ".join(logged) for k in UNTRACED)
        assert_consistent(tracker)
        before = wire.writes()
        for state in ("state.db", "other/state.db"):
            assert sync_lib(tracker, state, full=True).planned == []
        assert wire.writes() == before


def assert_complete(outcome: Any) -> None:
    assert outcome.complete, outcome.failed
