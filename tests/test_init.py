"""`aligner init`: the starter validates, never overwrites by accident, drafts from discovery."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from aligner.init import discovered as starter_discovered
from aligner.cli import cli
from aligner.init.discovered import render_discovered, tracker_section
from aligner.init.starter import offline_starter, quarter, slug
from aligner.model.load import load_config
from aligner.plugins.discovery import Discovery, Found


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


JIRA = Discovery("jira", projects=(Found("CHK", "Checkout"), Found("PAY", 'Pay "core" #1: x')),
                 components=(Found("Cart", parent="CHK"),),
                 epics=(Found("CHK-100", "Redesign: phase #2 # not a comment", parent="CHK"),))
LINEAR = Discovery("linear", teams=(Found("GRO", "Growth"), Found("CHK", "Checkout")),
                   linear_projects=(Found("p-1", "Onboarding: revamp", "GRO"),),
                   initiatives=(Found("i-1", "Grow self-serve"), Found("i-2", "Checkout", "i-1"),
                                Found("i-3", "Nested", "i-2")))


@pytest.mark.parametrize("discovery", [JIRA, LINEAR], ids=["jira", "linear"])
def test_discovered_starter_validates(tmp_path: Path, discovery: Discovery) -> None:
    section = tracker_section(discovery.tracker, url="https://acme.atlassian.net"
                              if discovery.tracker == "jira" else None)
    target = tmp_path / "aligner.yaml"
    target.write_text(render_discovered(discovery, section, date(2026, 11, 15)), "utf-8")
    model = load_config(target).model
    assert [t.id for t in model.teams] == [slug(f.name) for f in
                                           (discovery.projects or discovery.teams)]
    assert all(o.period and o.period.start == date(2026, 10, 1) for o in model.objectives)


def test_jira_draft_scopes_the_jql_and_lists_epics_as_candidates(tmp_path: Path) -> None:
    text = render_discovered(JIRA, tracker_section("jira", url="https://acme.atlassian.net"),
                             date(2026, 11, 15))
    assert "project in (CHK, PAY) AND statusCategory != Done" in text
    assert '#   - "jira:CHK-100"   # epic: Redesign: phase #2 # not a comment' in text
    assert "# components in CHK: Cart" in text


def test_linear_draft_turns_initiatives_into_strategy_and_bets(tmp_path: Path) -> None:
    target = tmp_path / "aligner.yaml"
    target.write_text(render_discovered(LINEAR, tracker_section("linear"), date(2026, 11, 15)),
                      "utf-8")
    loaded = load_config(target)
    assert [s.id for s in loaded.model.strategy] == ["grow-self-serve"]
    assert {b.id: b.strategy for b in loaded.model.bets} == {"checkout": "grow-self-serve",
                                                             "nested": "grow-self-serve"}
    assert [t.id for t in loaded.model.teams] == ["growth", "checkout"]
    assert loaded.trackers["linear"].teams == ["GRO", "CHK"]  # type: ignore[attr-defined]


class _Discovering:
    """A stand-in adapter class implementing the optional Discoverer protocol."""

    def __init__(self, settings: Any, context: Any) -> None:
        self.settings = settings

    def discover(self) -> Discovery:
        return JIRA


class _Blind:
    def __init__(self, settings: Any, context: Any) -> None:
        pass


@pytest.fixture
def adapter(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    def use(cls: type) -> None:
        real = starter_discovered.adapter_class

        class Adapter(cls):  # type: ignore[misc, valid-type]
            Settings = real("jira").Settings

        monkeypatch.setattr(starter_discovered, "adapter_class", lambda name: Adapter)
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
