"""`aligner init`: the starter validates, never overwrites by accident, drafts from discovery."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from aligner.cli import cli
from aligner.init import trackers as init_trackers
from aligner.init.discovered import render_discovered
from aligner.init.starter import offline_starter, quarter, slug
from aligner.model.load import load_config
from aligner.plugins import registry
from aligner.plugins.discovery import (
    Discovery,
    InitOptions,
    RoadmapCandidate,
    StrategyCandidate,
    TeamCandidate,
)


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_offline_starter_validates(tmp_path: Path) -> None:
    target = tmp_path / "aligner.yaml"
    code, out, _ = invoke("init", "-c", str(target))
    assert code == 0 and "wrote" in out
    assert "TODO" in target.read_text(encoding="utf-8")
    code, out, _ = invoke("validate", "-c", str(target))
    assert code == 0, out


@pytest.mark.parametrize("tracker", ["jira", "linear", "file"])
def test_each_commented_tracker_validates_once_uncommented(tmp_path: Path, tracker: str) -> None:
    lines = offline_starter(date(2026, 11, 15)).splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"#  {tracker}:"))
    block = []
    for line in lines[start:]:
        if block and not line.startswith("#    "):
            break
        block.append(line[1:])
    text = "\n".join(lines).replace("trackers: {}", "trackers:\n" + "\n".join(block))
    target = tmp_path / "aligner.yaml"
    target.write_text(text, encoding="utf-8")
    assert tracker in load_config(target).trackers


def test_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    target = tmp_path / "aligner.yaml"
    target.write_text("mine\n", encoding="utf-8")
    code, _, err = invoke("init", "-c", str(target))
    assert code == 2 and "already exists; pass --force" in err
    assert target.read_text(encoding="utf-8") == "mine\n"
    assert invoke("init", "-c", str(target), "--force")[0] == 0
    assert target.read_text(encoding="utf-8") != "mine\n"


def test_quarter_and_slug() -> None:
    assert quarter(date(2026, 11, 15)) == (date(2026, 10, 1), date(2026, 12, 31))
    assert quarter(date(2027, 2, 28)) == (date(2027, 1, 1), date(2027, 3, 31))
    taken: set[str] = set()
    assert [slug("Grow: Self-serve!", taken), slug("grow self serve", taken)] == [
        "grow-self-serve", "grow-self-serve-2"]


JIRA = Discovery(
    "jira",
    teams=(TeamCandidate("CHK", "Checkout", {"projects": ["CHK"], "components": []},
                         ("components in CHK: Cart",),
                         (RoadmapCandidate("jira:CHK-100",
                                           "epic: Redesign: phase #2 # not a comment"),)),
           TeamCandidate("PAY", 'Pay "core" #1: x', {"projects": ["PAY"], "components": []})),
    scope={"jql": "project in (CHK, PAY) AND statusCategory != Done"})
LINEAR = Discovery(
    "linear",
    teams=(TeamCandidate("GRO", "Growth", {"teams": ["GRO"]},
                         roadmap=(RoadmapCandidate("linear:project:Onboarding: revamp",
                                                   "project id p-1"),)),
           TeamCandidate("CHK", "Checkout", {"teams": ["CHK"]})),
    strategy=(StrategyCandidate("i-1", "Grow self-serve"),
              StrategyCandidate("i-2", "Checkout", "i-1", "linear:initiative:Checkout"),
              StrategyCandidate("i-3", "Nested", "i-2", "linear:initiative:Nested")),
    scope={"teams": ["GRO", "CHK"]},
    strategy_from="top-level Linear initiatives", bets_from="sub-initiatives")


def section_for(tracker: str) -> dict[str, Any]:
    url = "https://acme.atlassian.net" if tracker == "jira" else None
    return init_trackers.starter_section(tracker, InitOptions(url))


def draft(tmp_path: Path, discovery: Discovery) -> tuple[Any, str]:
    """The loaded starter drafted from `discovery`, and its text."""
    target = tmp_path / "aligner.yaml"
    text = render_discovered(discovery, section_for(discovery.tracker), date(2026, 11, 15))
    target.write_text(text, "utf-8")
    return load_config(target), text


@pytest.mark.parametrize("discovery", [JIRA, LINEAR], ids=["jira", "linear"])
def test_discovered_starter_validates(tmp_path: Path, discovery: Discovery) -> None:
    model = draft(tmp_path, discovery)[0].model
    assert [t.id for t in model.teams] == [slug(t.name) for t in discovery.teams]
    assert all(o.period and o.period.start == date(2026, 10, 1) for o in model.objectives)


def test_jira_draft_scopes_the_jql_and_lists_epics_as_candidates(tmp_path: Path) -> None:
    loaded, text = draft(tmp_path, JIRA)
    assert "project in (CHK, PAY) AND statusCategory != Done" in text
    assert '#   - "jira:CHK-100"   # epic: Redesign: phase #2 # not a comment' in text
    assert "      # components in CHK: Cart" in text
    assert '      jira: {projects: ["CHK"], components: []}' in text
    assert [o.links for o in loaded.model.objectives] == [(), ()]  # candidates stay comments


def test_linear_draft_turns_initiatives_into_strategy_and_bets(tmp_path: Path) -> None:
    loaded, text = draft(tmp_path, LINEAR)
    assert [s.id for s in loaded.model.strategy] == ["grow-self-serve"]
    assert {b.id: b.strategy for b in loaded.model.bets} == {"checkout": "grow-self-serve",
                                                             "nested": "grow-self-serve"}
    assert [t.id for t in loaded.model.teams] == ["growth", "checkout"]
    assert loaded.trackers["linear"].teams == ["GRO", "CHK"]  # type: ignore[attr-defined]
    assert "# Drafted from top-level Linear initiatives" in text
    assert '      linear: {teams: ["GRO"]}' in text


def test_roadmap_items_filed_under_a_bet_are_linked_by_an_objective_supporting_it(
        tmp_path: Path) -> None:
    """Only objectives' links trace (bets' links do not): the draft links what it can."""
    teams = (TeamCandidate("GRO", "Growth", {"teams": ["GRO"]}, roadmap=(
        RoadmapCandidate("linear:project:Wallets", "project id p-1", serves="i-3"),
        RoadmapCandidate("linear:project:Pay links", "project id p-2", serves="i-3"),
        RoadmapCandidate("linear:project:Loose", "project id p-3"),
        RoadmapCandidate("linear:project:Old", "project id p-4", serves="i-4"))),)
    strategy = (*LINEAR.strategy, StrategyCandidate("i-4", "Done", "i-1", retired=True))
    loaded, text = draft(tmp_path, Discovery("linear", teams, strategy, LINEAR.scope))
    objectives = loaded.model.objectives
    assert [(o.id, o.supports, o.links) for o in objectives] == [
        ("GRO-Q4-1", "nested", ("linear:project:Wallets", "linear:project:Pay links")),
        ("GRO-Q4-2", "checkout", ())]  # the rest: candidates under a placeholder
    assert '#   - "linear:project:Loose"' in text and '#   - "linear:project:Old"' in text
    assert objectives[0].name == "TODO: Growth objective for Nested"


def test_retired_strategy_candidates_are_drafted_retired(tmp_path: Path) -> None:
    strategy = (StrategyCandidate("i-1", "Grow self-serve"),
                StrategyCandidate("i-2", "Old bet", "i-1", retired=True),
                StrategyCandidate("i-3", "Sunset", retired=True),
                StrategyCandidate("i-4", "Live bet", "i-1"))
    loaded = draft(tmp_path, Discovery("linear", LINEAR.teams, strategy, LINEAR.scope))[0]
    model = loaded.model
    assert {s.id: s.status for s in model.strategy} == {"grow-self-serve": "active",
                                                        "sunset": "retired"}
    assert {b.id: b.status for b in model.bets} == {"old-bet": "retired", "live-bet": "active"}
    assert {o.supports for o in model.objectives} == {"live-bet"}  # never a retired one


def test_the_cli_offers_the_trackers_that_can_draft() -> None:
    assert init_trackers.draftable() == ["jira", "linear"]
    assert "[jira|linear]" in invoke("init", "--help")[1]
    code, _, err = invoke("init", "--from", "file")
    assert code == 2 and "'file' is not one of 'jira', 'linear'" in err


def test_credential_options_reach_the_section_defaults_come_from_the_tracker() -> None:
    jira = init_trackers.starter_section
    url = "https://acme.atlassian.net"
    assert jira("jira", InitOptions(url))["auth"] == {"email_env": "JIRA_EMAIL",
                                                      "token_env": "JIRA_API_TOKEN"}
    assert jira("jira", InitOptions(url, {"pat": "MY_PAT"}))["auth"] == {"pat_env": "MY_PAT"}
    assert jira("linear", InitOptions(None, {"api_key": "KEY"})) == {"api_key_env": "KEY"}


class _Discovering:
    """A stand-in adapter implementing the optional Discoverer protocol."""

    def discover(self) -> Discovery:
        return JIRA


class _Blind:
    pass


@pytest.fixture
def adapter(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Make the jira tracker build the given stand-in instead of its adapter."""
    def use(cls: type) -> None:
        real = registry.tracker("jira")
        monkeypatch.setattr(real, "adapter", lambda settings, context: cls(),
                            raising=False)
    yield use


def test_init_from_jira_uses_discovery(tmp_path: Path, adapter: Any) -> None:
    adapter(_Discovering)
    target = tmp_path / "aligner.yaml"
    code, _, err = invoke("init", "--from", "jira", "--url", "https://acme.atlassian.net",
                          "-c", str(target))
    assert code == 0, err
    assert invoke("validate", "-c", str(target))[0] == 0
    assert "jira:CHK-100" in target.read_text(encoding="utf-8")


def test_init_from_a_tracker_without_discovery_says_so(tmp_path: Path, adapter: Any) -> None:
    adapter(_Blind)
    code, _, err = invoke("init", "--from", "jira", "--url", "https://acme.atlassian.net",
                          "-c", str(tmp_path / "aligner.yaml"))
    assert code == 2 and "cannot discover" in err and "without --from" in err
    assert not (tmp_path / "aligner.yaml").exists()


def test_init_from_jira_needs_a_url(tmp_path: Path) -> None:
    code, _, err = invoke("init", "--from", "jira", "-c", str(tmp_path / "a.yaml"))
    assert code == 2 and "--url" in err


def test_a_draft_carries_a_commented_allocation_that_validates_uncommented(
        tmp_path: Path) -> None:
    from aligner.plugins.discovery import BucketCandidate

    discovery = Discovery(
        "jira", teams=(TeamCandidate("CHK", "Checkout", {"projects": ["CHK"]}),),
        strategy=(StrategyCandidate("1", "Grow revenue"), StrategyCandidate("2", "Expand")),
        buckets=(BucketCandidate("keep-the-lights-on", "Bugs", {"issue_types": ["Bug"]}),),
        scope={"jql": "project = CHK"})
    text = render_discovered(discovery, section_for("jira"), date(2026, 11, 15))
    assert "# allocation:" in text and "\nallocation:" not in text  # drafted, commented out
    start = text.index("# allocation:")
    block = text[start:text.index("\n\n", start)]
    uncommented = text.replace(block, "\n".join(line[2:] for line in block.splitlines()))
    target = tmp_path / "aligner.yaml"
    target.write_text(uncommented, encoding="utf-8")
    allocation = load_config(target).model.allocation
    assert allocation is not None
    assert allocation.strategy == {"grow-revenue": 0.4, "expand": 0.4}
    assert allocation.buckets["keep-the-lights-on"].share == 0.2
    assert allocation.buckets["keep-the-lights-on"].match[0].issue_types == ("Bug",)
