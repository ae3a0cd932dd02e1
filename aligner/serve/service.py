"""The live service: verifies deliveries, queues items, and runs the worker in one thread.

The HTTP side only verifies and marks items dirty (fast, no tracker request); everything that
talks to a tracker or to the state store runs in the worker thread, which owns the store's
SQLite connection and lock. Tests open the worker in their own thread and call `drain()`.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from aligner.errors import AlignerError
from aligner.mirror.backlog import BacklogMirror
from aligner.mirror.store import StateStore
from aligner.model.load import LoadedConfig
from aligner.serve.metrics import ServeMetrics
from aligner.serve.queue import DirtyQueue
from aligner.serve.reading import Reader
from aligner.serve.settings import Endpoint, endpoints
from aligner.serve.worker import LiveWorker
from aligner.sync.read import open_adapters

log = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 30  # what a refused delivery is told (queue full)
IDLE_SECONDS = 5.0  # the worker wakes at least this often to check for a stop or a reconcile
FAILED_LOAD_RETRY = 30.0


@dataclass(frozen=True)
class Answer:
    """What the HTTP layer answers a delivery."""

    status: int
    text: str
    headers: Mapping[str, str] | None = None


class LiveService:
    """One `aligner serve`: its endpoints, dirty queue, metrics, and (once open) its worker."""

    def __init__(self, config: LoadedConfig, state_path: Path, env: Mapping[str, str],
                 options: Mapping[str, Any] | None = None, *,
                 clock: Callable[[], float] = time.time,
                 today: Callable[[], date] = date.today) -> None:
        self.config = config
        self.settings = config.model.serve
        self.endpoints: dict[str, Endpoint] = endpoints(config, env)
        self.state_path = state_path
        self.env = env
        self.options = dict(options or {})
        self.clock = clock  # wall clock: replay windows
        self.today = today
        self.queue = DirtyQueue(self.settings.queue_size, self.settings.debounce_seconds)
        self.metrics = ServeMetrics()
        self.ready = threading.Event()
        self.stopping = threading.Event()
        self.worker: LiveWorker | None = None
        self.last_error: str | None = None

    # the HTTP side (any thread) ------------------------------------------------------------

    def receive(self, tracker: str, headers: Mapping[str, str], body: bytes) -> Answer:
        """Verify one delivery and mark what it hints at dirty; never reads a tracker."""
        endpoint = self.endpoints.get(tracker)
        if endpoint is None:
            return Answer(404, f"no webhook endpoint for {tracker!r}\n")
        if len(body) > self.settings.max_body_bytes:
            self.metrics.rejected.labels(tracker=tracker, reason="too_large").inc()
            return Answer(413, "delivery too large\n")
        lowered = {k.lower(): v for k, v in headers.items()}
        try:
            event = endpoint.verifier.verify(lowered, body, endpoint.secret, self.clock())
        except Exception:  # a plugin's bug must not answer 500 to a forged delivery
            log.exception("serve: the %s plugin failed verifying a delivery", tracker)
            event = None
        if event is None:
            self.metrics.rejected.labels(tracker=tracker, reason="signature").inc()
            return Answer(401, "unsigned, forged or replayed delivery\n")
        if not self.queue.mark(tracker, event.keys):
            self.metrics.rejected.labels(tracker=tracker, reason="queue_full").inc()
            self.queue.wake()
            return Answer(503, "busy: deliver again later\n",
                          {"Retry-After": str(RETRY_AFTER_SECONDS)})
        self.metrics.received.labels(tracker=tracker).inc()
        self.metrics.queue_depth.set(len(self.queue))
        return Answer(202, "accepted\n")

    # the worker side (one thread) ----------------------------------------------------------

    @contextmanager
    def open(self) -> Iterator[LiveWorker]:
        """Take the state store (and its lock), attach the mirror, open the adapters, load."""
        adapters = open_adapters(self.config, (), self.env, self.options)
        with StateStore.open(self.state_path) as store:
            mirror = BacklogMirror.attach(store.db)
            reader = Reader(self.config, adapters, store, self.today)
            worker = LiveWorker(self.config, adapters, mirror, reader, self.queue,
                                self.metrics, self.today, stop=self.stopping)
            worker.load()
            self.worker = worker
            self.ready.set()
            try:
                yield worker
            finally:
                self.ready.clear()
                self.metrics.ready.set(0)
                self.worker = None

    def run(self) -> None:
        """The worker thread: load, then drain due items and reconcile until stopped."""
        while not self.stopping.is_set():
            try:
                with self.open() as worker:
                    self.last_error = None
                    self._loop(worker)
            except AlignerError as error:
                self.last_error = str(error)
                log.error("serve: %s (trying again in %.0f s)", error, FAILED_LOAD_RETRY)
                self.stopping.wait(FAILED_LOAD_RETRY)

    def _loop(self, worker: LiveWorker) -> None:
        every = self.settings.reconcile_minutes * 60
        next_reconcile = time.monotonic() + every
        while not self.stopping.is_set():
            try:
                worker.drain()
                if self.queue.overflowed or time.monotonic() >= next_reconcile:
                    next_reconcile = time.monotonic() + every
                    worker.use(open_adapters(self.config, (), self.env, self.options))
                    worker.reconcile()
            except AlignerError as error:  # a tracker down: keep serving, try again later
                self.metrics.tracker_errors.labels(tracker="*").inc()
                self.last_error = str(error)
                log.warning("serve: %s", error)
                self.stopping.wait(IDLE_SECONDS)
            due = self.queue.next_due()
            wait = min(IDLE_SECONDS, next_reconcile - time.monotonic(),
                       IDLE_SECONDS if due is None else due - time.monotonic())
            if wait > 0:
                self.queue.wait(wait)

    def start(self) -> threading.Thread:
        """Run the worker in a daemon thread (the process can exit even if it hangs)."""
        thread = threading.Thread(target=self.run, name="aligner-serve-worker", daemon=True)
        thread.start()
        return thread

    def stop(self, thread: threading.Thread | None, timeout: float = 30.0) -> None:
        """Ask the worker to stop: it finishes the chunk of writes in flight and abandons the
        rest (the next start re-reads and converges); waits up to `timeout` seconds."""
        self.stopping.set()
        self.queue.wake()
        if thread is not None:
            thread.join(timeout)
            if thread.is_alive():
                log.warning("serve: the worker did not stop within %.0f s: abandoning it",
                            timeout)
