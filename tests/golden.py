"""Golden files: a rendering change must be a deliberate update of tests/golden/.

    ALIGNER_UPDATE_GOLDEN=1 pytest tests/report/test_golden.py   # rewrite, then review the diff
"""

from __future__ import annotations

import os
from pathlib import Path

GOLDEN_DIR = Path(__file__).parent / "golden"
UPDATE_ENV = "ALIGNER_UPDATE_GOLDEN"


def assert_golden(name: str, actual: str) -> None:
    """Compare `actual` with tests/golden/<name>; rewrite it instead when updating."""
    path = GOLDEN_DIR / name
    if os.environ.get(UPDATE_ENV) == "1":
        path.write_text(actual, encoding="utf-8")
        return
    assert path.exists(), f"no golden file {path}: run with {UPDATE_ENV}=1 to create it"
    expected = path.read_text(encoding="utf-8")
    assert actual == expected, (
        f"{name} differs from its golden file; if the change is intended, run "
        f"`{UPDATE_ENV}=1 pytest {Path(__file__).parent.name}` and review the diff")
