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
VALUES = {"$MIN_ALIGNED": "0.8", "$FAIL_ON": "error", "$ALIGNER_STATE": ".aligner/state.db",
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
    assert '--format markdown >> "$GITHUB_STEP_SUMMARY"' in check and "--min-aligned" in check
    sync = (CI / "github-sync.yml").read_text(encoding="utf-8")
    assert "actions/cache/restore@" in sync and "actions/cache/save@" in sync
    assert "secrets.JIRA_API_TOKEN" in sync and "schedule:" in sync
