"""The run report: the §7 JSON contract, its summary, and the exit-code decision."""

from __future__ import annotations

from collections import Counter
from typing import Any

from aligner.engine.evaluate import Evaluation
from aligner.engine.findings import Finding, severity_rank

REPORT_VERSION = 1
FAIL_ON = ("error", "warning", "never")


def counted(findings: list[Finding]) -> list[Finding]:
    """The findings that count: not waived."""
    return [f for f in findings if not f.waived]


def by_team(evaluation: Evaluation) -> dict[str, dict[str, int]]:
    """Open items and aligned items per holding team, teams sorted by id."""
    teams: dict[str, dict[str, int]] = {}
    for outcome in evaluation.outcomes:
        if outcome.team is not None:
            tally = teams.setdefault(outcome.team, {"items": 0, "aligned": 0})
            tally["items"] += 1
            tally["aligned"] += outcome.aligned
    return dict(sorted(teams.items()))


def summary(evaluation: Evaluation) -> dict[str, Any]:
    live = counted(evaluation.findings)
    items, aligned = evaluation.evaluated, evaluation.aligned
    return {
        "items": items,
        "aligned": aligned,
        "aligned_ratio": round(aligned / items, 4) if items else 1.0,
        "findings": len(live),
        "by_code": dict(sorted(Counter(f.code for f in live).items())),
        "by_team": by_team(evaluation),
        "fetched": evaluation.fetched,
        "waived": sum(f.waived for f in evaluation.findings),
        "as_of": evaluation.as_of.isoformat(),
    }


def to_json(evaluation: Evaluation) -> dict[str, Any]:
    """The stable `--format json` document (DESIGN §7), extended compatibly."""
    waivers = evaluation.waivers
    return {
        "version": REPORT_VERSION,
        "summary": summary(evaluation),
        "findings": [f.to_json() for f in sort_findings(evaluation.findings)],
        "expired_waivers": [
            {"items": list(w.items), "codes": list(w.codes), "reason": w.reason,
             "owner": w.owner, "expired": w.expires.isoformat()}
            for w in (waivers.expired if waivers else ())
        ],
    }


def natural_key(key: str | None) -> tuple[str, int]:
    """`CHK-9` before `CHK-10`."""
    prefix, _, number = (key or "").rpartition("-")
    return (prefix, int(number)) if number.isdigit() else (key or "", -1)


def sort_findings(findings: list[Finding]) -> list[Finding]:
    """Team, then item (naturally), then code: stable output that diffs well."""
    return sorted(findings, key=lambda f: (f.team or "~", natural_key(f.item), f.code,
                                           f.message))


def exit_code(evaluation: Evaluation, fail_on: str) -> int:
    """1 when a counted finding is at or above `fail_on`, else 0."""
    if fail_on == "never":
        return 0
    bar = severity_rank(fail_on)
    return int(any(severity_rank(f.severity) >= bar for f in counted(evaluation.findings)))
