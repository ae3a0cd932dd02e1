"""The human report: a per-team table, the findings by team, and what to do next."""

from __future__ import annotations

from collections import Counter, defaultdict

from aligner.engine.evaluate import Evaluation
from aligner.engine.findings import Finding
from aligner.report.summary import by_team, counted, sort_findings


def render_text(evaluation: Evaluation, max_per_team: int = 15,
                extra: list[str] | None = None) -> str:
    """`extra`: lines shown after the team table (the metrics summary of `formats`)."""
    live = counted(evaluation.findings)
    lines = [_headline(evaluation), "", *_team_table(evaluation, live), ""]
    if extra:
        lines.extend([*extra, ""])
    grouped: dict[str, list[Finding]] = defaultdict(list)
    for finding in sort_findings(live):
        grouped[finding.team or "(no team)"].append(finding)
    for team, findings in grouped.items():
        lines.append(f"{team} — {len(findings)} finding{'s' * (len(findings) != 1)}")
        for f in findings[:max_per_team]:
            lines.append(f"  {f.item or '-':<10} {f.code} {f.severity:<7} {f.message}")
        if len(findings) > max_per_team:
            lines.append(f"  … and {len(findings) - max_per_team} more (--format json for all)")
        lines.append("")
    lines.extend(_footer(evaluation, live))
    return "\n".join(lines).rstrip() + "\n"


def _headline(evaluation: Evaluation) -> str:
    items, aligned = evaluation.evaluated, evaluation.aligned
    share = f"{aligned / items:.0%}" if items else "n/a"
    return (f"aligner: {aligned} of {items} open items aligned ({share}) as of "
            f"{evaluation.as_of} — evaluated {items} open of {evaluation.fetched} fetched")


def _team_table(evaluation: Evaluation, live: list[Finding]) -> list[str]:
    codes: dict[str, Counter[str]] = defaultdict(Counter)
    for f in live:
        if f.team:
            codes[f.team][f.code] += 1
    rows = [("team", "items", "aligned", "share", "top findings")]
    for team, tally in by_team(evaluation).items():
        share = tally["aligned"] / tally["items"] if tally["items"] else 1.0
        top = ", ".join(f"{c}×{n}" for c, n in codes[team].most_common(3)) or "-"
        rows.append((team, str(tally["items"]), str(tally["aligned"]), f"{share:.0%}", top))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    return ["  ".join([*(c.ljust(w) for c, w in zip(r[:4], widths, strict=True)), r[4]])
            .rstrip() for r in rows]


def _footer(evaluation: Evaluation, live: list[Finding]) -> list[str]:
    lines = []
    waived = len(evaluation.findings) - len(live)
    if waived:
        lines.append(f"{waived} finding{'s' * (waived != 1)} waived.")
    expired = evaluation.waivers.expired if evaluation.waivers else ()
    for waiver in expired:
        lines.append(f"Expired waiver ({waiver.expires}, {waiver.owner}): {waiver.reason} — "
                     f"items {', '.join(waiver.items)} are flagged again.")
    if live:
        lines.append("Next: `aligner explain ITEM` shows an item's trace and how to fix it; "
                     "`aligner rule CODE` explains a rule.")
    else:
        lines.append("Nothing to fix.")
    return lines
