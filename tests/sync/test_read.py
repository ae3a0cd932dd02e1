"""Read, alone: adapters are checked against the `Adapter` protocol; skipped items are counted."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path

import pytest
import responses

from aligner.engine.items import BacklogItem
from aligner.errors import ConfigError
from aligner.model.load import load_config
from aligner.plugins.adapter import Adapter, WritableAdapter
from aligner.sync.read import _checked, open_adapters, read
from aligner_adapters.file import FileAdapter
from tests.fakes.jira import CLOUD, FakeJira
from tests.jira.support import adapter as jira_adapter

ACME = Path(__file__).parents[2] / "examples" / "acme" / "aligner.yaml"


class Reader:
    """A minimal read-only adapter: two issues, one of them dropped as unreadable."""

    name = "fake"
    incremental = True
    request_count = 0
    skipped = 0

    def fetch(self, since: datetime | None = None) -> Iterator[BacklogItem]:
        self.skipped += 1  # what a real adapter does with a payload it cannot map
        yield BacklogItem("X-1", "fake", "jira", parents=("X-0",))

    def fetch_missing(self, keys: Iterable[str]) -> Iterator[BacklogItem]:
        yield from (BacklogItem(key, "fake", "jira") for key in keys)


def test_read_alone_builds_the_graph_with_ancestors_and_counts() -> None:
    snapshot = read({"fake": Reader()})
    assert sorted(snapshot.graph) == ["X-0", "X-1"]
    assert not snapshot.graph["X-0"].in_scope  # an ancestor fetched by key
    assert snapshot.fetched == {"fake": 1} and snapshot.skipped == {"fake": 1}


def test_read_alone_on_the_example_export() -> None:
    adapters = open_adapters(load_config(ACME))
    snapshot = read(adapters)
    assert snapshot.total_fetched > 0 and snapshot.skipped == {"file": 0}


def test_the_protocols_tell_readers_from_writers() -> None:
    assert isinstance(Reader(), Adapter) and not isinstance(Reader(), WritableAdapter)
    adapters = open_adapters(load_config(ACME))
    file_adapter = adapters["file"]
    assert isinstance(file_adapter, FileAdapter)
    assert isinstance(file_adapter, Adapter) and not isinstance(file_adapter, WritableAdapter)
    assert not hasattr(file_adapter, "apply")  # read-only: no write method at all


def test_an_object_missing_part_of_the_interface_is_refused() -> None:
    class NoSkipCount:
        name = "broken"
        incremental = True
        request_count = 0

        def fetch(self, since: datetime | None = None) -> Iterator[BacklogItem]:
            return iter(())

        def fetch_missing(self, keys: Iterable[str]) -> Iterator[BacklogItem]:
            return iter(())

    assert not isinstance(NoSkipCount(), Adapter)
    with pytest.raises(ConfigError, match=r"'broken' does not implement .*missing: skipped"):
        _checked("broken", NoSkipCount())


def test_a_dropped_jira_issue_is_logged_with_its_key_and_counted(
        caplog: pytest.LogCaptureFixture) -> None:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        fake = FakeJira(CLOUD).install(rsps)
        fake.add_issue("CHK-1")
        fake.add_issue("CHK-2")
        fake.issues["CHK-2"]["fields"]["status"] = "Weird"  # not the object Jira documents
        jira = jira_adapter(fake, jql="key in (CHK-1, CHK-2)")
        with caplog.at_level(logging.WARNING):
            snapshot = read({"jira": jira})
    assert sorted(snapshot.graph) == ["CHK-1"] and snapshot.skipped == {"jira": 1}
    assert any("skipped issue CHK-2" in r.getMessage() for r in caplog.records)


def test_the_sync_report_says_how_many_items_were_skipped() -> None:
    from datetime import date

    from aligner.engine.evaluate import evaluate
    from aligner.report.sync import render_outcome, sync_json
    from aligner.sync.run import SyncOutcome

    config = load_config(ACME)
    snapshot = read({"fake": Reader()})
    evaluation = evaluate(config, snapshot.graph, date(2026, 11, 15))
    outcome = SyncOutcome(config, snapshot, evaluation, [], [], dry_run=True,
                          incremental={"fake": False})
    assert "evaluated 1 open of 1 fetched (1 skipped: unreadable payloads, see the log)" \
        in render_outcome(outcome)
    assert sync_json(outcome)["skipped"] == {"fake": 1}
