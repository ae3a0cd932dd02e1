"""The ASGI app (Starlette): webhooks in, health, metrics and the live status page out.

    POST /webhooks/{tracker}   verified by the tracker plugin; 202 at once, work happens after
    GET  /healthz              200 once the mirror is loaded, 503 before (liveness + readiness)
    GET  /metrics              Prometheus text
    GET  /                     the leaders' view from the live mirror (or a minimal page)
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from aligner.serve.metrics import CONTENT_TYPE
from aligner.serve.service import LiveService
from aligner.serve.status import status_page


class TooLarge(Exception):
    """The body went over the service's cap while being read."""


async def _body(request: Request, cap: int) -> bytes:
    """The raw body, read no further than `cap` bytes (a declared length is checked first)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > cap:
        raise TooLarge
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > cap:
            raise TooLarge
        chunks.append(chunk)
    return b"".join(chunks)


def create_app(service: LiveService, background: bool = True) -> Starlette:
    """The app for `service`; with `background`, its lifespan runs the worker thread."""

    async def webhook(request: Request) -> Response:
        tracker = request.path_params["tracker"]
        try:
            body = await _body(request, service.settings.max_body_bytes)
        except TooLarge:
            service.metrics.rejected.labels(tracker=tracker, reason="too_large").inc()
            return PlainTextResponse("delivery too large\n", 413)
        answer = service.receive(tracker, dict(request.headers), body)
        return PlainTextResponse(answer.text, answer.status, headers=answer.headers)

    async def healthz(request: Request) -> Response:
        ready = service.ready.is_set()
        body = {"status": "ok" if ready else "loading", "ready": ready,
                "queue": len(service.queue), "error": service.last_error}
        return JSONResponse(body, 200 if ready else 503)

    async def metrics(request: Request) -> Response:
        service.metrics.queue_depth.set(len(service.queue))
        return Response(service.metrics.text(), media_type=CONTENT_TYPE)

    async def index(request: Request) -> Response:
        page = await run_in_threadpool(status_page, service)
        return HTMLResponse(page)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        thread = service.start() if background else None
        try:
            yield
        finally:  # uvicorn runs this on SIGTERM/SIGINT, after the last request is answered
            await run_in_threadpool(service.stop, thread)

    routes = [
        Route("/webhooks/{tracker}", webhook, methods=["POST"]),
        Route("/healthz", healthz, methods=["GET"]),
        Route("/metrics", metrics, methods=["GET"]),
        Route("/", index, methods=["GET"]),
    ]
    return Starlette(routes=routes, lifespan=lifespan)

