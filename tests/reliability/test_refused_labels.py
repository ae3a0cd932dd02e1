"""#13 item 4: settings that make labels Jira refuses are errors at `aligner validate`, located
at the setting (the tracker plugin's optional WritebackCheck), not a write failing every run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.sync.jira_harness import JiraHarness
from tests.sync.linear_harness import LinearHarness

from .support import assert_located_error, invoke
from .trackers import write_model


@pytest.mark.parametrize(("setting", "value"), [
    ("label_prefix", "aligner flag:"),
    ("label_prefix", "a" * 250 + ":"),
    ("waive_label", "aligner: waive"),
    ("waive_label", "w" * 256),
])
def test_labels_jira_refuses_fail_validate(tmp_path: Path, setting: str, value: str) -> None:
    def edit(model: dict[str, Any]) -> None:
        model["writeback"] = {setting: value}

    path = write_model(JiraHarness(tmp_path), edit)
    result = invoke("validate", "-c", str(path))
    assert_located_error(result, path.name, len(path.read_text().splitlines()))
    line = int(result.stderr.split(":")[2])
    assert setting in path.read_text().splitlines()[line - 1], result.stderr
    assert f"writeback.{setting}" in result.stderr and "trackers.jira" in result.stderr


def test_the_same_settings_suit_a_tracker_without_those_rules(tmp_path: Path) -> None:
    def edit(model: dict[str, Any]) -> None:
        model["writeback"] = {"label_prefix": "aligner flag:"}

    result = invoke("validate", "-c", str(write_model(LinearHarness(tmp_path), edit)))
    assert result.exit_code == 0, result.output


def test_the_default_labels_pass(tmp_path: Path) -> None:
    result = invoke("validate", "-c", str(write_model(JiraHarness(tmp_path))))
    assert result.exit_code == 0, result.output
