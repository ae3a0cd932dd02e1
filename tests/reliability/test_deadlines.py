"""A server that trickles its answer cannot hold a run (issue #13, item 5).

A real local server on 127.0.0.1 answers one byte at a time, each byte well within the
per-read timeout, forever. Every request to it on both trackers must end at its total
deadline (configured small here) as a timeout the retry layer already handles. No timing is
asserted: the tests only need to finish. The same adapters still work under `responses`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
import responses

from aligner.deadline import DeadlineAdapter, with_deadline
from aligner.errors import RetriableError
from aligner.retry import RetryPolicy
from aligner_adapters.jira.settings import Credentials
from aligner_adapters.jira.transport import JiraTransport, build_session
from aligner_adapters.linear.transport import LinearHTTP

BYTE_EVERY = 0.05  # seconds between bytes: far inside the per-read timeout below
READ_TIMEOUT = 5.0
DEADLINE = 0.6


class Trickle(BaseHTTPRequestHandler):
    """Headers byte by byte (`head` mode) or a complete header then a body that never ends."""

    def _trickle(self) -> None:
        stop: threading.Event = self.server.stop  # type: ignore[attr-defined]
        head = (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                b"Content-Length: 999999\r\n\r\n")
        body_first = self.path.endswith("body")
        if body_first:
            self.wfile.write(head)
            self.wfile.flush()
        data = b'{"issues": [' if body_first else head
        while not stop.is_set():
            for byte in data:
                if stop.wait(BYTE_EVERY):
                    return
                try:
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                except OSError:
                    return  # the client gave up: what the deadline is for
            data = b" "

    do_GET = do_POST = _trickle

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def trickling() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Trickle)
    server.daemon_threads = True
    server.stop = threading.Event()  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.stop.set()  # type: ignore[attr-defined]
    server.shutdown()
    server.server_close()


def _no_retry() -> RetryPolicy:
    return RetryPolicy(attempts=1, sleep=lambda s: None)


@pytest.mark.parametrize("phase", ["head", "body"])
def test_jira_gives_up_on_a_trickling_server(trickling: str, phase: str) -> None:
    session = build_session(trickling, Credentials(pat="a-token"), READ_TIMEOUT, DEADLINE)
    transport = JiraTransport(trickling, session, _no_retry())
    with pytest.raises(RetriableError, match="timed out"):
        transport.send("GET", f"/rest/api/2/{phase}")


@pytest.mark.parametrize("phase", ["head", "body"])
def test_linear_gives_up_on_a_trickling_server(trickling: str, phase: str) -> None:
    http = LinearHTTP(f"{trickling}/{phase}", "lin_api_key", timeout=READ_TIMEOUT,
                      credential="LINEAR_API_KEY", deadline=DEADLINE)
    with pytest.raises(RetriableError, match="timed out"):
        http.post("query Teams { teams { nodes { id } } }", {})


def test_the_deadline_defaults_to_four_read_timeouts() -> None:
    session = build_session("https://jira.example", Credentials(pat="a-token"), 30.0)
    adapter = session.get_adapter("https://jira.example/rest")
    assert isinstance(adapter, DeadlineAdapter) and adapter.seconds == 120.0


def test_a_fast_answer_is_untouched_by_the_watchdog(trickling: str) -> None:
    """A complete answer before the deadline is returned as is, on a real socket."""
    session = with_deadline(requests.Session(), 5.0)
    with responses.RequestsMock() as faked:  # and under `responses`, as every other test runs
        faked.add(responses.GET, "https://jira.example/rest/api/2/myself", json={"ok": True})
        assert session.get("https://jira.example/rest/api/2/myself").json() == {"ok": True}
    started = time.monotonic()
    with pytest.raises(requests.Timeout):
        session.get(f"{trickling}/body", timeout=READ_TIMEOUT)
    assert time.monotonic() - started < 60  # a bound for a hang, not a timing assertion
