"""Golden outputs of every report format on the example organisation (see tests/golden/)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from aligner.cli import cli
from aligner.report.formats import FORMATS
from tests.golden import assert_golden

ACME = Path(__file__).parents[2] / "examples" / "acme" / "aligner.yaml"
CHECK = ["check", "-c", str(ACME), "--as-of", "2026-11-15"]
EXTENSIONS = {"text": "txt", "json": "json", "markdown": "md", "junit": "xml", "csv": "csv"}
STRUCTURED = {"html"}  # checked by its structure, not its bytes: tests/report/test_html.py


def check(*extra: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, [*CHECK, *extra])
    return result.exit_code, result.stdout


@pytest.mark.parametrize("fmt", sorted(set(FORMATS) - STRUCTURED))
def test_format_matches_golden(fmt: str) -> None:
    code, out = check("--format", fmt)
    assert code == 1  # acme has errors at the default --fail-on error
    assert_golden(f"acme-check.{EXTENSIONS[fmt]}", out)


def test_text_with_the_gate_matches_golden() -> None:
    code, out = check("--min-aligned", "0.8")
    assert code == 1
    assert_golden("acme-check-min-aligned.txt", out)


def test_markdown_with_the_gate_matches_golden() -> None:
    code, out = check("--format", "markdown", "--min-aligned", "0.7", "--fail-on", "never")
    assert code == 0  # 74.7 % is above 70 %, and findings do not gate
    assert_golden("acme-check-min-aligned.md", out)


def test_every_format_has_a_golden() -> None:
    assert set(EXTENSIONS) | STRUCTURED == set(FORMATS)
