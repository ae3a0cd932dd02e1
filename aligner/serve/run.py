"""`aligner serve` as library calls: serve under uvicorn, or check the setup without serving."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from aligner.errors import TrackerError
from aligner.model.load import load_config
from aligner.serve.app import create_app
from aligner.serve.service import LiveService
from aligner.serve.settings import endpoints
from aligner.sync.read import open_adapters

log = logging.getLogger(__name__)
GRACEFUL_SHUTDOWN_SECONDS = 30


def serve(config_path: Path | str, host: str, port: int, state_path: Path,
          env: Mapping[str, str] | None = None) -> None:
    """Run the service until SIGTERM/SIGINT (uvicorn turns them into a graceful shutdown)."""
    import uvicorn  # imported here: only `aligner serve` needs the server

    config = load_config(config_path)
    service = LiveService(config, state_path, os.environ if env is None else env)
    if not service.endpoints:
        log.warning("serve: no `serve.secrets`: no webhook endpoint is open; only the "
                    "periodic reconcile (every %g min) keeps flags current",
                    config.model.serve.reconcile_minutes)
    uvicorn.run(create_app(service), host=host, port=port, log_level="info",
                timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS)


def check(config_path: Path | str, env: Mapping[str, str] | None = None,
          options: Mapping[str, Any] | None = None) -> list[str]:
    """`aligner serve --check`: the settings, the secrets, and one cheap read per tracker.

    Returns the lines to print; a ConfigError (exit 2) or TrackerError (exit 3) says what
    is wrong.
    """
    env = os.environ if env is None else env
    config = load_config(config_path)
    found = endpoints(config, env)
    lines = [f"{config.file.name}: serve settings are valid"]
    for name in config.trackers:
        if name in found:
            secret_env = config.model.serve.secrets[name]
            lines.append(f"{name}: POST /webhooks/{name}, secret from ${secret_env} (set)")
        else:
            lines.append(f"{name}: no webhook secret under serve.secrets: only the periodic "
                         "reconcile reads it")
    for name, adapter in open_adapters(config, (), env, options).items():
        lines.append(_reach(name, adapter))
    return lines


def _reach(name: str, adapter: Any) -> str:
    """Read the most recently changed item (or none): proves the URL and credentials."""
    try:
        items = adapter.fetch(datetime.now(UTC) - timedelta(minutes=1))
        next(iter(items), None)
        getattr(items, "close", lambda: None)()
    except TrackerError as error:
        raise TrackerError(f"{name}: not reachable: {error}") from None
    return f"{name}: reachable ({adapter.request_count} request(s))"
