"""The sync harnesses of tests/sync (same organisation on fake Jira Cloud, DC and Linear),
with what the reliability tests add: a model they can edit, and the fakes' bodies."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.sync.harness import AS_OF, Harness
from tests.sync.jira_harness import JiraHarness
from tests.sync.linear_harness import LinearHarness

HARNESSES: dict[str, Callable[[Path], Harness]] = {
    "jira-cloud": lambda tmp: JiraHarness(tmp, mode="cloud"),
    "jira-dc": lambda tmp: JiraHarness(tmp, mode="datacenter"),
    "linear": lambda tmp: LinearHarness(tmp),
}


@pytest.fixture(params=sorted(HARNESSES))
def tracker(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Harness]:
    harness = HARNESSES[request.param](tmp_path)
    harness.flavour = request.param  # type: ignore[attr-defined]
    yield harness


def add_item(harness: Harness, title: str, labels: list[str] = (),  # type: ignore[assignment]
             project: str | None = None) -> str:
    """One more open issue; returns its key (CHK-5, CHK-6, ...)."""
    if isinstance(harness, JiraHarness):
        key = f"CHK-{len(harness.fake.issues) + 1}"  # CHK-100 + CHK-1..4 exist
        harness.fake.add_issue(key, title, labels=list(labels))
        return key
    assert isinstance(harness, LinearHarness)
    if project is not None:
        harness.fake.add_project(project, teams=["CHK"])
    return str(harness.fake.add_issue("CHK", title, labels=list(labels),
                                      project=project)["identifier"])


def write_model(harness: Harness, edit: Callable[[dict[str, Any]], None] | None = None) -> Path:
    """The harness's model, optionally edited, written beside it."""
    model = yaml.safe_load(harness.config.read_text())
    if edit is not None:
        edit(model)
    path = harness.tmp / "model.yaml"
    path.write_text(yaml.safe_dump(model, sort_keys=False, allow_unicode=True))
    return path


def comment_bodies(harness: Harness, key: str) -> list[Any]:
    """aligner's comments on `key` as the fake stores them (ADF dict, wiki or Markdown)."""
    if isinstance(harness, JiraHarness):
        return [c["body"] for c in harness.fake.comments(key)
                if "aligner" in (c.get("properties") or {}) or "aligner" in str(c["body"])]
    bot = harness.fake.store.viewer_id
    return [c["body"] for c in harness.fake.comments_on(key) if c["userId"] == bot]


__all__ = ["AS_OF", "HARNESSES", "add_item", "comment_bodies", "tracker", "write_model"]
