"""A sync's report shows the trend of earlier recorded runs, its own run once, at the end."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from aligner.cli import cli
from tests.sync.harness import AS_OF
from tests.sync.test_sync_scenarios import HARNESSES


def trend_bars(html: str) -> int:
    chart = html[html.index('id="trend-chart"'):]
    chart = chart[:chart.index("</svg>")]
    return len(re.findall(r'<rect[^>]*class="bar', chart))


def test_each_sync_adds_one_point_and_counts_itself_once(tmp_path: Path) -> None:
    harness = HARNESSES["jira-cloud"](tmp_path)
    state, page = tmp_path / "state.db", tmp_path / "report.html"
    args = ["sync", "-c", str(harness.config), "--as-of", AS_OF.isoformat(), "--full",
            "--state", str(state), "--fail-on", "never", "--report", f"html:{page}"]
    with harness.running():
        counts = []
        for _ in range(3):
            result = CliRunner().invoke(cli, args, env=harness.env())
            assert result.exit_code == 0, result.output
            counts.append(trend_bars(page.read_text(encoding="utf-8")))
    assert counts == [1, 2, 3]
