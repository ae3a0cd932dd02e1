"""How the worker processes events: coalescing, descendants, no loops, stop and restart."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import aligner.serve.worker as worker_module
from aligner.plugins.adapter import Refetcher
from tests.serve.harness import live, post
from tests.sync.harness import Harness
from tests.sync.jira_harness import JiraHarness
from tests.sync.linear_harness import LinearHarness


@pytest.fixture(params=["jira", "linear"])
def h(request: pytest.FixtureRequest, tmp_path: Path) -> Harness:
    return JiraHarness(tmp_path) if request.param == "jira" else LinearHarness(tmp_path)


def add_untraced(h: Harness, n: int) -> str:
    """A new untraced ticket CHK-n, as a person would create it."""
    if isinstance(h, JiraHarness):
        h.fake.add_issue(f"CHK-{n}", f"New work {n}")
    else:
        assert isinstance(h, LinearHarness)
        h.fake.add_issue("CHK", f"New work {n}")
    return f"CHK-{n}"


def test_200_deliveries_for_one_ticket_are_one_evaluation_and_one_write_set(h: Harness) -> None:
    with h.running(), live(h) as (svc, worker, client):
        h.link_to_objective("T-2")
        evaluations = svc.metrics.evaluations._value.get()
        for _ in range(200):
            assert post(client, h.name, h.key("T-2")) == 202
        h.reset_requests()
        assert worker.drain() == 1
        evaluated = svc.metrics.evaluations._value.get() - evaluations
        assert isinstance(worker.adapters[h.name], Refetcher)  # re-read by key, not caught up
        assert evaluated == 1
        assert worker.last_plans == 1 and h.labels("T-2") == []
        writes = h.write_requests()
        assert 1 <= writes <= 2  # one item's labels/state and its comment


def test_events_caused_by_aligners_own_writes_cause_no_writes(h: Harness) -> None:
    with h.running(), live(h) as (_svc, worker, client):
        key = add_untraced(h, 5)
        post(client, h.name, key)
        worker.drain()
        assert h.labels("T-5") == ["aligner:untraced"] and h.aligner_comments("T-5")
        h.reset_requests()
        for _ in range(3):  # the tracker tells us about our own label and comment writes
            post(client, h.name, key, actor="aligner-bot")
            worker.drain()
        assert h.write_requests() == 0


def test_an_epic_or_project_change_reflags_its_children(h: Harness) -> None:
    container = setup_second_container(h)
    with h.running(), live(h) as (_svc, worker, client):
        assert h.labels("T-5") == ["aligner:untraced"]
        link_container(h)
        post(client, h.name, container, kind="Project")  # the event names the container only
        worker.drain()
        assert h.labels("T-5") == []


def setup_second_container(h: Harness) -> str:
    """A second epic/project holding CHK-5, not linked to any objective yet."""
    if isinstance(h, JiraHarness):
        h.fake.add_issue("CHK-200", "Payments", issuetype="Epic")
        h.fake.add_issue("CHK-5", "Card vault", epic="CHK-200")
        return "CHK-200"
    assert isinstance(h, LinearHarness)
    h.fake.add_initiative("Growth")
    project = h.fake.add_project("Payments", teams=["CHK"])
    h.fake.add_issue("CHK", "Card vault", project="Payments")
    h.owner_links = lambda: ["linear:project:Checkout v2",  # type: ignore[method-assign]
                             "linear:initiative:Growth"]
    return f"project:{project['id']}"


def link_container(h: Harness) -> None:
    """A PM puts the epic/project under the objective (on the tracker, not in the model)."""
    if isinstance(h, JiraHarness):
        h.fake.update_fields("CHK-200", labels=["okr:CHK-Q4-1"])
    else:
        assert isinstance(h, LinearHarness)
        project = h.fake.project("Payments")
        project["initiativeIds"] = [h.fake.initiative("Growth")["id"]]


def test_a_stop_mid_apply_then_a_restart_converges(h: Harness,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    real_apply = worker_module.apply
    monkeypatch.setattr(worker_module, "APPLY_CHUNK", 1)
    with h.running():
        with live(h) as (svc, worker, client):
            keys = [add_untraced(h, n) for n in (5, 6, 7)]

            def apply_then_stop(*args: Any, **kwargs: Any) -> Any:
                done = real_apply(*args, **kwargs)
                svc.stopping.set()  # SIGTERM arrives while the first item is written
                return done

            monkeypatch.setattr(worker_module, "apply", apply_then_stop)
            for key in keys:
                post(client, h.name, key)
            worker.drain()
            monkeypatch.setattr(worker_module, "apply", real_apply)
        flagged = [k for k in ("T-5", "T-6", "T-7") if h.labels(k)]
        assert len(flagged) == 1  # the rest was abandoned safely
        with live(h, keep=True) as (_svc, worker, _client):  # the next start converges
            worker.drain()
        for symbolic in ("T-5", "T-6", "T-7"):
            assert h.labels(symbolic) == ["aligner:untraced"]
            assert len(h.aligner_comments(symbolic)) == 1
        h.reset_requests()
        assert h.sync().writes == 0 and h.write_requests() == 0
