"""`aligner init`: a starter `aligner.yaml`, offline or drafted from a tracker's discovery.

The file is written as text so it can carry comments saying what to fill in; every value that
comes from a tracker is emitted as a JSON string (a valid YAML double-quoted scalar), so names
with colons, quotes or `#` cannot break the YAML.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from aligner.errors import ConfigError
from aligner.plugins import registry
from aligner.plugins.discovery import SectionExample
from aligner.plugins.tracker import Tracker

HEADER = """\
# aligner.yaml: the operating model aligner checks the backlog against
# (company strategy -> bets -> team objectives -> roadmap items -> backlog).
# Fill in the parts marked TODO, then:
#   aligner validate      # checks this file only
#   aligner check         # reads the trackers and reports; never writes
# Editor completion: run `aligner schema -o aligner.schema.json`; the next line points
# YAML-language-server editors (VS Code YAML, …) at it.
# yaml-language-server: $schema=aligner.schema.json

version: 1
"""

TRACKERS_INTRO = """\
# Where the backlog lives. Replace {} with one or more of these; secrets stay in env vars.
trackers: {}
"""

FOOTER = """\
rules:
  select: ["AL"]          # rule codes, prefixes or names; `aligner rules` lists them
  ignore: []
  options: {AL301: {min_aligned: 0.8}}   # each team: at least 80% of open items aligned

# Time-boxed, owned exceptions, e.g.:
#  - items: ["PROJ-12"]
#    codes: [AL101]
#    reason: Keep-the-lights-on work funded separately
#    owner: you@example.com
#    expires: 2027-03-31
waivers: []

writeback:                # what `aligner sync` writes on tickets
  label_prefix: "aligner:"
  comment: true
  on_resolve: delete      # delete | keep
  waive_label: "aligner:waive"
  max_writes: 500
"""


def q(value: Any) -> str:
    """A YAML-safe double-quoted scalar."""
    return json.dumps(value, ensure_ascii=False)


def slug(text: str, taken: set[str] | None = None) -> str:
    """A lowercase kebab-case id, unique within `taken` (which it extends)."""
    base = re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-") or "item"
    candidate, n = base, 2
    while taken is not None and candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    if taken is not None:
        taken.add(candidate)
    return candidate


def quarter(today: date) -> tuple[date, date]:
    """The calendar quarter containing `today`."""
    first = 3 * ((today.month - 1) // 3) + 1
    start = date(today.year, first, 1)
    following = date(today.year + 1, 1, 1) if first == 10 else date(today.year, first + 3, 1)
    return start, following - timedelta(days=1)


def offline_starter(today: date | None = None) -> str:
    """A commented template for an organisation of one team; nothing is contacted.

    The tracker-specific parts (example links, `owns.<tracker>`, the commented `trackers:`
    sections) come from the installed tracker plugins.
    """
    start, end = quarter(today or date.today())
    plugins = registry.trackers()
    body = f"""\

# Company strategy pillars: the top of every trace. TODO: your pillars.
strategy:
  - id: grow-revenue
    name: Grow revenue              # TODO
    status: active                  # active | retired

# Optional: product-strategy bets between a strategy and team objectives.
bets:
  - id: example-bet
    name: An example bet            # TODO
    strategy: grow-revenue
    # links: {flow(_examples(plugins, target=False))}

# Team objectives (OKRs), each owned by one team. `links` name the roadmap items (epics,
# projects…) that realise them: their issues are then traced to the strategy.
objectives:
  - id: EXAMPLE-1
    name: An example objective      # TODO
    team: example-team
    supports: example-bet           # a bet id or a strategy id
    period: {{start: {start}, end: {end}}}
    # contributors: [other-team]    # other teams allowed to work on it
    # key_results: ["Metric from X to Y"]
    links: []                       # TODO, e.g. {flow(_examples(plugins, target=True))}

# Teams and the areas they own (`owns.<tracker>` decides whose backlog an item is in).
teams:
  - id: example-team
    name: Example team              # TODO
    owns:
{_owns_lines(plugins)}      labels: []                    # e.g. ["area:checkout"]

"""
    return HEADER + body + TRACKERS_INTRO + _section_examples(plugins) + "\n" + FOOTER


def _examples(plugins: Mapping[str, Tracker], target: bool) -> list[str]:
    """One example link per tracker: what a bet (`target` False) or an objective names."""
    found = []
    for plugin in plugins.values():
        schemes = [s for s in plugin.link_schemes if s.target == target] or list(
            plugin.link_schemes)
        found += [schemes[0].example] if schemes else []
    return found


def _owns_lines(plugins: Mapping[str, Tracker]) -> str:
    """`owns.<tracker>` with every field empty, for each tracker that has a section."""
    return "".join(f"      {name}: {flow({field: [] for field in plugin.owns.model_fields})}\n"
                   for name, plugin in plugins.items() if plugin.owns is not None)


def _section_examples(plugins: Mapping[str, Tracker]) -> str:
    """Each tracker's commented `trackers.<name>` example."""
    lines = [f"#  {line}" if line.strip() else "#" for plugin in plugins.values()
             if isinstance(plugin, SectionExample)
             for line in plugin.section_example.rstrip("\n").splitlines()]
    return "".join(f"{line}\n" for line in lines)


def flow(value: Any) -> str:
    """A YAML flow value with every string quoted: `{projects: ["CHK"], components: []}`."""
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{key}: {flow(item)}" for key, item in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(flow(item) for item in value) + "]"
    return q(value)  # JSON scalars are YAML scalars


def write_starter(path: Path, text: str, force: bool = False) -> None:
    """Write the starter; an existing file is kept unless `force`."""
    if path.exists() and not force:
        raise ConfigError(f"{path} already exists; pass --force to overwrite it")
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        raise ConfigError(f"cannot write {path}: {error.strerror}") from None
