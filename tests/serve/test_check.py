"""`aligner serve --check` on the fakes: 0 when ready, 2 (one line) for a missing secret,
3 when a tracker cannot be reached. Nothing is served, nothing is written."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

import aligner.serve.run as serve_run
from aligner.cli import cli
from tests.serve.harness import SECRET, configure
from tests.sync.harness import Harness
from tests.sync.jira_harness import JiraHarness
from tests.sync.linear_harness import LinearHarness


@pytest.fixture(params=["jira", "linear"])
def h(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
      ) -> Iterator[Harness]:
    harness = JiraHarness(tmp_path) if request.param == "jira" else LinearHarness(tmp_path)
    real = serve_run.open_adapters

    def no_sleep(config: Any, sources: Any, env: Any, options: Any = None) -> Any:
        return real(config, sources, env, {**(options or {}), "sleep": harness.sleeps.append})

    monkeypatch.setattr(serve_run, "open_adapters", no_sleep)  # retries wait for nothing
    for name, value in harness.env().items():
        monkeypatch.setenv(name, value)
    with harness.running():
        configure(harness)
        yield harness


def serve_check(h: Harness) -> Any:
    return CliRunner().invoke(cli, ["serve", "--check", "-c", str(h.tmp / "aligner.yaml")])


def test_ready_settings_exit_0(h: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOOK_SECRET", SECRET)
    h.reset_requests()
    done = serve_check(h)
    assert done.exit_code == 0, done.output
    assert "serve settings are valid" in done.output
    assert f"{h.name}: reachable" in done.output and "(set)" in done.output
    assert h.write_requests() == 0 and not (h.tmp / "state.db").exists()


def test_a_missing_secret_env_var_is_exit_2_in_one_line(h: Harness,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HOOK_SECRET", raising=False)
    done = serve_check(h)
    assert done.exit_code == 2, done.output
    lines = done.output.strip().splitlines()
    assert len(lines) == 1 and "HOOK_SECRET" in lines[0], lines


def test_an_unreachable_tracker_is_exit_3(h: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOOK_SECRET", SECRET)
    path = h.tmp / "aligner.yaml"
    model = yaml.safe_load(path.read_text())
    model["trackers"][h.name]["url"] = "https://unreachable.invalid"  # nothing answers there
    path.write_text(yaml.safe_dump(model, sort_keys=False))
    done = serve_check(h)
    assert done.exit_code == 3, done.output
    assert f"{h.name}: not reachable" in done.output
