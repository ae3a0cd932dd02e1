"""Serve tests: the sync harnesses' fake trackers, a service on them, signed deliveries."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import yaml
from starlette.testclient import TestClient

from aligner.model.load import load_config
from aligner.serve.app import create_app
from aligner.serve.service import LiveService
from aligner.serve.worker import LiveWorker
from aligner_adapters.jira import webhooks as jira_hooks
from aligner_adapters.linear import webhooks as linear_hooks
from tests.sync.harness import AS_OF, Harness

SECRET = "whsec-0123456789abcdef"
NOW = 1_795_000_000.0  # the service's wall clock (seconds), for replay windows


def configure(h: Harness, **serve: Any) -> None:
    """Add a `serve:` section to the harness's model file (debounce 0: drain is immediate)."""
    path = h.config
    model = yaml.safe_load(path.read_text())
    model["serve"] = {"secrets": {h.name: "HOOK_SECRET"}, "debounce_seconds": 0, **serve}
    path.write_text(yaml.safe_dump(model, sort_keys=False))


def service(h: Harness, **serve: Any) -> LiveService:
    """A service on the harness's fake, with a fixed clock and run date."""
    config = load_config(h.tmp / "aligner.yaml") if serve.pop("keep", False) else None
    if config is None:
        configure(h, **serve)
        config = load_config(h.tmp / "aligner.yaml")
    return LiveService(config, h.tmp / "state.db", {**h.env(), "HOOK_SECRET": SECRET},
                       {"sleep": h.sleeps.append}, clock=lambda: NOW, today=lambda: AS_OF)


@contextmanager
def live(h: Harness, **serve: Any) -> Iterator[tuple[LiveService, LiveWorker, TestClient]]:
    """An open service (mirror loaded, first convergence done) and a client for its app."""
    svc = service(h, **serve)
    with svc.open() as worker, TestClient(create_app(svc, background=False)) as client:
        yield svc, worker, client


def delivery(tracker: str, key: str, *, secret: str = SECRET, now: float = NOW,
             kind: str = "Issue", actor: str = "human") -> tuple[bytes, dict[str, str]]:
    """A delivery signed exactly as the tracker signs it."""
    if tracker == "jira":
        body = json.dumps({"timestamp": int(now * 1000), "webhookEvent": "jira:issue_updated",
                           "user": {"accountId": actor}, "issue": {"id": "1", "key": key}})
        raw = body.encode()
        return raw, {"X-Hub-Signature": jira_hooks.sign(raw, secret),
                     "Content-Type": "application/json"}
    data = {"id": key.split(":")[-1]} if kind != "Issue" else {"id": "x", "identifier": key}
    body = json.dumps({"action": "update", "type": kind, "data": data,
                       "actor": {"id": actor}, "webhookTimestamp": int(now * 1000),
                       "webhookId": "hook-1", "url": "https://linear.app/x"})
    raw = body.encode()
    return raw, {"Linear-Signature": linear_hooks.sign(raw, secret),
                 "Content-Type": "application/json"}


def post(client: TestClient, tracker: str, key: str, **kwargs: Any) -> int:
    body, headers = delivery(tracker, key, **kwargs)
    return client.post(f"/webhooks/{tracker}", content=body, headers=headers).status_code


def tracker_requests(h: Harness) -> int:
    """Every request the fake tracker received so far (reads and writes)."""
    fake: Any = h.fake  # type: ignore[attr-defined]
    if h.name == "jira":
        return len(fake.requests)
    return int(fake.query_requests + fake.mutation_requests)
