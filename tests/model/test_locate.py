"""Finding the model file (-c, ALIGNER_CONFIG, nearest parent) and reading pasted ticket URLs."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from aligner.cli import cli
from aligner.model.item_ref import item_key
from aligner.model.locate import locate_config

ACME = Path(__file__).resolve().parents[2] / "examples" / "acme" / "aligner.yaml"


def test_explicit_file_wins_over_the_environment(tmp_path: Path) -> None:
    given = tmp_path / "mine.yaml"
    assert locate_config(given, {"ALIGNER_CONFIG": "other.yaml"}, tmp_path) == given


def test_environment_then_nearest_parent(tmp_path: Path) -> None:
    assert locate_config(None, {"ALIGNER_CONFIG": "x.yaml"}, tmp_path) == Path("x.yaml")
    (tmp_path / "aligner.yaml").write_text("version: 1\n")
    deep = tmp_path / "a" / "b"
    deep.mkdir(parents=True)
    assert locate_config(None, {}, deep) == tmp_path.resolve() / "aligner.yaml"
    assert locate_config(None, {}, tmp_path) == Path("aligner.yaml")


def test_nothing_found_names_the_default_file(tmp_path: Path) -> None:
    assert locate_config(None, {}, tmp_path) == Path("aligner.yaml")


def test_validate_finds_the_model_from_a_subfolder(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "aligner.yaml").write_text(ACME.read_text())
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path / "sub")
    monkeypatch.delenv("ALIGNER_CONFIG", raising=False)
    result = CliRunner().invoke(cli, ["validate"])
    assert result.exit_code == 0, result.output
    assert "valid" in result.output


def test_validate_reads_aligner_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ALIGNER_CONFIG", str(ACME))
    assert CliRunner().invoke(cli, ["validate"]).exit_code == 0


def test_global_flags_after_the_subcommand_and_history_c(tmp_path: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(cli, ["validate", "-c", str(ACME), "-q"]).exit_code == 0
    assert runner.invoke(cli, ["validate", "-c", str(ACME), "-v"]).exit_code == 0
    result = runner.invoke(cli, ["history", "-c", str(ACME), "--state",
                                 str(tmp_path / "none.db")])
    assert "No such option" not in result.output


@pytest.mark.parametrize(("pasted", "key"), [
    ("CHK-12", "CHK-12"),
    ("https://acme.atlassian.net/browse/CHK-12", "CHK-12"),
    ("https://jira.acme.example/browse/CHK-12?focusedCommentId=1", "CHK-12"),
    ("https://acme.atlassian.net/jira/software/projects/CHK/boards/1?selectedIssue=CHK-7",
     "CHK-7"),
    ("https://linear.app/acme/issue/ENG-42/fix-the-cart-total", "ENG-42"),
])
def test_item_key_from_a_pasted_url(pasted: str, key: str) -> None:
    assert item_key(pasted) == key


def test_explain_accepts_a_ticket_url() -> None:
    result = CliRunner().invoke(cli, ["explain", "https://acme.atlassian.net/browse/CHK-45",
                                      "-c", str(ACME), "--as-of", "2026-11-15"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("CHK-45")
