"""A total deadline on every HTTP request, whatever the server does with its answer.

`requests`' timeout bounds each socket read, not the request: a server (or proxy) that sends one
byte per second never trips it and holds a run forever. `DeadlineAdapter` adds a wall-clock
bound. A watchdog timer starts with each request; the pooled connection the request uses is
registered with it; if the answer is not complete (headers and body) when the deadline passes,
the watchdog shuts that connection's socket down, which ends the blocked read at once, and the
request fails as `requests.Timeout` — the error every adapter already classifies and retries.

It works under `responses` too: faked answers never open a connection, so the watchdog has
nothing to cut and stays out of the way.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Mapping
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

_current = threading.local()  # the watchdog of the request running on this thread


class _Watchdog:
    """Shuts down the sockets of one request's connections when its deadline passes."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.fired = False
        self._connections: list[Any] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._fire)
        self._timer.daemon = True

    def __enter__(self) -> _Watchdog:
        _current.watchdog = self
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()
        _current.watchdog = None
        with self._lock:
            self._connections.clear()

    def watch(self, connection: Any) -> None:
        with self._lock:
            self._connections.append(connection)
            if self.fired:
                _shut(connection)

    def _fire(self) -> None:
        with self._lock:
            self.fired = True
            for connection in self._connections:
                _shut(connection)


def _shut(connection: Any) -> None:
    sock = getattr(connection, "sock", None)
    if sock is not None:
        with contextlib.suppress(OSError):  # already closed: nothing left to wait for
            sock.shutdown(socket.SHUT_RDWR)


class _WatchedPool(HTTPConnectionPool):
    def _get_conn(self, timeout: float | None = None) -> Any:
        connection = super()._get_conn(timeout)
        watchdog = getattr(_current, "watchdog", None)
        if watchdog is not None:
            watchdog.watch(connection)
        return connection


class _WatchedHTTPSPool(HTTPSConnectionPool):
    _get_conn = _WatchedPool._get_conn


_POOLS = {"http": _WatchedPool, "https": _WatchedHTTPSPool}


class DeadlineAdapter(HTTPAdapter):
    """An HTTPAdapter (no retries of its own) whose requests end within `seconds` in total."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        super().__init__(max_retries=0)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = dict(_POOLS)

    def proxy_manager_for(self, proxy: str, **kwargs: Any) -> Any:
        manager = super().proxy_manager_for(proxy, **kwargs)
        manager.pool_classes_by_scheme = dict(_POOLS)
        return manager

    def send(self, request: requests.PreparedRequest, stream: bool = False,
             timeout: Any = None, verify: Any = True, cert: Any = None,
             proxies: Mapping[str, str] | None = None) -> requests.Response:
        """Send and, unless streaming, read the whole body — both under the deadline."""
        with _Watchdog(self.seconds) as watchdog:
            try:
                response = super().send(request, stream=stream, timeout=timeout,
                                        verify=verify, cert=cert, proxies=proxies)
                if not stream:
                    _ = response.content  # the body is read here, still under the watchdog
            except requests.RequestException:
                if watchdog.fired:
                    raise requests.Timeout(f"no complete answer within {self.seconds:g} s "
                                           "(the server is sending too slowly)",
                                           request=request) from None
                raise
        return response


def with_deadline(session: requests.Session, seconds: float) -> requests.Session:
    """Mount a DeadlineAdapter for http and https on `session`; returns it."""
    adapter = DeadlineAdapter(seconds)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session


def default_deadline(read_timeout: float) -> float:
    """The total deadline for a tracker whose settings give a per-read timeout: 4 × that."""
    return 4.0 * read_timeout
