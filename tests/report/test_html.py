"""The HTML report's structure (parsed, not compared byte for byte): tree, counts, charts,
findings and links, the gate verdict, escaping, and that nothing on the page is fetched."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from click.testing import CliRunner

from aligner.cli import cli
from aligner.report.html import render_html
from aligner.report.model import RunReport
from aligner.report.outputs import report_targets
from aligner.report.tree import build_tree
from tests import report_factory as factory
from tests.report.acme import ACME, acme_report
from tests.report.dom import Element, parse


def page(report: RunReport | None = None) -> Element:
    return parse(render_html(report or acme_report()))


def test_the_page_is_self_contained() -> None:
    html = render_html(acme_report())
    doc = parse(html)
    csp = doc.find("meta", http_equiv="Content-Security-Policy").attrs["content"] or ""
    assert "default-src 'none'" in csp
    assert not doc.find_all("link") and not doc.find_all("img") and not doc.find_all("iframe")
    assert all("src" not in s.attrs for s in doc.find_all("script"))
    # the only URLs are the tickets' own links
    urls = re.findall(r"""(?:src|href|url)\s*[=(]\s*["']?(https?:[^"' )]+)""", html)
    assert urls and all(u.startswith(("https://acme.atlassian.net/", "https://linear.app/"))
                        for u in urls)


def test_the_headline_and_the_gate_agree_with_the_exit_code() -> None:
    report = acme_report()
    doc = page(report)
    share = f"{report.metrics.overall.exact:.0%}"
    assert f"{share} of open work traces to strategy" in doc.find("h1").all_text()
    gate = doc.find(id="gate")
    assert gate.attrs["data-passed"] == "false" and gate.attrs["data-exit-code"] == "1"
    assert report.exit_code == 1 and "Gate failed" in gate.all_text()
    assert report.gate.reasons()[0] in gate.all_text()  # "N findings at or above --fail-on …"
    passing = factory.report([], [factory.outcome("A-1", "alpha", True, ("O-1",))],
                             min_aligned=0.5)
    gate = page(passing).find(id="gate")
    assert gate.attrs["data-passed"] == "true" and gate.attrs["data-exit-code"] == "0"
    assert passing.exit_code == 0


def test_the_strategy_tree_has_every_node_with_its_counts() -> None:
    report = acme_report()
    assert report.tree is not None
    tree = page(report).find("ul", cls="tree")
    rendered = [(li.attrs["data-kind"], li.attrs["data-id"], li.attrs["data-items"],
                 li.attrs["data-aligned"], li.has_class("inactive"))
                for li in tree.find_all("li", cls="node") if "data-id" in li.attrs]
    expected = [(node.kind, node.id, str(node.share.items), str(node.share.aligned),
                 not node.live) for _, node in report.tree.walk()]
    assert rendered == expected
    # nesting: CHK-100 sits under CHK-Q4-1, under the bet, under the strategy
    strategy = tree.find("li", data_id="grow-self-serve")
    bet = strategy.find("li", data_id="frictionless-checkout")
    objective = bet.find("li", data_id="CHK-Q4-1")
    assert objective.find("li", data_id="jira:CHK-100").attrs["data-kind"] == "link"
    assert "ended 2026-09-30" in tree.find("li", data_id="CHK-Q3-1").all_text()
    assert "retired" in tree.find("li", data_id="open-ecosystem").find("span", cls="status") \
        .all_text()
    assert "no strategy" in tree.find("li", data_kind="gap").all_text()
    assert tree.find("li", data_kind="untraced").find("strong").all_text() == str(
        report.metrics.untraced)


def test_an_objective_without_work_is_visible() -> None:
    report = factory.report([], [factory.outcome("A-1", "alpha", True, ("O-1",))])
    assert report.tree is None  # hand-built reports carry no tree: the page still renders
    doc = page(report)
    assert not doc.find_all("ul", cls="tree")
    with_tree = replace(report, tree=build_tree(factory.MODEL, report.evaluation,
                                                report.metrics))
    idle = page(with_tree).find("li", data_id="O-idle")
    assert idle.has_class("empty") and "no open work" in idle.all_text()


def test_team_bars_one_per_team_against_the_bar() -> None:
    report = acme_report()
    chart = page(report).find("svg", id="team-chart")
    bars = chart.find_all("rect", cls="bar")
    assert [b.attrs["data-team"] for b in bars] == list(report.metrics.by_team)
    below = [share.below(report.metrics.team_bar) for share in report.metrics.by_team.values()]
    assert [b.has_class("below") for b in bars] == below and any(below)  # payments
    assert chart.find("line", cls="threshold")
    assert chart.attrs["role"] == "img" and chart.find("title").all_text()


def test_trend_bars_one_per_run() -> None:
    report = acme_report()
    bars = page(report).find("svg", id="trend-chart").find_all("rect", cls="bar")
    assert len(bars) == len(report.trend) == 1 and bars[0].has_class("current")


def test_findings_table_rows_links_and_filters() -> None:
    report = acme_report()
    doc = page(report)
    rows = doc.find("table", id="findings-table").find("tbody").find_all("tr")
    assert len(rows) == report.metrics.findings > 0
    first = rows[0]
    link = first.find("th", scope="row").find("a")
    assert link.attrs["href"] == "https://acme.atlassian.net/browse/CHK-45"
    assert first.attrs["data-team"] == "checkout" and first.attrs["data-rule"] == "AL101 untraced"
    assert all(th.attrs.get("scope") == "col" for th in doc.find("thead").find_all("th"))
    form = doc.find("form", id="filters")
    assert "hidden" in form.attrs  # without JavaScript every row shows and no dead controls
    for name in ("team", "rule", "severity"):
        select = form.find("select", id=f"filter-{name}")
        label = form.find("label", **{"for": f"filter-{name}"})
        assert select in label.children
    teams = [o.attrs["value"] for o in form.find("select", id="filter-team").find_all("option")]
    assert teams == ["", *sorted({f.team or "(no team)" for f in report.metrics.counted})]


def test_ticket_text_is_escaped_and_only_web_links_are_links() -> None:
    report = factory.report([
        factory.finding("CHK-1", message=factory.HOSTILE, url="javascript:alert(1)"),
        factory.finding("CHK-2", url="https://acme.atlassian.net/browse/CHK-2")], [])
    doc = page(report)
    assert len(doc.find_all("script")) == 1  # the page's own filter script only
    rows = doc.find("tbody").find_all("tr")
    assert not rows[0].find_all("a") and "<script>" in rows[0].all_text()
    assert rows[1].find("a").attrs["href"] == "https://acme.atlassian.net/browse/CHK-2"


def test_check_writes_html_from_the_extension_or_a_report_spec(tmp_path: Path) -> None:
    assert report_targets(None, Path("report.html"))[0].fmt == "html"
    out, extra = tmp_path / "report.html", tmp_path / "also.html"
    result = CliRunner().invoke(cli, ["check", "-c", str(ACME), "--as-of", "2026-11-15",
                                      "-o", str(out), "--report", f"html:{extra}",
                                      "--no-history"])
    assert result.exit_code == 1, result.output
    assert parse(out.read_text()).find(id="gate").attrs["data-exit-code"] == "1"
    assert extra.read_text() == out.read_text()


def test_a_failed_run_writes_a_page_that_says_so(tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    result = CliRunner().invoke(cli, ["check", "-c", str(tmp_path / "missing.yaml"),
                                      "-o", str(out)])
    assert result.exit_code == 2
    gate = parse(out.read_text()).find(id="gate")
    assert gate.attrs["data-passed"] == "false" and gate.attrs["data-exit-code"] == "2"


def test_allocation_is_drawn_only_when_the_report_has_it() -> None:
    report = acme_report()
    doc = page(report)
    if report.allocation is None:
        assert not doc.find_all(id="allocation")
        return
    chart = doc.find("svg", id="allocation-chart")
    bars = chart.find_all("rect", cls="bar")
    assert [b.attrs["data-key"] for b in bars] == [r.key for r in report.allocation.rows]
    assert [b.has_class("below") for b in bars] == [r.drifting for r in report.allocation.rows]
    rows = doc.find("table", id="allocation-table").find("tbody").find_all("tr")
    assert len(rows) == len(report.allocation.rows)
    assert not page(replace(report, allocation=None)).find_all(id="allocation")


def test_trend_columns_stand_on_the_axis() -> None:
    from aligner.report.html import TREND_PLOT, TREND_TOP, trend_chart
    from aligner.report.metrics import Share
    from aligner.report.trend import TrendPoint
    points = (TrendPoint("2026-11-01T10:00:00+00:00", "sync", Share(10, 5)),
              TrendPoint("", "check", Share(4, 4), current=True))
    bars = trend_chart(points)
    assert [b.y + b.height for b in bars] == [TREND_TOP + TREND_PLOT] * 2
    assert [b.height for b in bars] == [TREND_PLOT / 2, TREND_PLOT]
