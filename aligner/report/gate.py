"""The planning gate: one verdict per run, used by every report format and the exit code.

Two conditions can fail it (DESIGN §7): a counted finding at or above `--fail-on`, and the
overall aligned share below `--min-aligned`. The bar is explicit, so it gates even with
`--fail-on never`; the team-bar rule (AL301 in the built-in set) is its per-team counterpart,
a finding. Every format says the same verdict and, when it failed, which conditions failed: a
report never says "passed" on a non-zero exit.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from aligner.engine.findings import Finding, severity_rank
from aligner.errors import EXIT_FINDINGS, EXIT_OK
from aligner.report.metrics import Metrics, Share

FAIL_ON = ("error", "warning", "never")
FINDINGS = "findings"  # condition names, as the JSON report's gate.failed lists them
MIN_ALIGNED = "min_aligned"


@dataclass(frozen=True, slots=True)
class GateResult:
    """The gate's verdict for one run."""

    fail_on: str
    min_aligned: float | None
    aligned: Share  # the overall share the bar is judged on
    failing_findings: int  # counted findings at or above fail_on

    @property
    def aligned_ratio(self) -> float:
        return self.aligned.exact

    @property
    def findings_fail(self) -> bool:
        return self.failing_findings > 0

    @property
    def below_min(self) -> bool:
        return self.aligned.below(self.min_aligned)

    @property
    def failed(self) -> tuple[str, ...]:
        """The names of the failed conditions, findings first; empty when the gate passed."""
        return ((FINDINGS,) * self.findings_fail) + ((MIN_ALIGNED,) * self.below_min)

    @property
    def passed(self) -> bool:
        return not self.failed

    @property
    def exit_code(self) -> int:
        return EXIT_OK if self.passed else EXIT_FINDINGS

    def reasons(self, code: str = "") -> list[str]:
        """One phrase per failed condition; `code` quotes option names (Markdown: "`")."""
        phrases = {
            FINDINGS: f"{self.failing_findings} finding{'s' * (self.failing_findings != 1)} "
                      f"at or above {code}--fail-on {self.fail_on}{code}",
            MIN_ALIGNED: f"{self.aligned_ratio:.1%} of open items are aligned, below "
                         f"{code}--min-aligned {percent(self.min_aligned)}{code}",
        }
        return [phrases[name] for name in self.failed]

    def summary_line(self) -> str:
        """`Gate FAILED: …` naming every failed condition, or `Gate passed: …`."""
        if self.failed:
            return f"Gate FAILED: {'; '.join(self.reasons())}."
        bar = "" if self.min_aligned is None else f" (--min-aligned {percent(self.min_aligned)})"
        return f"Gate passed: {self.aligned_ratio:.1%} of open items aligned{bar}."

    def min_aligned_line(self) -> str | None:
        """One clear sentence when the gate failed and --min-aligned was given, else None."""
        if self.min_aligned is None or self.passed:
            return None
        return f"gate failed: {'; '.join(self.reasons())}"

    def to_json(self) -> dict[str, Any]:
        return {"fail_on": self.fail_on, "min_aligned": self.min_aligned,
                "aligned_ratio": round(self.aligned_ratio, 4), "findings_fail": self.findings_fail,
                "below_min_aligned": self.below_min, "passed": self.passed,
                "failed": [{"condition": name, "reason": reason}
                           for name, reason in zip(self.failed, self.reasons(), strict=True)]}


def percent(share: float | None) -> str:
    """`80%`, `74.5%`: a bar as the reports print it (`--min-aligned` accepts it back)."""
    return "" if share is None else f"{100 * share:.4g}%"


def judge(metrics: Metrics, fail_on: str = "error",
          min_aligned: float | None = None) -> GateResult:
    """The verdict on a run's metrics (its counted findings and overall share)."""
    return GateResult(fail_on, min_aligned, metrics.overall,
                      failing_findings(metrics.counted, fail_on))


def failing_findings(counted: Iterable[Finding], fail_on: str) -> int:
    """How many of the `counted` findings are at or above `fail_on` (none for "never")."""
    if fail_on == "never":
        return 0
    bar = severity_rank(fail_on)
    return sum(severity_rank(f.severity) >= bar for f in counted)
