"""Discovery for `aligner init --from linear`: teams, projects, initiatives in one Workspace read.

Against the stateful fake: every team the key can see (not only `teams:`), one `Found` per
project and team, initiatives with their parents; through the CLI, the drafted aligner.yaml
validates and lists what was discovered as strategy, bets, teams and candidate links.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from aligner.cli import cli
from aligner.errors import ConfigError
from aligner.model.load import load_config
from aligner.plugins.discovery import Found
from aligner_adapters.linear.documents import TEAM_PAGE_SIZE
from tests.fakes.linear import FakeLinear

from .conftest import AdapterFactory
from .workspace import build

TEAMS = (Found("CHK", "Checkout"), Found("PAY", "Payments"), Found("OPS", "Operations"))


def project(fake: FakeLinear, name: str, team: str) -> Found:
    return Found(fake.project(name)["id"], name, team)


def initiative(fake: FakeLinear, name: str, parent: str | None = None) -> Found:
    return Found(fake.initiative(name)["id"], name,
                 fake.initiative(parent)["id"] if parent else None)


def test_discovers_every_visible_team_its_projects_and_the_initiatives(
        fake: FakeLinear, make_adapter: AdapterFactory) -> None:
    build(fake, issues=4)
    found = make_adapter(teams=("CHK",)).discover()  # `teams:` does not narrow discovery
    assert found.tracker == "linear" and found.teams == TEAMS
    assert found.linear_projects == (
        project(fake, "Checkout v2", "CHK"), project(fake, "Wallets", "PAY"),
        project(fake, "Wallets", "CHK"), project(fake, "Side quest", "PAY"),
        project(fake, "Ops tooling", "OPS"))
    assert found.initiatives == (
        initiative(fake, "Grow self-serve"),
        initiative(fake, "Frictionless checkout", "Grow self-serve"),
        initiative(fake, "One-click pay", "Frictionless checkout"),
        initiative(fake, "Legacy cleanup"))
    assert (found.projects, found.components, found.epics) == ((), (), ())


def test_one_workspace_request_unscoped_and_nothing_written(
        fake: FakeLinear, make_adapter: AdapterFactory) -> None:
    build(fake, issues=4)
    adapter = make_adapter(teams=("*",))  # the placeholder `init` passes
    adapter.discover()
    assert [r.name for r in fake.requests] == ["Workspace"] and adapter.request_count == 1
    variables = fake.requests[0].variables
    assert variables["teamFilter"] is None and variables["projectFilter"] is None
    assert variables["labelFilter"] == {"team": {"null": True}}  # workspace labels only
    assert fake.writes == []


def test_many_teams_are_paged_and_a_project_without_team_is_kept(
        fake: FakeLinear, make_adapter: AdapterFactory) -> None:
    keys = [f"T{n:03}" for n in range(TEAM_PAGE_SIZE + 5)]
    for key in keys:
        fake.add_team(key, f"Team {key}")
    orphan = fake.add_project("Unowned")
    found = make_adapter(teams=("T000",)).discover()
    assert [t.key for t in found.teams] == keys
    assert found.linear_projects == (Found(orphan["id"], "Unowned"),)
    assert [r.name for r in fake.requests] == ["Workspace", "Teams"]


def test_the_configured_run_still_reads_only_its_teams(
        fake: FakeLinear, make_adapter: AdapterFactory) -> None:
    build(fake, issues=4)
    adapter = make_adapter(teams=("CHK",))
    adapter.discover()
    projects = {item.title for item in adapter.fetch() if item.key.startswith("project:")}
    assert projects == {"Checkout v2", "Wallets"}  # discovery left the run's scope alone


def test_an_unknown_configured_team_still_fails_the_run_but_not_discovery(
        fake: FakeLinear, make_adapter: AdapterFactory) -> None:
    build(fake, issues=1)
    adapter = make_adapter(teams=("NOPE",))
    assert adapter.discover().teams == TEAMS
    with pytest.raises(ConfigError, match="no Linear team with key 'NOPE'"):
        list(adapter.fetch())


def run(*args: str, key: str = "") -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), env={"LINEAR_API_KEY": key})
    return result.exit_code, result.stdout + result.stderr


def init(target: Path, fake: FakeLinear, key: str | None = None) -> tuple[int, str]:
    return run("init", "--from", "linear", "--url", fake.url, "-c", str(target),
               key=key or fake.api_key)


@pytest.mark.usefixtures("http")
def test_init_from_linear_drafts_a_valid_starter(tmp_path: Path, fake: FakeLinear) -> None:
    build(fake, issues=4)
    target = tmp_path / "aligner.yaml"
    code, out = init(target, fake)
    assert code == 0, out
    assert run("validate", "-c", str(target))[0] == 0
    loaded = load_config(target)
    model, text = loaded.model, target.read_text(encoding="utf-8")
    assert [s.id for s in model.strategy] == ["grow-self-serve", "legacy-cleanup"]
    assert {b.id: b.strategy for b in model.bets} == {
        "frictionless-checkout": "grow-self-serve", "one-click-pay": "grow-self-serve"}
    assert [(t.id, t.name) for t in model.teams] == [
        ("checkout", "Checkout"), ("payments", "Payments"), ("operations", "Operations")]
    assert [o.team for o in model.objectives] == ["checkout", "payments", "operations"]
    assert loaded.trackers["linear"].teams == ["CHK", "PAY", "OPS"]  # type: ignore[attr-defined]
    assert "url: " + fake.url in text and fake.api_key not in text
    assert text.count('"linear:project:Wallets"') == 2  # a candidate for both its teams
    for name in ("Checkout v2", "Side quest", "Ops tooling"):
        assert f'"linear:project:{name}"' in text
    code, out = run("check", "-c", str(target), key=fake.api_key)  # the draft runs as is
    assert code == 1 and "checkout" in out  # findings (nothing is linked yet), no error


@pytest.mark.usefixtures("http")
def test_init_from_linear_with_a_refused_key_names_the_variable(
        tmp_path: Path, fake: FakeLinear) -> None:
    target = tmp_path / "aligner.yaml"
    code, out = init(target, fake, key="lin_api_wrong_key_42")
    assert code == 3 and "LINEAR_API_KEY" in out and "lin_api_wrong_key_42" not in out
    assert not target.exists()
