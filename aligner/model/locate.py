"""Where the model file is, found as ruff and pre-commit find theirs (DESIGN §7).

`-c FILE` wins; else the `ALIGNER_CONFIG` environment variable; else `aligner.yaml` in the
working directory or the nearest parent that has one.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

CONFIG_NAME = "aligner.yaml"
CONFIG_ENV = "ALIGNER_CONFIG"


def locate_config(given: Path | None, env: Mapping[str, str] | None = None,
                  cwd: Path | None = None) -> Path:
    """The model file to load; `aligner.yaml` (missing, so the loader says so) if none is found."""
    if given is not None:
        return given
    named = (os.environ if env is None else env).get(CONFIG_ENV)
    if named:
        return Path(named)
    start = (cwd or Path.cwd()).resolve()
    for folder in (start, *start.parents):
        candidate = folder / CONFIG_NAME
        if candidate.is_file():
            return candidate if folder != start else Path(CONFIG_NAME)
    return Path(CONFIG_NAME)
