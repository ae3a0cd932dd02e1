"""`sync --dry-run --show-comments` previews what each tracker will really receive (#18)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from aligner.cli import cli
from tests.sync.harness import AS_OF, Harness
from tests.sync.test_sync_scenarios import HARNESSES


@pytest.fixture(params=sorted(HARNESSES))
def tracker(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Harness]:
    harness = HARNESSES[request.param](tmp_path)
    with harness.running():
        yield harness


def preview(tracker: Harness) -> str:
    result = CliRunner().invoke(cli, ["sync", "-c", str(tracker.config), "--as-of",
                                      AS_OF.isoformat(), "--dry-run", "--show-comments"],
                                env=tracker.env())
    assert result.exit_code == 1, result.output
    assert tracker.write_requests() == 0
    return "\n".join(line.removeprefix("      | ") for line in result.stdout.splitlines()
                     if line.startswith("      | "))


def test_each_tracker_previews_its_own_rendering(tracker: Harness) -> None:
    text = preview(tracker)
    assert "alignment problem" in text
    if tracker.name == "jira-cloud":  # ADF as a PM reads it: no Markdown escapes or markers
        assert text.startswith("aligner: this ticket") and "\\" not in text and "**" not in text
        assert "\n• Why it matters:" in text
    elif tracker.name == "jira-dc":  # the wiki markup that is posted
        assert text.startswith("*aligner:*") and "\n* *Why it matters:*" in text
    else:  # Linear receives Markdown; the state marker is not part of what a PM reads
        assert "aligner-state" not in text
