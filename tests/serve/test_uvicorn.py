"""The app under a real uvicorn on 127.0.0.1 (ephemeral port): /healthz answers."""

from __future__ import annotations

import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import uvicorn

from aligner.serve.app import create_app
from tests.serve.harness import service
from tests.sync.jira_harness import JiraHarness


def test_uvicorn_serves_healthz(tmp_path: Path) -> None:
    svc = service(JiraHarness(tmp_path))  # no worker: nothing reaches a tracker
    config = uvicorn.Config(create_app(svc, background=False), host="127.0.0.1", port=0,
                            log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        for _ in range(200):  # bounded: up to 10 s for the socket to open
            if server.started:
                break
            time.sleep(0.05)
        assert server.started
        port = server.servers[0].sockets[0].getsockname()[1]
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5)
            raise AssertionError("expected 503 before the mirror is loaded")
        except urllib.error.HTTPError as answer:
            assert answer.code == 503
        svc.ready.set()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as ok:
            assert ok.status == 200
    finally:
        server.should_exit = True
        thread.join(10)
    assert not thread.is_alive()
