"""The HTML report in a real browser: Debian's headless Chromium, driven by Playwright.

It renders without console errors, requests nothing but the file itself, the filters change
the visible rows (by mouse and by keyboard), the charts have one bar per team and per run, and
without JavaScript every finding still shows. A screenshot is written for the record (the
test's tmp dir), never compared. `.ci/run` installs chromium when it is missing; this skips
only where no chromium exists at all.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from aligner.mirror.history import recent_runs, record_check
from aligner.report.html import render_html
from aligner.report.model import build_report
from aligner.report.summary import summary
from aligner.sync.check import run_check
from tests.report.acme import ACME, AS_OF

CHROMIUM = shutil.which("chromium") or (
    "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no chromium on this machine "
                                "(apt-get install chromium; .ci/run installs it)")
sync_api = pytest.importorskip("playwright.sync_api",
                               reason="playwright is in the test extras: pip install -e '.[test]'")

RUNS = 3  # recorded before the page's own run: the trend has 4 bars
FACTS: dict[str, Any] = {}  # from the report model the page was made of


@pytest.fixture(scope="module")
def report_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The acme report with three earlier checks in its history, written to disk."""
    folder = tmp_path_factory.mktemp("leaders-view")
    state = folder / "state" / "state.db"
    state.parent.mkdir()
    run = run_check(ACME, as_of=AS_OF)
    for _ in range(RUNS):
        assert record_check(state, ["file"], summary(run.evaluation))
    report = build_report(run.config, run.evaluation, history=recent_runs(state))
    FACTS.update(findings=report.metrics.findings, teams=len(report.metrics.by_team),
                 below=len(report.metrics.below_bar()),
                 share=f"{report.metrics.overall.exact:.0%}")
    path = folder / "report.html"
    path.write_text(render_html(report), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM)
        yield launched
        launched.close()


class Page:
    """A page that records every request and every console error."""

    def __init__(self, browser: Any, url: str, javascript: bool = True) -> None:
        self.context = browser.new_context(java_script_enabled=javascript,
                                           viewport={"width": 1200, "height": 900})
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.page = self.context.new_page()
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error"
                     else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.route("**/*", self._route)
        self.page.goto(url)

    def _route(self, route: Any) -> None:
        self.requests.append(route.request.url)
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            route.abort()

    def visible_rows(self) -> int:
        return int(self.page.locator("#findings-table tbody tr:visible").count())


@pytest.fixture
def page(browser: Any, report_file: Path) -> Iterator[Page]:
    opened = Page(browser, report_file.as_uri())
    yield opened
    opened.context.close()


def test_renders_without_errors_or_requests(page: Page, report_file: Path) -> None:
    assert page.page.title().startswith("Strategy alignment")
    assert page.errors == []
    assert page.requests == [report_file.as_uri()]
    assert page.page.locator("h1").inner_text().startswith(FACTS["share"])


def test_the_charts_have_one_bar_per_team_and_per_run(page: Page) -> None:
    assert page.page.locator("#team-chart rect.bar").count() == FACTS["teams"] == 4
    assert page.page.locator("#team-chart rect.bar.below").count() == FACTS["below"] >= 1
    assert page.page.locator("#trend-chart rect.bar").count() == RUNS + 1
    box = page.page.locator("#team-chart").bounding_box()
    assert box is not None and box["width"] > 600  # drawn, at the page's width


def test_the_filters_change_the_visible_rows(page: Page) -> None:
    assert page.page.locator("#filters").is_visible()
    total = page.visible_rows()
    assert total == FACTS["findings"] > 0
    page.page.select_option("#filter-team", "payments")
    payments = page.visible_rows()
    assert 0 < payments < total
    assert page.page.locator("#shown").inner_text() == f"{payments} of {total} findings"
    page.page.select_option("#filter-severity", "warning")
    assert page.visible_rows() < payments
    page.page.select_option("#filter-rule", "AL204 contested-area")
    page.page.select_option("#filter-team", "")
    page.page.select_option("#filter-severity", "")
    rows = page.page.locator("#findings-table tbody tr:visible")
    assert rows.count() > 0
    assert all(r.get_attribute("data-rule") == "AL204 contested-area" for r in rows.all())
    page.page.click("button[type=reset]")
    page.page.wait_for_function("document.querySelectorAll("
                                f"'#findings-table tbody tr:not([hidden])').length === {total}")
    assert page.errors == []


def test_the_filters_work_from_the_keyboard(page: Page) -> None:
    for _ in range(40):  # tab from the top of the page to the team filter
        page.page.keyboard.press("Tab")
        if page.page.evaluate("document.activeElement.id") == "filter-team":
            break
    else:
        pytest.fail("the team filter is not reachable with Tab")
    page.page.keyboard.press("ArrowDown")  # "(no team)", the first team
    page.page.keyboard.press("ArrowDown")  # checkout
    assert page.page.eval_on_selector("#filter-team", "e => e.value") == "checkout"
    assert page.visible_rows() == int(page.page.locator(
        "#findings-table tbody tr[data-team=checkout]").count()) < FACTS["findings"]


def test_without_javascript_every_finding_shows(browser: Any, report_file: Path) -> None:
    static = Page(browser, report_file.as_uri(), javascript=False)
    try:
        assert static.visible_rows() == FACTS["findings"]
        assert not static.page.locator("#filters").is_visible()
        assert static.page.locator("ul.tree li[data-id='CHK-Q4-1']").is_visible()
    finally:
        static.context.close()


def test_a_screenshot_for_the_record(page: Page, tmp_path: Path) -> None:
    shot = tmp_path / "leaders-view.png"
    page.page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    page.page.emulate_media(media="print")
    assert not page.page.locator("#filters").is_visible()  # print hides the controls
