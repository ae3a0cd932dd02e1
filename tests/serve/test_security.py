"""Unsigned, forged, replayed or oversized deliveries change nothing and reach no tracker."""

from __future__ import annotations

from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.serve.harness import NOW, delivery, live, post, tracker_requests
from tests.sync.harness import Harness
from tests.sync.jira_harness import JiraHarness
from tests.sync.linear_harness import LinearHarness


@pytest.fixture(params=["jira", "linear"])
def h(request: pytest.FixtureRequest, tmp_path: Path) -> Harness:
    return JiraHarness(tmp_path) if request.param == "jira" else LinearHarness(tmp_path)


def test_unsigned_and_forged_deliveries_get_401_and_nothing_happens(h: Harness) -> None:
    with h.running(), live(h) as (svc, worker, client):
        h.link_to_objective("T-2")
        before = tracker_requests(h)
        body, headers = delivery(h.name, h.key("T-2"))
        unsigned = {k: v for k, v in headers.items() if "ignature" not in k}
        assert client.post(f"/webhooks/{h.name}", content=body,
                           headers=unsigned).status_code == 401
        assert post(client, h.name, h.key("T-2"), secret="not-the-secret") == 401
        tampered = body.replace(h.key("T-2").encode(), h.key("T-3").encode())
        assert client.post(f"/webhooks/{h.name}", content=tampered,
                           headers=headers).status_code == 401
        assert len(svc.queue) == 0
        worker.drain()
        assert tracker_requests(h) == before
        assert h.labels("T-2") == ["aligner:untraced"]


def test_a_replayed_linear_delivery_is_refused(tmp_path: Path) -> None:
    h = LinearHarness(tmp_path)
    with h.running(), live(h) as (svc, _worker, client):
        before = tracker_requests(h)
        assert post(client, "linear", "CHK-2", now=NOW - 61) == 401
        assert post(client, "linear", "CHK-2", now=NOW + 61) == 401
        assert post(client, "linear", "CHK-2", now=NOW - 59) == 202
        assert tracker_requests(h) == before and len(svc.queue) == 1


def test_oversized_bodies_get_413_and_unknown_trackers_404(tmp_path: Path) -> None:
    h = JiraHarness(tmp_path)
    with h.running(), live(h, max_body_bytes=200) as (svc, _worker, client):
        body, headers = delivery("jira", "CHK-2")
        padded = body[:-1] + b', "pad": "' + b"x" * 300 + b'"}'
        assert client.post("/webhooks/jira", content=padded, headers=headers).status_code == 413
        assert client.post("/webhooks/nope", content=body, headers=headers).status_code == 404
        assert len(svc.queue) == 0


def test_a_full_queue_answers_503_with_retry_after(tmp_path: Path) -> None:
    h = JiraHarness(tmp_path)
    with h.running(), live(h, queue_size=2) as (svc, _worker, client):
        assert post(client, "jira", "CHK-2") == 202
        assert post(client, "jira", "CHK-3") == 202
        assert post(client, "jira", "CHK-3") == 202  # already queued: no room needed
        body, headers = delivery("jira", "CHK-4")
        answer = client.post("/webhooks/jira", content=body, headers=headers)
        assert answer.status_code == 503 and int(answer.headers["retry-after"]) > 0
        assert svc.queue.overflowed  # the worker reconciles early


def test_healthz_and_metrics(tmp_path: Path) -> None:
    h = JiraHarness(tmp_path)
    with h.running(), live(h) as (_svc, worker, client):
        assert client.get("/healthz").json()["ready"] is True
        post(client, "jira", "CHK-2")
        post(client, "jira", "CHK-2", secret="forged")
        worker.drain()
        text = client.get("/metrics").text
        families = {f.name: f for f in text_string_to_metric_families(text)}
        received = families["aligner_events_received"].samples
        assert any(s.labels == {"tracker": "jira"} and s.value == 1 for s in received)
        rejected = families["aligner_events_rejected"].samples
        assert any(s.labels.get("reason") == "signature" and s.value == 1 for s in rejected)
        shares = families["aligner_aligned_share"].samples  # 2 of 5: the epic and CHK-1
        assert [(s.labels["team"], round(s.value, 2)) for s in shares] == [("checkout", 0.4)]
        assert "aligner_queue_depth" in families and "aligner_writes" in families
        page = client.get("/")
        assert page.status_code == 200 and "checkout" in page.text
