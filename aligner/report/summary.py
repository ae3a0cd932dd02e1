"""The §7 JSON contract's `summary` and `findings`, and the stable order of findings."""

from __future__ import annotations

from typing import Any

from aligner.engine.evaluate import Evaluation
from aligner.engine.findings import Finding
from aligner.report.gate import FAIL_ON, failing_findings
from aligner.report.metrics import Metrics, Share, team_shares

REPORT_VERSION = 1
__all__ = ["FAIL_ON", "REPORT_VERSION", "counted", "exit_code", "group_of", "natural_key",
           "sort_findings",
           "summary", "summary_json", "to_json"]


def counted(findings: list[Finding]) -> list[Finding]:
    """The findings that count: not waived."""
    return [f for f in findings if not f.waived]


def summary(evaluation: Evaluation) -> dict[str, Any]:
    """The `summary` object of one evaluation (sync records it in the run history)."""
    live = counted(evaluation.findings)
    return _summary(evaluation, Share(evaluation.evaluated, evaluation.aligned,
                                      evaluation.accounted),
                    team_shares(evaluation.outcomes), live, _by_code(live))


def summary_json(evaluation: Evaluation, metrics: Metrics) -> dict[str, Any]:
    """The `summary` object from a report's metrics (nothing recomputed)."""
    return _summary(evaluation, metrics.overall, metrics.by_team, metrics.counted,
                    metrics.by_code)


def _summary(evaluation: Evaluation, overall: Share, teams: dict[str, Share],
             live: list[Finding], by_code: dict[str, int]) -> dict[str, Any]:
    return {
        "items": overall.items,
        "aligned": overall.aligned,
        "aligned_ratio": overall.ratio,
        "findings": len(live),
        "by_code": by_code,
        "by_team": {team: {"items": s.items, "aligned": s.aligned,
                           **({"accounted": s.accounted} if s.accounted else {})}
                    for team, s in teams.items()},
        "fetched": evaluation.fetched,
        "waived": len(evaluation.findings) - len(live),
        "as_of": evaluation.as_of.isoformat(),
        # with an allocation: open items a bucket accounts for (outside the aligned share)
        **({"accounted": overall.accounted} if overall.accounted else {}),
    }


def _by_code(live: list[Finding]) -> dict[str, int]:
    codes: dict[str, int] = {}
    for finding in live:
        codes[finding.code] = codes.get(finding.code, 0) + 1
    return dict(sorted(codes.items()))


def to_json(evaluation: Evaluation, metrics: Metrics) -> dict[str, Any]:
    """The stable `--format json` document (DESIGN §7), extended compatibly."""
    waivers = evaluation.waivers
    return {
        "version": REPORT_VERSION,
        "summary": summary_json(evaluation, metrics),
        "findings": [f.to_json() for f in sort_findings(evaluation.findings)],
        "expired_waivers": [
            {"items": list(w.items), "codes": list(w.codes), "reason": w.reason,
             "owner": w.owner, "expired": w.expires.isoformat(),
             **({"match": [s.model_dump(exclude_defaults=True) for s in w.match]}
                if w.match else {})}
            for w in (waivers.expired if waivers else ())
        ],
    }


def natural_key(key: str | None) -> tuple[str, int]:
    """`CHK-9` before `CHK-10`."""
    prefix, _, number = (key or "").rpartition("-")
    return (prefix, int(number)) if number.isdigit() else (key or "", -1)


NO_TEAM = "(no team)"
ORGANISATION = "(organisation)"  # model-level findings about no one team: a pillar, a bucket


def group_of(finding: Finding) -> str:
    """The team a finding is listed under in the human reports."""
    if finding.team:
        return finding.team
    return ORGANISATION if finding.item and not finding.on_ticket else NO_TEAM


def sort_findings(findings: list[Finding]) -> list[Finding]:
    """Team, then item (naturally), then code: stable output that diffs well."""
    return sorted(findings, key=lambda f: (f.team or "~", natural_key(f.item), f.code,
                                           f.message))


def exit_code(evaluation: Evaluation, fail_on: str) -> int:
    """1 when a counted finding is at or above `fail_on`, else 0 (the gate without a bar)."""
    return int(failing_findings(counted(evaluation.findings), fail_on) > 0)
