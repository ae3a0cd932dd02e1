"""The package users install is `backlog-aligner`, and it provides the `aligner` command.

The name `aligner` on the package index belongs to an unrelated project (issue #18), so every
install line in the README and the CI examples must name `backlog-aligner`. The wheel is built
offline (setuptools and wheel are in the test extras) from a copy of the source tree, so the
build's `build/` and `*.egg-info` folders never land in the working tree.
"""

from __future__ import annotations

import configparser
import re
import shutil
import subprocess
import sys
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ("pyproject.toml", "README.md", "aligner", "adapters", "rules")
DISTRIBUTION = "backlog-aligner"
# An install command followed by its first argument that is not an option.
INSTALL = re.compile(r"\b(?:pip|pipx|uv pip|uv tool)\s+install\s+((?:-\S+\s+)*)(\S+)")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    source = tmp_path_factory.mktemp("source")
    for name in SOURCES:
        path = ROOT / name
        if path.is_dir():
            shutil.copytree(path, source / name,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(path, source / name)
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps",
                    "--no-build-isolation", "-w", str(out), str(source)],
                   check=True, capture_output=True, text=True, timeout=300)
    (built,) = out.glob("*.whl")
    return zipfile.ZipFile(built)


def dist_info(wheel: zipfile.ZipFile, name: str) -> str:
    (path,) = [n for n in wheel.namelist() if n.endswith(f".dist-info/{name}")]
    return wheel.read(path).decode("utf-8")


def test_the_wheel_is_named_backlog_aligner(wheel: zipfile.ZipFile) -> None:
    metadata = Parser().parsestr(dist_info(wheel, "METADATA"))
    assert metadata["Name"] == DISTRIBUTION
    assert Path(wheel.filename or "").name.startswith("backlog_aligner-")


def test_the_wheel_provides_the_aligner_command_and_the_plugins(wheel: zipfile.ZipFile) -> None:
    points = configparser.ConfigParser()
    points.read_string(dist_info(wheel, "entry_points.txt"))
    assert points["console_scripts"]["aligner"] == "aligner.cli:main"
    assert {"jira", "linear", "file"} <= set(points["aligner.adapters"])
    names = set(wheel.namelist())
    assert {"aligner/cli/__init__.py", "aligner_adapters/jira/tracker.py",
            "aligner_adapters/linear/schema.graphql", "aligner_rules/trace.py"} <= names


def install_lines() -> list[tuple[str, str]]:
    files = [ROOT / "README.md", *sorted((ROOT / "examples" / "ci").glob("*.yml")),
             ROOT / "examples" / "ci" / "crontab"]
    found = []
    for path in files:
        for line in path.read_text(encoding="utf-8").splitlines():
            for match in INSTALL.finditer(line):
                found.append((f"{path.name}: {line.strip()}", match.group(2).strip("\"'")))
    return found


def is_local(target: str) -> bool:
    """`pip install .` / `-e '.[test]'` install this checkout, whatever its name."""
    return target.startswith((".", "/", "-"))


def test_every_install_line_names_backlog_aligner() -> None:
    lines = install_lines()
    published = [(line, target) for line, target in lines if not is_local(target)]
    assert published, "the README and the CI examples must say how to install aligner"
    for line, target in published:
        assert re.match(r"backlog-aligner\b", target), line
    ci = [line for line, _ in published if not line.startswith("README.md")]
    assert len(ci) >= 3, ci  # both workflows and the crontab


def test_the_readme_documents_pipx_install_backlog_aligner() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    top = readme.split("\n## ", 1)[0]
    assert "pipx install backlog-aligner" in top
    for section in ("## Connecting to Jira", "## Connecting to Linear"):
        body = readme.split(section, 1)[1].split("\n## ", 1)[0]
        assert "pipx install backlog-aligner" in body, section
    assert not re.search(r"pip install [\"']?aligner\b", readme)
