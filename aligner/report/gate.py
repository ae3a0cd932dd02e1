"""The planning gate: findings at or above `--fail-on`, and the overall `--min-aligned` bar.

Exit 1 when either fails (DESIGN §7). `--min-aligned` is an explicit bar on the overall aligned
share, so it gates even with `--fail-on never`; AL301 is its per-team counterpart, a finding.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aligner.engine.evaluate import Evaluation
from aligner.errors import EXIT_FINDINGS, EXIT_OK
from aligner.report.summary import exit_code


@dataclass(frozen=True, slots=True)
class GateResult:
    """The gate's verdict for one run."""

    fail_on: str
    min_aligned: float | None
    aligned_ratio: float
    findings_fail: bool  # a counted finding at or above fail_on

    @property
    def below_min(self) -> bool:
        return self.min_aligned is not None and self.aligned_ratio < self.min_aligned

    @property
    def passed(self) -> bool:
        return not (self.findings_fail or self.below_min)

    @property
    def exit_code(self) -> int:
        return EXIT_OK if self.passed else EXIT_FINDINGS

    def min_aligned_line(self) -> str | None:
        """One clear sentence when the overall bar failed, else None."""
        if not self.below_min:
            return None
        return (f"gate failed: {self.aligned_ratio:.1%} of open items are aligned, below "
                f"--min-aligned {self.min_aligned:.0%}")

    def to_json(self) -> dict[str, Any]:
        return {"fail_on": self.fail_on, "min_aligned": self.min_aligned,
                "aligned_ratio": round(self.aligned_ratio, 4), "findings_fail": self.findings_fail,
                "below_min_aligned": self.below_min, "passed": self.passed}


def judge(evaluation: Evaluation, fail_on: str = "error",
          min_aligned: float | None = None) -> GateResult:
    """Apply the gate to `evaluation`."""
    items = evaluation.evaluated
    ratio = evaluation.aligned / items if items else 1.0  # exact: 0.79999 is below 0.8
    return GateResult(fail_on, min_aligned, ratio, bool(exit_code(evaluation, fail_on)))
