"""A starter model drafted from a tracker's discovery (`aligner init --from jira|linear`).

Linear initiatives become the strategy (top level) and bets (sub-initiatives); each Jira project
and Linear team becomes a team owning it, with one placeholder objective whose candidate
roadmap items (open epics, projects) are listed as comments for a person to pick.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from aligner.errors import ConfigError
from aligner.init.starter import FOOTER, HEADER, q, quarter, slug
from aligner.logs import register_env_secrets
from aligner.plugins.adapter import AdapterContext, Discoverer
from aligner.plugins.discovery import Discovery, Found
from aligner.plugins.registry import adapter_class

MAX_CANDIDATES = 40  # candidate links listed per objective; the rest are counted


@dataclass
class _Team:
    id: str
    key: str
    name: str
    jira_projects: list[str] = field(default_factory=list)
    linear_teams: list[str] = field(default_factory=list)
    components: list[str] = field(default_factory=list)
    candidates: list[tuple[str, str]] = field(default_factory=list)  # (link, what it is)


def render_discovered(discovery: Discovery, tracker: dict[str, Any], today: date) -> str:
    """The whole starter text."""
    taken: set[str] = set()
    strategy, bets, top = _strategy_and_bets(discovery, taken)
    teams = _teams(discovery, set())
    supports = bets[0][0] if bets else top
    parts = [HEADER, *_strategy_lines(strategy, bets), *_objective_lines(teams, supports, today),
             *_team_lines(teams), _tracker_text(discovery.tracker, _scoped(discovery, tracker)),
             FOOTER]
    return "\n".join(parts)


def _strategy_and_bets(discovery: Discovery, taken: set[str]) -> tuple[
        list[tuple[str, Found]], list[tuple[str, str, Found]], str]:
    """(strategy ids with their initiative, (bet id, strategy id, initiative), first strategy)."""
    by_id = {i.key: i for i in discovery.initiatives}
    strategy = [(slug(i.name or i.key, taken), i) for i in discovery.initiatives
                if i.parent is None or i.parent not in by_id]
    strategy_of = {found.key: sid for sid, found in strategy}
    bets = []
    for initiative in discovery.initiatives:
        root = _root(initiative, by_id)
        if initiative.key not in strategy_of and root.key in strategy_of:
            bets.append((slug(initiative.name or initiative.key, taken),
                         strategy_of[root.key], initiative))
    top = strategy[0][0] if strategy else "grow-revenue"
    return strategy, bets, top


def _root(found: Found, by_id: dict[str, Found]) -> Found:
    seen = {found.key}
    while found.parent in by_id and found.parent not in seen:
        found = by_id[found.parent]
        seen.add(found.key)
    return found


def _strategy_lines(strategy: list[tuple[str, Found]],
                    bets: list[tuple[str, str, Found]]) -> list[str]:
    lines = ["# Company strategy pillars: the top of every trace."]
    if not strategy:
        lines += ["# TODO: your pillars.", "strategy:", "  - id: grow-revenue",
                  "    name: Grow revenue              # TODO", "    status: active", ""]
        return [*lines, "bets: []   # optional: product-strategy bets serving a strategy", ""]
    lines += ["# Drafted from top-level Linear initiatives; keep the real pillars only.",
              "strategy:"]
    for sid, found in strategy:
        lines += [f"  - id: {sid}", f"    name: {q(found.name or found.key)}", "    status: active"]
    lines += ["", "# Bets: drafted from sub-initiatives.", "bets:" if bets else "bets: []"]
    for bid, sid, found in bets:
        lines += [f"  - id: {bid}", f"    name: {q(found.name or found.key)}",
                  f"    strategy: {sid}",
                  f"    links: [{q('linear:initiative:' + (found.name or found.key))}]"]
    return [*lines, ""]


def _teams(discovery: Discovery, taken: set[str]) -> list[_Team]:
    teams: dict[str, _Team] = {}
    for project in discovery.projects:
        team = _team(teams, project, taken)
        team.jira_projects.append(project.key)
        team.components += [c.name or c.key for c in discovery.components
                            if c.parent == project.key]
        team.candidates += [(f"jira:{e.key}", f"epic: {e.name}") for e in discovery.epics
                            if e.parent == project.key]
    for linear_team in discovery.teams:
        team = _team(teams, linear_team, taken)
        team.linear_teams.append(linear_team.key)
        team.candidates += [(f"linear:project:{p.name or p.key}", f"project id {p.key}")
                            for p in discovery.linear_projects if p.parent == linear_team.key]
    return list(teams.values())


def _team(teams: dict[str, _Team], found: Found, taken: set[str]) -> _Team:
    """The team for a Jira project or Linear team; the same key in both trackers is one team."""
    key = found.key.casefold()
    if key not in teams:
        teams[key] = _Team(slug(found.name or found.key, taken), found.key,
                           found.name or found.key)
    return teams[key]


def _objective_lines(teams: list[_Team], supports: str, today: date) -> list[str]:
    start, end = quarter(today)
    number = (start.month - 1) // 3 + 1
    lines = ["# Team objectives (OKRs): one placeholder per team. TODO: the real objectives;",
             "# `links` name the roadmap items (epics, projects) that realise each one.",
             "objectives:" if teams else "objectives: []"]
    for team in teams:
        lines += [f"  - id: {q(f'{team.key.upper()}-Q{number}-1')}",
                  f"    name: {q('TODO: ' + team.name + ' objective for this quarter')}",
                  f"    team: {team.id}", f"    supports: {supports}   # a bet or strategy id",
                  f"    period: {{start: {start}, end: {end}}}",
                  *_candidate_lines(team), "    links: []"]
    return [*lines, ""]


def _candidate_lines(team: _Team) -> list[str]:
    if not team.candidates:
        return []
    lines = ["    # Candidates: replace `links: []` with those that realise this objective:",
             "    # links:"]
    for link, what in team.candidates[:MAX_CANDIDATES]:
        lines.append(f"    #   - {q(link)}   # {_one_line(what)}")
    if len(team.candidates) > MAX_CANDIDATES:
        lines.append(f"    #   … and {len(team.candidates) - MAX_CANDIDATES} more")
    return lines


def _team_lines(teams: list[_Team]) -> list[str]:
    lines = ["# Teams and the areas they own. TODO: check names; add the components and",
             "# labels each team owns (an area claimed by two teams is AL204).",
             "teams:" if teams else "teams: []"]
    for team in teams:
        lines += [f"  - id: {team.id}", f"    name: {q(team.name)}", "    owns:"]
        if team.jira_projects:
            projects = ", ".join(q(p) for p in team.jira_projects)
            lines.append(f"      jira: {{projects: [{projects}], components: []}}")
            if team.components:
                names = ", ".join(_one_line(c) for c in team.components[:MAX_CANDIDATES])
                lines.append(f"      # components in {'/'.join(team.jira_projects)}: {names}")
        if team.linear_teams:
            keys = ", ".join(q(k) for k in team.linear_teams)
            lines.append(f"      linear: {{teams: [{keys}]}}")
        lines.append("      labels: []")
    return [*lines, ""]


def _scoped(discovery: Discovery, section: dict[str, Any]) -> dict[str, Any]:
    """The tracker section with its scope set to what was discovered."""
    scoped = dict(section)
    if discovery.tracker == "jira" and discovery.projects and not scoped.get("jql"):
        keys = ", ".join(p.key if re.fullmatch(r"[A-Z][A-Z0-9_]*", p.key) else q(p.key)
                         for p in discovery.projects)
        scoped["jql"] = f"project in ({keys}) AND statusCategory != Done"
    if discovery.tracker == "linear" and discovery.teams:
        scoped["teams"] = [t.key for t in discovery.teams]
    return scoped


def _tracker_text(name: str, section: dict[str, Any]) -> str:
    body = str(yaml.safe_dump({"trackers": {name: section}}, sort_keys=False,
                              default_flow_style=None, allow_unicode=True))
    return "# Where the backlog lives. Secrets stay in environment variables.\n" + body


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def tracker_section(tracker: str, *, url: str | None = None, email_env: str = "JIRA_EMAIL",
                    token_env: str = "JIRA_API_TOKEN", pat_env: str | None = None,
                    api_key_env: str = "LINEAR_API_KEY") -> dict[str, Any]:
    """The `trackers.<tracker>` section `init --from` writes (env var names, never secrets)."""
    if tracker == "jira":
        if not url:
            raise ConfigError("init --from jira needs the site: --url https://your-site."
                              "atlassian.net (or set JIRA_URL)")
        auth = {"pat_env": pat_env} if pat_env else {"email_env": email_env,
                                                     "token_env": token_env}
        return {"url": url, "auth": auth}
    section: dict[str, Any] = {"api_key_env": api_key_env}
    if url:
        section["url"] = url
    return section


def discover(tracker: str, section: dict[str, Any], env: Mapping[str, str],
             base_dir: Path, teams: tuple[str, ...] = ()) -> Discovery:
    """Ask the tracker's adapter for its `Discovery` (the optional `Discoverer` protocol)."""
    register_env_secrets({tracker: section}, env)
    placeholders: dict[str, dict[str, Any]] = {
        "jira": {"jql": "order by key"}, "linear": {"teams": list(teams) or ["*"]}}
    cls = adapter_class(tracker)
    try:
        settings = cls.Settings.model_validate({**section, **placeholders.get(tracker, {})})
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ConfigError(f"init --from {tracker}: {where}: {first['msg']}") from None
    adapter = cls(settings, AdapterContext(base_dir=base_dir, env=env))
    if not isinstance(adapter, Discoverer):
        raise ConfigError(f"the {tracker} adapter cannot discover projects yet; run "
                          "`aligner init` without --from for the offline starter")
    return adapter.discover()
