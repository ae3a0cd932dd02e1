"""The human report: a per-team table, the metrics block, the findings by team, what next."""

from __future__ import annotations

from collections import Counter, defaultdict

from aligner.engine.findings import Finding
from aligner.report.coverage import coverage_lines
from aligner.report.model import RunReport
from aligner.report.summary import group_of, sort_findings
from aligner.report.sync import render_outcome, render_plan

NO_TEAM = "(no team)"


def render_text(report: RunReport, max_per_team: int = 15) -> str:
    """The text report; a sync's plan and outcome follow it (`aligner.report.sync`)."""
    live = report.metrics.counted
    lines = [_headline(report), "", *_team_table(report, live), "",
             *coverage_lines(report.metrics, report.gate), "", *allocation_lines(report)]
    grouped: dict[str, list[Finding]] = defaultdict(list)
    for finding in sort_findings(live):
        grouped[group_of(finding)].append(finding)
    for team, findings in grouped.items():
        lines.append(f"{team} — {len(findings)} finding{'s' * (len(findings) != 1)}")
        for f in findings[:max_per_team]:
            lines.append(f"  {f.item or '-':<10} {f.code} {f.severity:<7} {f.message}")
        if len(findings) > max_per_team:
            lines.append(f"  … and {len(findings) - max_per_team} more (--format json for all)")
        lines.append("")
    lines.extend(_footer(report))
    return "\n".join(lines).rstrip() + "\n" + _sync_text(report)


def allocation_lines(report: RunReport) -> list[str]:
    """Intended against actual shares of the open work; nothing without `allocation:`."""
    table = report.allocation
    if table is None:
        return []
    estimates = table.estimated > 0
    band = f" ± {table.tolerance:.0%}" if table.tolerance is not None else ""
    lines = [f"Allocation (share of open work by item count{' · by estimate' * estimates}; "
             f"intended{band}):"]
    width = max(len(row.key) for row in table.rows)
    for row in table.rows:
        actual = f"{row.share:>4.0%}" + (f" · {row.estimate_share or 0:>4.0%}" if estimates
                                         else "")
        intended = f"intended {row.intended:.0%}" if row.intended is not None else "no share"
        lines.append(f"  {row.key:<{width}}  {actual}  {intended}"
                     + ("  ← drifting" if row.drifting else ""))
    if table.accounted:
        lines.append(f"  {table.accounted} open items accounted for by buckets (outside the "
                     "aligned share).")
    return [*lines, ""]


def _headline(report: RunReport) -> str:
    ev, overall = report.evaluation, report.metrics.overall
    share = f"{overall.exact:.0%}" if overall.items else "n/a"
    funded = (f"; {overall.accounted} more accounted for by buckets" if overall.accounted
              else "")
    return (f"aligner: {overall.aligned} of {overall.items - overall.accounted} open items "
            f"aligned ({share}{funded}) as of {ev.as_of} — evaluated {overall.items} open of "
            f"{ev.fetched} fetched")


def _team_table(report: RunReport, live: list[Finding]) -> list[str]:
    codes: dict[str, Counter[str]] = defaultdict(Counter)
    for f in live:
        if f.team:
            codes[f.team][f.code] += 1
    rows = [("team", "items", "aligned", "share", "top findings")]
    for team, share in report.metrics.by_team.items():
        top = ", ".join(f"{c}×{n}" for c, n in codes[team].most_common(3)) or "-"
        rows.append((team, str(share.items), str(share.aligned), f"{share.exact:.0%}", top))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    return ["  ".join([*(c.ljust(w) for c, w in zip(r[:4], widths, strict=True)), r[4]])
            .rstrip() for r in rows]


def _footer(report: RunReport) -> list[str]:
    lines = []
    waived = report.metrics.waived_findings
    if waived:
        lines.append(f"{waived} finding{'s' * (waived != 1)} waived.")
    waivers = report.evaluation.waivers
    for waiver in waivers.expired if waivers else ():
        lines.append(f"Expired waiver ({waiver.expires}, {waiver.owner}): {waiver.reason} — "
                     f"items {waiver.scope()} are flagged again.")
    if report.metrics.counted:
        lines.append("Next: `aligner explain ITEM` shows an item's trace and how to fix it; "
                     "`aligner rule CODE` explains a rule.")
    else:
        lines.append("Nothing to fix.")
    return lines


def _sync_text(report: RunReport) -> str:
    """After a sync: the plan (exactly what a real run would do) and what was written."""
    if report.sync is None:
        return ""
    return "\n" + render_plan(report.sync, report.show_comments) + render_outcome(report.sync)
