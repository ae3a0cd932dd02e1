"""Which installed trackers `aligner init --from` can draft from, and asking one to discover.

A tracker plugin takes part by exposing a `starter` (the `Starter` capability: its drafted
`trackers.<name>` section) and an adapter implementing `Discoverer`.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from aligner.errors import ConfigError
from aligner.logs import register_env_secrets
from aligner.plugins import registry
from aligner.plugins.adapter import AdapterContext, Discoverer
from aligner.plugins.discovery import Discovery, DraftsStarter, InitOptions, Starter


def starter_of(name: str) -> Starter | None:
    """The tracker's `Starter`, or None when it cannot draft a starter."""
    plugin = registry.tracker(name)
    if isinstance(plugin, DraftsStarter) and isinstance(plugin.starter, Starter):
        return plugin.starter
    return None


def draftable() -> list[str]:
    """Every installed tracker that can draft a starter, by name."""
    return [name for name in registry.adapter_names() if starter_of(name) is not None]


def starter_section(name: str, options: InitOptions) -> dict[str, Any]:
    """The `trackers.<name>` section the tracker drafts from the init options."""
    return _starter(name).section(options)


def discover(name: str, section: Mapping[str, Any], options: InitOptions,
             env: Mapping[str, str], base_dir: Path) -> Discovery:
    """Ask the tracker's adapter for its `Discovery` (the optional `Discoverer` protocol).

    The section's scope is filled with the starter's placeholders so it validates: discovery
    does not depend on the scope, which the draft will set.
    """
    register_env_secrets({name: section}, env)
    plugin = registry.tracker(name)
    placeholders = _starter(name).placeholders(options)
    try:
        settings = plugin.settings().model_validate({**section, **placeholders})
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ConfigError(f"init --from {name}: {where}: {first['msg']}") from None
    adapter = plugin.adapter(settings, AdapterContext(base_dir=base_dir, env=env))
    if not isinstance(adapter, Discoverer):
        raise ConfigError(f"the {name} adapter cannot discover projects yet; run "
                          "`aligner init` without --from for the offline starter")
    return adapter.discover()


def _starter(name: str) -> Starter:
    starter = starter_of(name)
    if starter is None:
        raise ConfigError(f"the {name} tracker cannot draft a starter; run `aligner init` "
                          "without --from for the offline starter")
    return starter
