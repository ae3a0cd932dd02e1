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
from aligner.plugins.discovery import RoadmapCandidate, StrategyCandidate
from aligner_adapters.linear.documents import TEAM_PAGE_SIZE
from tests.fakes.linear import FakeLinear

from .conftest import AdapterFactory
from .workspace import build

TEAMS = (("CHK", "Checkout"), ("PAY", "Payments"), ("OPS", "Operations"))


def project(fake: FakeLinear, name: str, initiative: str | None = None) -> RoadmapCandidate:
    return RoadmapCandidate(f"linear:project:{name}", f"project id {fake.project(name)['id']}",
                            fake.initiative(initiative)["id"] if initiative else None)


def initiative(fake: FakeLinear, name: str, parent: str | None = None,
               retired: bool = False) -> StrategyCandidate:
    return StrategyCandidate(fake.initiative(name)["id"], name,
                             fake.initiative(parent)["id"] if parent else None,
                             f"linear:initiative:{name}", retired)


def test_discovers_every_visible_team_its_projects_and_the_initiatives(
        fake: FakeLinear, make_adapter: AdapterFactory) -> None:
    build(fake, issues=4)
    found = make_adapter(teams=("CHK",)).discover()  # `teams:` does not narrow discovery
    assert found.tracker == "linear"
    assert [(t.key, t.name, t.owns) for t in found.teams] == [
        (key, name, {"teams": [key]}) for key, name in TEAMS]
    assert [t.roadmap for t in found.teams] == [
        (project(fake, "Checkout v2", "Frictionless checkout"),
         project(fake, "Wallets", "One-click pay")),
        (project(fake, "Wallets", "One-click pay"), project(fake, "Side quest")),
        (project(fake, "Ops tooling"),)]
    assert found.strategy == (
        initiative(fake, "Grow self-serve"),
        initiative(fake, "Frictionless checkout", "Grow self-serve"),
        initiative(fake, "One-click pay", "Frictionless checkout"),
        initiative(fake, "Legacy cleanup"))
    assert found.scope == {"teams": ["CHK", "PAY", "OPS"]}


def test_completed_and_canceled_initiatives_are_retired(
        fake: FakeLinear, make_adapter: AdapterFactory) -> None:
    fake.add_team("CHK", "Checkout")
    for status in ("Planned", "Active", "Completed", "Canceled"):
        fake.add_initiative(status, status=status)
    found = make_adapter(teams=("CHK",)).discover()
    assert {s.name: s.retired for s in found.strategy} == {
        "Planned": False, "Active": False, "Completed": True, "Canceled": True}


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
    assert all(t.roadmap == () for t in found.teams)  # a project of no team: nobody's
    assert orphan["name"] == "Unowned"
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
    assert [t.key for t in adapter.discover().teams] == ["CHK", "PAY", "OPS"]
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
    fake.add_initiative("Old pillar", status="Completed")
    target = tmp_path / "aligner.yaml"
    code, out = init(target, fake)
    assert code == 0, out
    assert run("validate", "-c", str(target))[0] == 0
    loaded = load_config(target)
    model, text = loaded.model, target.read_text(encoding="utf-8")
    assert [(s.id, s.status) for s in model.strategy] == [
        ("grow-self-serve", "active"), ("legacy-cleanup", "active"), ("old-pillar", "retired")]
    assert {b.id: b.strategy for b in model.bets} == {
        "frictionless-checkout": "grow-self-serve", "one-click-pay": "grow-self-serve"}
    assert [(t.id, t.name) for t in model.teams] == [
        ("checkout", "Checkout"), ("payments", "Payments"), ("operations", "Operations")]
    assert loaded.trackers["linear"].teams == ["CHK", "PAY", "OPS"]  # type: ignore[attr-defined]
    assert "url: " + fake.url in text and fake.api_key not in text
    # projects filed under an initiative are linked by an objective supporting its bet
    assert [(o.team, o.supports, o.links) for o in model.objectives] == [
        ("checkout", "frictionless-checkout", ("linear:project:Checkout v2",)),
        ("checkout", "one-click-pay", ("linear:project:Wallets",)),
        ("payments", "one-click-pay", ("linear:project:Wallets",)),
        ("payments", "frictionless-checkout", ()),  # placeholder: Side quest is a candidate
        ("operations", "frictionless-checkout", ())]
    for name in ("Side quest", "Ops tooling"):
        assert f'#   - "linear:project:{name}"' in text
    code, out = run("check", "-c", str(target), key=fake.api_key)  # the draft runs as is
    assert code == 1, out  # findings (Side quest is not linked), no error
    assert "checkout" in out


@pytest.mark.usefixtures("http")
def test_init_from_linear_with_a_refused_key_names_the_variable(
        tmp_path: Path, fake: FakeLinear) -> None:
    target = tmp_path / "aligner.yaml"
    code, out = init(target, fake, key="lin_api_wrong_key_42")
    assert code == 3 and "LINEAR_API_KEY" in out and "lin_api_wrong_key_42" not in out
    assert not target.exists()
