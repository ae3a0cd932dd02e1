"""`aligner validate` lists every model error at once, each on its own located line (#18)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from aligner.cli import cli
from aligner.errors import ConfigError, ConfigErrors
from aligner.model.load import MAX_ERRORS, config_from_text

SHAPE = """\
version: 1
strategy:
  - {id: grow, name: Grow}
objectives:
  - id: A
    team: checkout
    period: Q4 2026
  - id: B
    team: checkout
    period: {start: 2026-10-01, end: someday}
teams:
  - id: checkout
    nmae: Checkout
waivers:
  - {items: [X-1], reason: r, owner: o, expires: next week}
"""

REFERENCES = """\
version: 1
strategy:
  - {id: grow, name: Grow}
objectives:
  - {id: A, team: checkot, supports: grow}
  - {id: B, team: checkout, supports: grwo, contributors: [paymnets]}
teams:
  - {id: checkout}
  - {id: payments}
rules:
  select: [AL999]
waivers:
  - {items: [X-1], codes: [AL888], reason: r, owner: o, expires: 2026-12-01}
writeback:
  teams: [chekout]
"""


def errors_of(text: str) -> list[str]:
    with pytest.raises(ConfigErrors) as caught:
        config_from_text(text)
    return list(caught.value.lines)


def test_every_shape_error_is_reported_with_its_line_in_file_order() -> None:
    assert errors_of(SHAPE) == [
        "aligner.yaml:7: objectives[0].period: expected a period like "
        "{start: 2026-10-01, end: 2026-12-31}, got 'Q4 2026'",
        "aligner.yaml:10: objectives[1].period.end: expected a date like 2026-12-31 "
        "(YYYY-MM-DD), got 'someday'",
        "aligner.yaml:13: teams[0].nmae: unknown key (did you mean 'name'?)",
        "aligner.yaml:15: waivers[0].expires: expected a date like 2026-12-31 (YYYY-MM-DD), "
        "got 'next week'",
    ]


def test_every_reference_rule_and_waiver_error_is_reported() -> None:
    lines = errors_of(REFERENCES)
    assert len(lines) == 6, lines
    assert lines[0] == ("aligner.yaml:5: objectives[0].team: unknown team 'checkot' "
                        "(did you mean 'checkout'?)")
    assert "objectives[1].supports: unknown bet or strategy 'grwo' (did you mean 'grow'?)" \
        in lines[1]
    assert "contributors[0]: unknown team 'paymnets' (did you mean 'payments'?)" in lines[2]
    assert "rules.select" in lines[3] and "AL999" in lines[3]
    assert "waivers[0].codes" in lines[4] and "AL888" in lines[4]
    assert lines[5] == ("aligner.yaml:15: writeback.teams[0]: unknown team 'chekout' "
                        "(did you mean 'checkout'?)")


def test_a_single_error_stays_a_plain_config_error() -> None:
    with pytest.raises(ConfigError) as caught:
        config_from_text("version: 1\nteams:\n  - {id: a, nmae: x}\n")
    assert not isinstance(caught.value, ConfigErrors)
    assert str(caught.value) == "aligner.yaml:3: teams[0].nmae: unknown key (did you mean 'name'?)"


def test_errors_are_capped() -> None:
    teams = "".join(f"  - {{id: t{i}}}\n" for i in range(30))
    objectives = "".join(f"  - {{id: O{i}, team: nobody{i}}}\n" for i in range(30))
    lines = errors_of(f"version: 1\nteams:\n{teams}objectives:\n{objectives}")
    assert len(lines) == MAX_ERRORS + 1
    assert lines[-1] == f"… and {30 - MAX_ERRORS} more errors (fix these first)"


def test_validate_prints_one_line_per_error_and_exits_2(tmp_path: Path) -> None:
    model = tmp_path / "aligner.yaml"
    model.write_text(REFERENCES, encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", "-c", str(model)])
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 6 and all(line.startswith("aligner: aligner.yaml:") for line in lines)
