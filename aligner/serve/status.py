"""`GET /`: the leaders' view of the live mirror, or a minimal page of live numbers.

The full view evaluates the whole mirror (seconds on a large backlog), so it is rebuilt at
most once a minute, from the graph the worker published after its last batch.
"""

from __future__ import annotations

import html
import importlib
import logging
import threading
import time
from typing import TYPE_CHECKING, Any

from aligner.engine.evaluate import evaluate
from aligner.report.model import build_report

if TYPE_CHECKING:
    from aligner.serve.service import LiveService

log = logging.getLogger(__name__)
REBUILD_SECONDS = 60.0
_cache: dict[int, tuple[float, int, str]] = {}  # service id -> (built at, graph id, page)
_lock = threading.Lock()


def status_page(service: LiveService) -> str:
    """The page for `service`: the leaders' view once loaded, else a minimal page."""
    worker = service.worker
    if worker is None or not worker.snapshot:
        return minimal_page(service, {})
    renderer = _renderer()
    if renderer is None:
        return minimal_page(service, worker.published)
    snapshot = worker.snapshot
    with _lock:
        built, graph_id, page = _cache.get(id(service), (0.0, 0, ""))
        if graph_id == id(snapshot) or (time.monotonic() - built < REBUILD_SECONDS and page):
            return page
        evaluation = evaluate(service.config, snapshot, service.today())
        page = str(renderer(build_report(service.config, evaluation)))
        _cache[id(service)] = (time.monotonic(), id(snapshot), page)
        return page


def _renderer() -> Any:
    """`aligner.report.html.render_html` when that renderer is installed."""
    try:
        return importlib.import_module("aligner.report.html").render_html
    except (ImportError, AttributeError):
        return None


def minimal_page(service: LiveService, numbers: dict[str, Any]) -> str:
    """A plain page of live numbers: items, aligned share per team, queue, readiness."""
    state = "ready" if service.ready.is_set() else "loading the mirror"
    rows = "".join(
        f"<tr><td>{_e(team)}</td><td>{aligned}/{items}</td>"
        f"<td>{(100 * aligned / items if items else 0):.0f}%</td></tr>"
        for team, (aligned, items) in numbers.get("teams", {}).items())
    evaluated = numbers.get("evaluated", 0)
    share = 100 * numbers.get("aligned", 0) / evaluated if evaluated else 0
    error = f"<p>Last error: {_e(service.last_error)}</p>" if service.last_error else ""
    return (
        "<!doctype html><html><head><meta charset='utf-8'><title>aligner serve</title></head>"
        f"<body><h1>aligner serve</h1><p>Status: {_e(state)}; queue: {len(service.queue)}; "
        f"items in the mirror: {numbers.get('items', 0)}; aligned: {share:.0f}% of "
        f"{evaluated} open items.</p>{error}"
        "<table><tr><th>Team</th><th>Aligned</th><th>Share</th></tr>"
        f"{rows}</table></body></html>")


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)
