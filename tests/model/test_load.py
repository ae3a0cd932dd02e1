"""Model-file validation: every kind of error is one line naming file, line and path."""

from __future__ import annotations

from pathlib import Path

import pytest

from aligner.errors import ConfigError
from aligner.model.load import config_from_text, load_config

BASE = """\
version: 1
strategy:
  - id: grow
bets:
  - id: fast-checkout
    strategy: grow
objectives:
  - id: CHK-Q4-1
    team: checkout
    supports: fast-checkout
    links: ["jira:CHK-100"]
teams:
  - id: checkout
trackers:
  file: {path: backlog.json}
"""


def error_of(text: str) -> str:
    with pytest.raises(ConfigError) as caught:
        config_from_text(text, "aligner.yaml")
    message = str(caught.value)
    assert "\n" not in message
    return message


def test_base_model_is_valid() -> None:
    config = config_from_text(BASE)
    assert [o.id for o in config.model.objectives] == ["CHK-Q4-1"]
    assert len(config.rule_set.rules) == 12


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("    team: checkout\n", "    team: chekout\n",
     "aligner.yaml:9: objectives[0].team: unknown team 'chekout' (did you mean 'checkout'?)"),
    ("    supports: fast-checkout\n", "    supports: fast-chekout\n",
     "aligner.yaml:10: objectives[0].supports: unknown bet or strategy 'fast-chekout' "
     "(did you mean 'fast-checkout'?)"),
    ("    strategy: grow\n", "    strategy: grwo\n",
     "aligner.yaml:6: bets[0].strategy: unknown strategy 'grwo' (did you mean 'grow'?)"),
    ("    strategy: grow\n", "    name: x\n",
     "aligner.yaml:5: bets[0].strategy: required key is missing"),
    ("teams:\n  - id: checkout\n", "teams:\n  - id: checkout\n  - id: checkout\n",
     "aligner.yaml:14: teams[1].id: duplicate id 'checkout' (first at index 0)"),
    ("    links: [\"jira:CHK-100\"]\n", "    links: [\"jira:CHK100\"]\n",
     "aligner.yaml:11: objectives[0].links: malformed link 'jira:CHK100'"),
    ("    team: checkout\n", "    team: checkout\n    contributers: [checkout]\n",
     "aligner.yaml:10: objectives[0].contributers: unknown key (did you mean 'contributors'?)"),
    ("version: 1\n", "version: 2\n", "aligner.yaml:1: version: got 2; input should be 1"),
    ("  - id: grow\n", "  - id: grow\n    status: paused\n",
     "aligner.yaml:4: strategy[0].status: got 'paused'; input should be 'active' or 'retired'"),
    ("teams:\n", "rules:\n  select: [AL1O1]\nteams:\n",
     "aligner.yaml:13: rules.select[0]: unknown rule 'AL1O1' (did you mean 'AL101'?)"),
    ("teams:\n", "rules:\n  severity: {untraced: fatal}\nteams:\n",
     "aligner.yaml:13: rules.severity.untraced: got 'fatal'; input should be 'error' or "
     "'warning'"),
    ("teams:\n", "rules:\n  options: {AL301: {min_algned: 0.5}}\nteams:\n",
     "aligner.yaml:13: rules.options.AL301.min_algned: unknown option for AL301 "
     "(did you mean 'min_aligned'?)"),
    ("teams:\n", "waivers:\n  - {items: [X-1], codes: [untracd], reason: r, owner: o, "
     "expires: 2027-01-01}\nteams:\n",
     "aligner.yaml:13: waivers[0].codes: unknown rule 'untracd' (did you mean 'untraced'?)"),
    ("  file: {path: backlog.json}\n", "  jria: {}\n",
     "aligner.yaml:15: trackers.jria: unknown tracker 'jria' (did you mean 'jira'?)"),
    ("  file: {path: backlog.json}\n", "  file: {paht: backlog.json}\n",
     "aligner.yaml:15: trackers.file.paht: unknown key (did you mean 'path'?)"),
    ("teams:\n", "teems: []\nteams:\n",
     "aligner.yaml:12: teems: unknown key (did you mean 'teams'?)"),
    ("  - id: grow\n", "  - id: grow\n  - id: fast-checkout\n",
     "aligner.yaml:6: bets[0].id: 'fast-checkout' is both a bet and a strategy id"),
])
def test_each_error_kind_names_file_line_and_path(old: str, new: str, expected: str) -> None:
    assert old in BASE
    assert error_of(BASE.replace(old, new, 1)).startswith(expected)


def test_yaml_syntax_error_is_located() -> None:
    assert error_of(BASE + "  - [unclosed\n").startswith("aligner.yaml:")


def test_duplicate_yaml_key_is_an_error() -> None:
    message = error_of(BASE.replace("    team: checkout\n", "    team: checkout\n    team: x\n"))
    assert message == "aligner.yaml:10: objectives[0].team: duplicate key"


def test_period_must_be_ordered() -> None:
    text = BASE.replace("    team: checkout\n",
                        "    team: checkout\n    period: {start: 2026-12-01, end: 2026-10-01}\n")
    assert "objectives[0].period: period ends (2026-10-01) before it starts" in error_of(text)


def test_empty_and_missing_files(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such file"):
        load_config(tmp_path / "nope.yaml")
    empty = tmp_path / "aligner.yaml"
    empty.write_text("")
    with pytest.raises(ConfigError, match=r"aligner\.yaml:1: the file is empty"):
        load_config(empty)
    empty.write_text("- a list\n")
    with pytest.raises(ConfigError, match="must be a mapping"):
        load_config(empty)
