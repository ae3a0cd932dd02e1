"""The CI examples stay in step with the CLI: every `aligner …` line in them parses."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import click
import pytest
import yaml

from aligner.cli import cli

CI = Path(__file__).parents[1] / "examples" / "ci"
VALUES = {"$MIN_ALIGNED": "80%", "$FAIL_ON": "error", "$ALIGNER_STATE": ".aligner/state.db",
          "$DRY_RUN": "--dry-run", "$GITHUB_STEP_SUMMARY": "summary.md"}
GROUP_FLAGS = {"-q", "--quiet", "-v", "-vv", "--verbose"}


def workflow_scripts(path: Path) -> list[str]:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [step["run"] for job in document["jobs"].values() for step in job["steps"]
            if "run" in step]


def aligner_commands(script: str) -> list[list[str]]:
    joined = script.replace("\\\n", " ")
    commands = []
    for match in re.finditer(r"(?:(?<=\s)|(?<=^)|(?<=/bin/))aligner\s+([^;>|&\n]+)", joined):
        text = match.group(1)
        for name, value in VALUES.items():
            text = text.replace(f'"{name}"', value).replace(name, value)
        commands.append([a for a in shlex.split(text) if a not in GROUP_FLAGS])
    return commands


def all_commands() -> list[list[str]]:
    scripts = [s for f in sorted(CI.glob("*.yml")) for s in workflow_scripts(f)]
    scripts += [line for line in (CI / "crontab").read_text("utf-8").splitlines()
                if line and not line.startswith("#")]
    return [c for s in scripts for c in aligner_commands(s)]


def test_examples_use_every_kind_of_command() -> None:
    used = {c[0] for c in all_commands()}
    assert {"sync", "check", "validate", "history"} <= used


@pytest.mark.parametrize("args", all_commands(), ids=lambda a: " ".join(a)[:60])
def test_command_line_parses(args: list[str]) -> None:
    command = cli.commands[args[0]]
    with click.Context(cli) as parent:
        command.make_context(args[0], args[1:], parent=parent)  # raises on unknown options


def test_workflows_gate_on_the_exit_code_and_cache_the_state() -> None:
    check = "\n".join(workflow_scripts(CI / "github-planning-check.yml"))
    assert '--report markdown:"$GITHUB_STEP_SUMMARY"' in check and "--min-aligned" in check
    sync = (CI / "github-sync.yml").read_text(encoding="utf-8")
    assert "actions/cache/restore@" in sync and "actions/cache/save@" in sync
    assert "secrets.JIRA_API_TOKEN" in sync and "schedule:" in sync


def test_planning_check_fetches_once_for_every_report() -> None:
    checks = [c for s in workflow_scripts(CI / "github-planning-check.yml")
              for c in aligner_commands(s) if c[0] == "check"]
    assert len(checks) == 1
    reports = [a for a in checks[0] if a.startswith(("html:", "json:", "junit:", "csv:"))]
    assert reports == ["html:aligner-report.html", "json:aligner-report.json",
                       "junit:aligner-junit.xml", "csv:aligner-findings.csv"]
    uploaded = yaml.safe_load((CI / "github-planning-check.yml").read_text("utf-8"))
    steps = uploaded["jobs"]["check"]["steps"]
    paths = next(s["with"]["path"] for s in steps if "upload-artifact" in s.get("uses", ""))
    assert all(r.split(":", 1)[1] in paths for r in reports)


def test_examples_install_the_backlog_aligner_distribution() -> None:
    for path in sorted(CI.iterdir()):
        text = path.read_text("utf-8")
        assert '"aligner==' not in text and "install aligner" not in text.replace(
            "Install aligner", "")
        if "pip install" in text:
            assert '"backlog-aligner==0.1.*"' in text
