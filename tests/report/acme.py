"""The acme example checked once per test session, for the report tests."""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path

from aligner.report.model import RunReport, build_report
from aligner.sync.check import run_check

ACME = Path(__file__).parents[2] / "examples" / "acme" / "aligner.yaml"
AS_OF = date(2026, 11, 15)


@cache
def acme_report(min_aligned: float | None = None) -> RunReport:
    """The acme check as of 2026-11-15 (its report is immutable, so it is shared)."""
    run = run_check(ACME, as_of=AS_OF)
    return build_report(run.config, run.evaluation, "error", min_aligned)
