"""The HTML report, the leaders' view (DESIGN §13): one self-contained page.

Headline share and gate verdict, the strategy tree with the work under each node, alignment per
team against the bar, the trend across recorded runs, and the findings (filterable). Everything
is in the one file: inline CSS, system fonts, server-rendered SVG, a few lines of inline script
for the filters only; a Content-Security-Policy forbids every request, so the page opens from
disk, reads without JavaScript and prints. Jinja2 autoescapes every value; links go only to
http(s) URLs. `aligner serve` shows the same page at `/` through `render_html`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import cache
from typing import Any

import jinja2

from aligner import __version__
from aligner.engine.findings import Finding
from aligner.report.allocation import AllocationTable
from aligner.report.gate import percent
from aligner.report.metrics import Share
from aligner.report.model import RunReport
from aligner.report.summary import sort_findings
from aligner.report.trend import TrendPoint

NO_TEAM = "(no team)"
CHART_WIDTH = 760  # SVG user units; the page scales the charts to its width
TREND_TOP, TREND_PLOT = 14, 120  # the trend chart's top margin and plot height


@dataclass(frozen=True, slots=True)
class TeamBar:
    """One team's bar: its share drawn against the bar (`below` draws it in the alert colour)."""

    team: str
    share: Share
    below: bool
    y: int
    width: float


@dataclass(frozen=True, slots=True)
class TrendBar:
    """One run's column in the trend chart."""

    point: TrendPoint
    x: float
    y: float
    width: float
    height: float


def render_html(report: RunReport) -> str:
    """The whole page for `report` (what `--format html` writes and `aligner serve` shows)."""
    return _template().render(**page_context(report))


@cache
def _template() -> jinja2.Template:
    env = jinja2.Environment(loader=jinja2.PackageLoader("aligner.report", "templates"),
                             autoescape=True, undefined=jinja2.StrictUndefined,
                             trim_blocks=True, lstrip_blocks=True)
    env.filters["pct"] = lambda share: f"{share.exact:.0%}" if share.items else "–"
    env.filters["bar"] = percent
    env.filters["href"] = safe_url
    return env.get_template("report.html.j2")


def page_context(report: RunReport) -> dict[str, Any]:
    """What the template shows: the report model plus the charts' geometry (no new numbers)."""
    metrics, gate = report.metrics, report.gate
    bar = metrics.team_bar if metrics.team_bar is not None else gate.min_aligned
    findings = sort_findings(metrics.counted)
    return {
        "report": report, "metrics": metrics, "gate": gate, "tree": report.tree,
        "as_of": report.evaluation.as_of.isoformat(), "version": __version__,
        "team_bar": bar, "team_chart": team_chart(metrics.by_team, bar),
        "trend_bar": gate.min_aligned if gate.min_aligned is not None else bar,
        "trend_chart": trend_chart(report.trend),
        "findings": findings, "filters": finding_filters(findings),
        "allocation": report.allocation,
        "allocation_scale": allocation_scale(report.allocation),
        "chart_width": CHART_WIDTH, "trend_top": TREND_TOP, "trend_plot": TREND_PLOT,
    }


def team_chart(teams: dict[str, Share], bar: float | None,
               row: int = 34, plot: int = 520) -> list[TeamBar]:
    """One horizontal bar per team holding open items, its width the aligned share."""
    return [TeamBar(team, share, share.below(bar), 8 + i * row, round(plot * share.exact, 1))
            for i, (team, share) in enumerate(teams.items())]


def trend_chart(points: tuple[TrendPoint, ...], left: int = 44, right: int = 12,
                top: int = TREND_TOP, height: int = TREND_PLOT) -> list[TrendBar]:
    """One column per recorded run (this run last), its height the aligned share."""
    if not points:
        return []
    slot = (CHART_WIDTH - left - right) / len(points)
    width = min(44.0, slot * 0.62)
    bars = []
    for i, point in enumerate(points):
        tall = round(height * point.share.exact, 1)
        bars.append(TrendBar(point, round(left + i * slot + (slot - width) / 2, 1),
                             top + height - tall, round(width, 1), tall))
    return bars


def allocation_scale(table: AllocationTable | None) -> float:
    """The share the allocation chart's full width stands for: the largest intended or
    actual share, rounded up to a tenth, so small shares stay visible."""
    if table is None or not table.rows:
        return 1.0
    top = max(max(row.share, row.intended or 0.0) for row in table.rows)
    return min(1.0, max(0.1, -(-top * 10 // 1) / 10))


def finding_filters(findings: list[Finding]) -> dict[str, list[tuple[str, int]]]:
    """The filter choices with their counts: teams, rules (`AL101 untraced`), severities."""
    def counted(values: list[str]) -> list[tuple[str, int]]:
        return sorted(Counter(values).items())
    return {
        "team": counted([f.team or NO_TEAM for f in findings]),
        "rule": counted([f"{f.code} {f.name}" for f in findings]),
        "severity": counted([f.severity for f in findings]),
    }


def safe_url(url: str | None) -> str | None:
    """A tracker URL fit for an href: http(s) only (never `javascript:`), else None."""
    return url if url and url.startswith(("https://", "http://")) else None


def render_failed_html(reason: str, exit_code: int) -> str:
    """The page of a run that could not finish: it says so, why, and the exit code."""
    env = _template().environment
    return env.get_template("failed.html.j2").render(reason=reason, exit_code=exit_code,
                                                     version=__version__)
