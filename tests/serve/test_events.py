"""aligner serve end to end on the stateful fakes: signed deliveries change flags."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.serve.harness import live, post
from tests.sync.harness import Harness
from tests.sync.jira_harness import JiraHarness
from tests.sync.linear_harness import LinearHarness


@pytest.fixture(params=["jira", "linear"])
def h(request: pytest.FixtureRequest, tmp_path: Path) -> Harness:
    return JiraHarness(tmp_path) if request.param == "jira" else LinearHarness(tmp_path)


def test_start_flags_the_backlog_then_a_signed_event_clears_a_fixed_ticket(h: Harness) -> None:
    with h.running(), live(h) as (_svc, worker, client):
        assert h.labels("T-2") == ["aligner:untraced"]  # the first start converged
        h.link_to_objective("T-2")
        assert post(client, h.name, h.key("T-2")) == 202
        assert h.labels("T-2") == ["aligner:untraced"]  # nothing happens before the worker
        worker.drain()
        assert h.labels("T-2") == []
        assert h.labels("T-3") == ["aligner:untraced"]


def test_a_sync_after_the_service_writes_nothing(h: Harness) -> None:
    with h.running():
        with live(h) as (_svc, worker, client):
            h.link_to_objective("T-3")
            post(client, h.name, h.key("T-3"))
            worker.drain()
        h.reset_requests()
        outcome = h.sync()
        assert outcome.writes == 0 and h.write_requests() == 0
