"""The write budget counts what each tracker really sends (`WriteCosts`).

On every tracker fake (Jira Cloud, Jira Data Center, Linear) the budget the dry run prints is
the write count the real run then spends, and `--max-writes` set to it finishes the run.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from aligner.cli import cli
from aligner.sync.budget import cost_for, within_budget, write_cost
from tests.sync.harness import AS_OF, UNTRACED, Harness
from tests.sync.test_sync_scenarios import HARNESSES

# first run over three untraced tickets: Cloud creates each comment inside the one edit
# (labels + state + comment); Data Center edits the labels, then posts the comment; Linear
# sends one label mutation and one comment mutation per ticket
FIRST_RUN = {"jira-cloud": 3, "jira-dc": 6, "linear": 6}


@pytest.fixture(params=sorted(HARNESSES))
def tracker(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, Harness]]:
    harness = HARNESSES[request.param](tmp_path)
    with harness.running():
        yield request.param, harness


def dry_run_budget(tracker: Harness, *extra: str) -> int:
    """The `Write budget needed` the dry run prints."""
    result = CliRunner().invoke(cli, ["sync", "-c", str(tracker.config), "--as-of",
                                      AS_OF.isoformat(), "--dry-run", "--state",
                                      str(tracker.tmp / "state.db"), *extra],
                                env=tracker.env())
    found = re.search(r"Write budget needed: (\d+) — run the first sync with --max-writes "
                      r"(\d+)", result.stdout)
    assert found is not None, result.stdout
    assert found[1] == found[2]
    return int(found[1])


def real_run(tracker: Harness, max_writes: int) -> int:
    result = CliRunner().invoke(cli, ["sync", "-c", str(tracker.config), "--as-of",
                                      AS_OF.isoformat(), "--state",
                                      str(tracker.tmp / "state.db"), "--max-writes",
                                      str(max_writes)], env=tracker.env())
    return result.exit_code


def test_the_printed_budget_is_what_the_first_run_spends_and_it_completes(
        tracker: tuple[str, Harness]) -> None:
    name, harness = tracker
    needed = dry_run_budget(harness)
    assert needed == FIRST_RUN[name]
    assert harness.write_requests() == 0
    outcome = harness.sync(max_writes=needed)
    assert outcome.complete and not outcome.pending and not outcome.failed
    assert outcome.writes == needed
    if name.startswith("jira"):  # one HTTP write each; Linear batches several per request
        assert harness.write_requests() == needed


def test_max_writes_equal_to_the_printed_budget_exits_without_pending(
        tracker: tuple[str, Harness]) -> None:
    _, harness = tracker
    needed = dry_run_budget(harness)
    assert real_run(harness, needed) in (0, 1)
    assert all(harness.labels(k) == ["aligner:untraced"] for k in UNTRACED)
    assert all(len(harness.aligner_comments(k)) == 1 for k in UNTRACED)


def test_one_write_less_leaves_the_last_ticket_pending(tracker: tuple[str, Harness]) -> None:
    _, harness = tracker
    needed = dry_run_budget(harness)
    assert real_run(harness, needed - 1) == 3


def planned_writes(tracker: Harness) -> int:
    """The `write operations` of the dry run's plan (printed whether or not it creates)."""
    result = CliRunner().invoke(cli, ["sync", "-c", str(tracker.config), "--as-of",
                                      AS_OF.isoformat(), "--dry-run", "--state",
                                      str(tracker.tmp / "state.db")], env=tracker.env())
    found = re.search(r"^Plan: \d+ items? to change, (\d+) write operations", result.stdout,
                      re.MULTILINE)
    assert found is not None, result.stdout
    return int(found[1])


@pytest.mark.parametrize("writeback", [{}, {"on_resolve": "keep"}],
                         ids=["delete", "resolved-note"])
def test_a_second_run_spends_exactly_the_planned_writes(
        tracker: tuple[str, Harness], writeback: dict[str, str]) -> None:
    """A fixed ticket: its comment deleted (or edited to a resolved note) and its label
    removed; the plan's count is what the run spends, and that budget suffices."""
    name, harness = tracker
    harness.writeback = writeback
    harness.sync()
    harness.link_to_objective("T-2")
    needed = planned_writes(harness)
    harness.reset_requests()
    outcome = harness.sync(max_writes=needed)
    assert outcome.complete and not outcome.failed and outcome.writes == needed
    if name.startswith("jira"):
        assert harness.write_requests() == needed


def test_labels_only_costs_one_write_per_ticket(tracker: tuple[str, Harness]) -> None:
    _, harness = tracker
    harness.writeback = {"comment": False}
    needed = dry_run_budget(harness)
    assert needed == len(UNTRACED)
    outcome = harness.sync(max_writes=needed)
    assert outcome.complete and outcome.writes == needed


def test_the_neutral_cost_stays_an_upper_bound(tracker: tuple[str, Harness]) -> None:
    _, harness = tracker
    outcome = harness.sync(dry_run=True)
    cost = cost_for(outcome.snapshot.adapters)
    assert all(cost(p) <= write_cost(p) for p in outcome.planned)
    now, pending = within_budget(outcome.planned, FIRST_RUN["jira-cloud"], cost)
    assert now + pending == outcome.planned


def test_turning_comments_on_costs_one_write_per_comment_on_cloud(
        tracker: tuple[str, Harness]) -> None:
    """Labels first, comments later: on Cloud each comment rides in one edit with its state."""
    name, harness = tracker
    harness.writeback = {"comment": False}
    harness.sync()
    harness.writeback = {}
    needed = dry_run_budget(harness)
    harness.reset_requests()
    outcome = harness.sync(max_writes=needed)
    assert outcome.complete and outcome.writes == needed
    if name == "jira-cloud":
        assert needed == len(UNTRACED) == harness.write_requests()
