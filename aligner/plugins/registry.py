"""Discover rules and trackers through entry points, as for any third-party plugin."""

from __future__ import annotations

import re
from functools import cache
from importlib.metadata import entry_points

from aligner.engine.rule import Rule
from aligner.errors import ConfigError
from aligner.plugins.adapter import Adapter, AdapterContext, TrackerSettings
from aligner.plugins.tracker import LinkScheme, Tracker

RULES_GROUP = "aligner.rules"
ADAPTERS_GROUP = "aligner.adapters"
CODE_PATTERN = re.compile(r"^[A-Z]{2,4}\d{3}$")


@cache
def rule_classes() -> dict[str, type[Rule]]:
    """Every installed rule by code, sorted; a plugin that breaks the contract is refused."""
    found: dict[str, type[Rule]] = {}
    for point in entry_points(group=RULES_GROUP):
        rule = point.load()
        if not (isinstance(rule, type) and issubclass(rule, Rule)):
            raise ConfigError(f"rule plugin {point.value!r} is not an aligner Rule")
        if not CODE_PATTERN.match(rule.code) or rule.code in found:
            raise ConfigError(f"rule plugin {point.value!r} has an invalid or reused code")
        found[rule.code] = rule
    return dict(sorted(found.items()))


@cache  # asked per finding (fix wording): reading entry points costs ~10 ms each time
def adapter_names() -> list[str]:
    """Every installed tracker's name (the key under `trackers:` and `owns:`)."""
    return sorted({point.name for point in entry_points(group=ADAPTERS_GROUP)})


@cache
def tracker(name: str) -> Tracker:
    """Load one tracker plugin: light (the adapter's client library loads only when used)."""
    for point in entry_points(group=ADAPTERS_GROUP, name=name):
        plugin = point.load()
        if not isinstance(plugin, Tracker) or plugin.name != name:
            raise ConfigError(f"tracker plugin {point.value!r} is not an aligner Tracker "
                              f"named {name!r}")
        return plugin
    raise ConfigError(f"no tracker named {name!r} is installed")


def trackers() -> dict[str, Tracker]:
    """Every installed tracker plugin by name (their link schemes and `owns` schemas)."""
    return {name: tracker(name) for name in adapter_names()}


def link_schemes() -> tuple[LinkScheme, ...]:
    """The link strings every installed tracker contributes, in tracker-name order."""
    return tuple(s for plugin in trackers().values() for s in plugin.link_schemes)


def open_adapter(name: str, settings: TrackerSettings, context: AdapterContext) -> Adapter:
    """Build the adapter of tracker `name` for one run."""
    return tracker(name).adapter(settings, context)
