"""The example third-party plugin (examples/plugins/aligner-sheet) installs and runs.

It is installed the way a user would (pip, from its own pyproject.toml) into a separate
target directory, so its entry points are visible only to the `aligner` processes started
here, never to the rest of the test session.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PLUGIN = ROOT / "examples" / "plugins" / "aligner-sheet"
EXAMPLE = PLUGIN / "example" / "aligner.yaml"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("site")
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps",
                    "--no-build-isolation", "--target", str(target), str(PLUGIN)],
                   check=True, capture_output=True, text=True)
    return target


def aligner(site: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(site)}
    return subprocess.run([sys.executable, "-c", "from aligner.cli import main; main()",
                           *args], capture_output=True, text=True, env=env, timeout=120)


def test_the_plugin_rule_is_listed_and_documented(site: Path) -> None:
    listed = aligner(site, "rules")
    assert listed.returncode == 0, listed.stderr
    assert "SHT101" in listed.stdout and "vague-title" in listed.stdout
    doc = aligner(site, "rule", "SHT101")
    assert "Why it matters" in doc.stdout and "min_words" in doc.stdout


def test_check_traces_ownership_and_links_through_the_plugin_tracker(site: Path) -> None:
    run = aligner(site, "check", "-c", str(EXAMPLE), "--as-of", "2026-11-15",
                  "--format", "json")
    assert run.returncode == 1, run.stderr  # findings on purpose
    report = json.loads(run.stdout)
    found = {(f["item"], f["code"]) for f in report["findings"] if f["item"]}
    assert report["summary"]["items"] == 5  # ROW-5 is done
    assert ("ROW-2", "AL101") not in found  # under ROW-1, which objective GRO-Q4-1 links
    assert ("ROW-4", "AL101") not in found  # labelled okr:FIN-Q4-1
    assert ("ROW-3", "AL101") in found and ("ROW-3", "SHT101") in found
    assert ("ROW-6", "AL201") in found  # board ops: no team's owns.sheet lists it
    teams = report["summary"]["by_team"]
    assert (teams["growth"]["items"], teams["growth"]["aligned"]) == (3, 2)
    assert (teams["finance"]["items"], teams["finance"]["aligned"]) == (1, 1)


def test_the_model_validates_plugin_links_and_owns(site: Path, tmp_path: Path) -> None:
    bad = tmp_path / "aligner.yaml"
    text = EXAMPLE.read_text().replace("sheet:ROW-1", "sheet:ROW1")
    bad.write_text(text)
    (tmp_path / "backlog.csv").write_text((EXAMPLE.parent / "backlog.csv").read_text())
    run = aligner(site, "validate", "-c", str(bad))
    assert run.returncode == 2
    assert "malformed link 'sheet:ROW1'" in run.stderr and "sheet:ROW-1" in run.stderr
    bad.write_text(EXAMPLE.read_text().replace("boards: [growth]", "bords: [growth]"))
    run = aligner(site, "validate", "-c", str(bad))
    assert run.returncode == 2 and "owns.sheet.bords: unknown key" in run.stderr
    assert "did you mean 'boards'" in run.stderr
