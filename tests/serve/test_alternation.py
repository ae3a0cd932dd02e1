"""`aligner serve` and `aligner sync` share one read path (one fingerprint, one cursor per
source): taking turns on a state store never forces a full re-read, and the service cleans a
flagged ticket that an event shows has left the scope."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.serve.harness import live, post
from tests.sync.harness import Harness
from tests.sync.jira_harness import JiraHarness
from tests.sync.linear_harness import LinearHarness
from tests.sync.test_mirror_scenarios import close, delete, move_out, reads


@pytest.fixture(params=["jira", "linear"])
def h(request: pytest.FixtureRequest, tmp_path: Path) -> Harness:
    return JiraHarness(tmp_path) if request.param == "jira" else LinearHarness(tmp_path)


def test_sync_then_serve_then_sync_never_reads_in_full(h: Harness) -> None:
    with h.running():
        before = reads(h)
        first = h.sync()
        full_reads = reads(h) - before
        assert first.incremental == {h.name: False} and first.complete
        before = reads(h)
        with live(h) as (svc, worker, _client):
            worker.drain()
            assert svc.worker is not None and worker.reader.reads == {h.name: "incremental"}
        served = reads(h) - before
        before = reads(h)
        again = h.sync()
        assert again.incremental == {h.name: True} and again.planned == []
        assert reads(h) - before <= full_reads and served <= full_reads
        # and the reverse turn: a service started after that sync reads incrementally too
        with live(h, keep=True) as (_svc, worker, _client):
            assert worker.reader.reads == {h.name: "incremental"}


@pytest.mark.parametrize("edit", [close, move_out])
def test_a_flagged_ticket_leaving_the_scope_after_an_event_loses_its_flags(
        h: Harness, edit: object) -> None:
    with h.running(), live(h) as (_svc, worker, client):
        assert h.labels("T-3") == ["aligner:untraced"] and h.aligner_comments("T-3")
        edit(h, "T-3")  # type: ignore[operator]
        assert post(client, h.name, h.key("T-3")) == 202
        worker.drain()
        assert h.labels("T-3") == [] and h.aligner_comments("T-3") == []
        h.reset_requests()
        assert post(client, h.name, h.key("T-3")) == 202  # a late delivery changes nothing
        worker.drain()
        assert h.write_requests() == 0


def test_a_delivery_for_a_deleted_ticket_drops_it_without_a_retry_loop(h: Harness) -> None:
    with h.running(), live(h) as (_svc, worker, client):
        key = h.key("T-4")
        assert key in worker.graph
        delete(h, "T-4")
        assert post(client, h.name, key) == 202
        worker.drain()
        assert key not in worker.graph and key not in worker.mirror.keys(h.name)
        assert worker.queue.next_due() is None or worker.drain() == 0  # nothing left to retry
