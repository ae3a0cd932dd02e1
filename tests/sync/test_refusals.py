"""A ticket that keeps refusing aligner's write is reported and left alone until it changes
(#13 item 4): no write is sent into a known refusal on every run."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from tests.sync.jira_harness import JiraHarness


@pytest.mark.parametrize("mode", ["cloud", "datacenter"])
@pytest.mark.parametrize("status", [400, 403])
def test_a_refusing_ticket_is_left_alone_until_it_changes(tmp_path: Path, mode: str,
                                                          status: int) -> None:
    harness = JiraHarness(tmp_path, mode=mode)
    state = tmp_path / "state.db"
    harness.fake.fail("PUT|POST", r"/issue/CHK-2(/comment)?$", status, times=999)
    with harness.running():
        first = harness.sync(state_path=state)
        assert [f.key for f in first.failed] == ["CHK-2"] and not first.complete
        harness.reset_requests()
        second = harness.sync(state_path=state)
        assert [p.item.key for p in second.left_alone] == ["CHK-2"]
        assert second.complete and harness.write_requests() == 0  # nothing sent into it
        harness.fake.now += timedelta(hours=1)
        harness.fake.touch("CHK-2")  # a person edits the ticket (permission fixed, say)
        harness.reset_requests()
        third = harness.sync(state_path=state)
        assert second.left_alone and not third.left_alone
        assert [f.key for f in third.failed] == ["CHK-2"]  # tried again: still refused here


def test_the_sync_text_says_which_tickets_are_left_alone(tmp_path: Path) -> None:
    from aligner.report.sync import render_outcome

    harness = JiraHarness(tmp_path)
    state = tmp_path / "state.db"
    harness.fake.fail("PUT|POST", r"/issue/CHK-3(/comment)?$", 403, times=999)
    with harness.running():
        harness.sync(state_path=state)
        text = render_outcome(harness.sync(state_path=state))
    assert "Left alone: 1 ticket(s) refused the last write" in text and "  CHK-3" in text
