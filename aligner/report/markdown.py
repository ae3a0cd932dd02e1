"""The Markdown report: for a GitHub job summary (`>> $GITHUB_STEP_SUMMARY`) or a wiki page.

Headline and gate, the team table with ✅/❌ against the bar, the strategy tree (a Mermaid
flowchart, which GitHub draws, and the same tree as a table for everywhere else), then the
findings of each team folded in `<details>`; after a sync, the planned changes. Ticket-derived
text goes through the one Markdown escaper (`aligner.report.escape`), so it cannot inject markup,
links or mentions, nor break a table.
"""

from __future__ import annotations

import html
from collections import Counter, defaultdict
from urllib.parse import quote

from aligner.engine.findings import Finding
from aligner.report.coverage import idle_phrase
from aligner.report.escape import escape_markdown as escape
from aligner.report.gate import GateResult
from aligner.report.mermaid import mermaid_flowchart
from aligner.report.metrics import Share
from aligner.report.model import RunReport
from aligner.report.planned import planned_changes
from aligner.report.summary import group_of, sort_findings
from aligner.report.tree import BET, OBJECTIVE, STRATEGY, StrategyTree, TreeNode

NO_TEAM = "(no team)"


def render_markdown(report: RunReport, max_per_team: int = 100) -> str:
    """The whole Markdown document."""
    live = report.metrics.counted
    sections = [
        _headline(report, live),
        _team_table(report, live),
        _strategy_tree(report.tree) if report.tree is not None else _coverage(report),
        _coverage_notes(report),
        _allocation(report),
        _findings(live, max_per_team),
        planned_changes(report.sync) if report.sync is not None else "",
        _footer(report),
    ]
    return "\n\n".join(s for s in sections if s).rstrip() + "\n"


def _headline(report: RunReport, live: list[Finding]) -> str:
    ev, metrics, overall = report.evaluation, report.metrics, report.metrics.overall
    share = f"{overall.exact:.1%}" if overall.items else "n/a"
    waived = metrics.waived_findings
    funded = (f" · {overall.accounted} more accounted for by buckets" if overall.accounted
              else "")
    lines = [f"## aligner: {overall.aligned} of {overall.items - overall.accounted} open items "
             f"aligned ({share}){funded}",
             "", f"As of {ev.as_of} · evaluated {overall.items} open of {ev.fetched} fetched · "
                 f"{len(live)} findings" + (f" ({waived} waived)" if waived else "")]
    if report.gate.min_aligned is not None:
        lines += ["", _gate_line(report.gate)]
    below = metrics.below_bar()
    if below:
        teams = ", ".join(f"**{escape(t)}** ({s.ratio:.0%})" for t, s in below)
        lines += ["", f"**Below the {metrics.team_bar:.0%} team bar:** {teams}"]
    return "\n".join(lines)


def _gate_line(gate: GateResult) -> str:
    """The verdict, naming each failed condition; never "passed" when the run exits non-zero."""
    if gate.failed:
        return f"**Gate ❌ failed:** {'; '.join(gate.reasons(code='`'))}."
    return (f"**Gate ✅ passed:** {gate.aligned_ratio:.1%} of open items aligned "
            f"(`--min-aligned {gate.min_aligned:g}`).")


def _team_table(report: RunReport, live: list[Finding]) -> str:
    metrics = report.metrics
    bar = metrics.team_bar if metrics.team_bar is not None else report.gate.min_aligned
    codes: dict[str, Counter[str]] = defaultdict(Counter)
    for finding in live:
        if finding.item is not None:
            codes[finding.team or NO_TEAM][finding.code] += 1
    rows = ["### Teams", "",
            f"| team | items | aligned | share | {_bar_header(bar)} | top findings |",
            "|---|--:|--:|--:|:-:|---|"]
    for team, share in metrics.by_team.items():
        rows.append(_team_row(team, share, _mark(share, bar), codes[team]))
    if metrics.unheld:
        unheld = Share(metrics.unheld, metrics.overall.aligned - sum(
            s.aligned for s in metrics.by_team.values()))
        rows.append(_team_row(NO_TEAM, unheld, "–", codes[NO_TEAM]))
    return "\n".join(rows)


def _bar_header(bar: float | None) -> str:
    return f"≥ {bar:.0%}" if bar is not None else "bar"


def _mark(share: Share, bar: float | None) -> str:
    if bar is None:
        return "–"
    return "❌" if share.below(bar) else "✅"


def _team_row(team: str, share: Share, mark: str, codes: Counter[str]) -> str:
    top = ", ".join(f"{code}×{n}" for code, n in codes.most_common(3)) or "–"
    name = team if team == NO_TEAM else escape(team)  # our own label is not ticket text
    return (f"| {name} | {share.items} | {share.aligned} | {share.ratio:.0%} | "
            f"{mark} | {top} |")


def _coverage(report: RunReport) -> str:
    metrics = report.metrics
    if not metrics.by_strategy:
        return ""
    rows = ["### Strategy coverage", "",
            "Open items reaching each strategy and bet, and how many are aligned through it.", "",
            "| strategy / bet | items | aligned |", "|---|--:|--:|"]
    for strategy, share in metrics.by_strategy.items():
        rows.append(f"| **{escape(strategy)}** | {share.items} | {share.aligned} |")
        for bet in metrics.bets_of.get(strategy, ()):
            bet_share = metrics.by_bet[bet]
            rows.append(f"| ↳ bet {escape(bet)} | {bet_share.items} | {bet_share.aligned} |")
    return "\n".join(rows)


def _coverage_notes(report: RunReport) -> str:
    metrics = report.metrics
    if not metrics.by_strategy:
        return ""
    idle = idle_phrase(metrics)
    rows = [f"**Nobody is working on:** {escape(idle)}." if idle else
            "Every active strategy, bet and objective has open work."]
    rows.append(f"**Untraced:** {metrics.untraced} of {metrics.overall.items} open items "
                f"({metrics.untraced_ratio:.0%}) reach no objective; {metrics.unheld} are "
                "held by no team.")
    return "\n".join(rows)


def _strategy_tree(tree: StrategyTree) -> str:
    """The tree twice: a Mermaid flowchart for GitHub, then a table any reader shows."""
    if not tree.roots and not tree.unanchored:
        return ""
    rows = ["### Strategy tree", "",
            "Open items reaching each strategy, bet, objective and epic or project, and how "
            "many are aligned through it. Inactive nodes (retired, done, dropped, outside "
            "their period) are grey: work under them does not count.", "",
            mermaid_flowchart(tree), "",
            "| strategy → bet → objective → epic/project | status | items | aligned |",
            "|---|---|--:|--:|"]
    rows += [_tree_row(depth, node) for depth, node in tree.walk()]
    return "\n".join(rows)


def _tree_row(depth: int, node: TreeNode) -> str:
    indent = "&emsp;" * max(depth - 1, 0) + ("↳ " if depth else "")
    named = node.kind in (STRATEGY, BET, OBJECTIVE)  # links and "direct" show their label
    name = escape(node.label)
    if named and node.label != node.id:
        name = f"{escape(node.id)}: {name}"
    if node.kind == STRATEGY:
        name = f"**{name}**"
    elif named:
        name = f"{node.kind} {name}"
    team = f" ({escape(node.team)})" if node.team else ""
    status = "" if not named else node.status if node.live or not node.active else \
        "under an inactive node" if depth else "no strategy"
    return (f"| {indent}{name}{team} | {escape(status)} | {node.share.items} | "
            f"{node.share.aligned} |")


def _allocation(report: RunReport) -> str:
    """Intended against actual shares of the open work (DESIGN §14); "" without allocation."""
    table = report.allocation
    if table is None:
        return ""
    estimates = table.estimated > 0
    band = f" ± {table.tolerance:.0%}" if table.tolerance is not None else ""
    rows = ["### Allocation", "",
            f"Share of the open work per pillar and bucket, against the intended share{band}.",
            "", "| pillar / bucket | intended | by items |" + " by estimate |" * estimates
            + " |", "|---|--:|--:|" + "--:|" * estimates + ":-:|"]
    for row in table.rows:
        label = f"bucket {escape(row.key)}" if row.kind == "bucket" else (
            row.key if row.kind == "unallocated" else f"**{escape(row.key)}**")
        intended = f"{row.intended:.0%}" if row.intended is not None else "–"
        cells = [label, intended, f"{row.share:.0%} ({row.items:g})"]
        if estimates:
            cells.append(f"{row.estimate_share or 0:.0%} ({row.estimate or 0:g})")
        cells.append("⚠️ drifting" if row.drifting else "")
        rows.append("| " + " | ".join(cells) + " |")
    if table.accounted:
        rows += ["", f"{table.accounted} open items are accounted for by buckets: funded on "
                     "purpose, outside the aligned share."]
    return "\n".join(rows)


def _findings(live: list[Finding], max_per_team: int) -> str:
    if not live:
        return "### Findings\n\nNothing to fix. ✅"
    grouped: dict[str, list[Finding]] = defaultdict(list)
    for finding in sort_findings(live):
        grouped[group_of(finding)].append(finding)
    parts = ["### Findings by team"]
    for team, findings in grouped.items():
        rows = [f"<details><summary><b>{html.escape(team)}</b> — {len(findings)} finding"
                f"{'s' * (len(findings) != 1)}</summary>", "",
                "| item | rule | severity | message |", "|---|---|---|---|"]
        rows += [_finding_row(f) for f in findings[:max_per_team]]
        if len(findings) > max_per_team:
            rows.append(f"| … | | | and {len(findings) - max_per_team} more: see "
                        "`--format json` |")
        rows += ["", "</details>"]
        parts.append("\n".join(rows))
    return "\n\n".join(parts)


def _finding_row(f: Finding) -> str:
    item = escape(f.item or "–")
    if f.url and f.url.startswith(("https://", "http://")):
        item = f"[{item}]({quote(f.url, safe=':/?&=#%@+,;~')})"
    return f"| {item} | {f.code} {escape(f.name)} | {f.severity} | {escape(f.message)} |"


def _footer(report: RunReport) -> str:
    metrics, evaluation = report.metrics, report.evaluation
    lines = [f"Waivers: {metrics.waivers_in_force} in force, {metrics.waivers_expired} expired, "
             f"{metrics.waived_findings} findings waived."]
    for waiver in evaluation.waivers.expired if evaluation.waivers else ():
        lines.append(f"- Expired {waiver.expires} ({escape(waiver.owner)}): "
                     f"{escape(waiver.reason)} — {escape(waiver.scope())} flagged again.")
    lines += ["", "Next: `aligner explain ITEM` shows an item's trace and how to fix it; "
                  "`aligner rule CODE` explains a rule."]
    return "\n".join(lines)
