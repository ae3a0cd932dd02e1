"""Discover rules and adapters through entry points, as for any third-party plugin."""

from __future__ import annotations

import re
from functools import cache
from importlib.metadata import entry_points
from typing import Any

from aligner.engine.rule import Rule
from aligner.errors import ConfigError

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


def adapter_names() -> list[str]:
    """Every installed adapter's tracker name (the key under `trackers:`)."""
    return sorted({point.name for point in entry_points(group=ADAPTERS_GROUP)})


@cache
def adapter_class(name: str) -> Any:
    """Load one adapter class; only the trackers a model configures are ever imported."""
    for point in entry_points(group=ADAPTERS_GROUP, name=name):
        return point.load()
    raise ConfigError(f"no adapter named {name!r} is installed")
