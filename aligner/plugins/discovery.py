"""What `aligner init --from TRACKER` learns from a tracker, already in the model's terms.

The core drafts a starter model from a `Discovery` without knowing the tracker: the adapter
says which teams it found and what each would own (`owns.<tracker>`), which roadmap items an
objective could link, which strategy and bets it could read, and how the tracker section
should be scoped. Two optional adapter capabilities provide it:

- `Discoverer` (`aligner.plugins.adapter`), on an adapter instance: `discover() -> Discovery`,
  read-only, a handful of requests, independent of the scope settings (e.g. Jira's `jql`,
  Linear's `teams`), since the starter is what will set them;
- `Starter`, the adapter class's `starter` attribute: the `trackers.<name>` section drafted
  from the generic `InitOptions`, and placeholder scope settings so `Settings` validate
  before discovery.

And one for `aligner init` without `--from`: `SectionExample`, the commented example of a
tracker's section in the offline template.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable


@dataclass(frozen=True, slots=True)
class RoadmapCandidate:
    """A roadmap item an objective could link (e.g. a Jira epic, a Linear project).

    `link`: the link as written in an objective's `links` (`jira:CHK-100`,
    `linear:project:Checkout v2`). `what`: shown beside it (`epic: Redesign the cart`).
    `serves`: the key of the `StrategyCandidate` the tracker files it under (a Linear
    project's initiative), if any: the draft then links it from an objective supporting that.
    """

    link: str
    what: str = ""
    serves: str | None = None


@dataclass(frozen=True, slots=True)
class TeamCandidate:
    """A team the tracker suggests (e.g. a Jira project, a Linear team).

    `owns`: the `owns.<tracker>` fragment it would own (`{"projects": ["CHK"],
    "components": []}`, `{"teams": ["CHK"]}`). `notes`: comment lines shown under it for a
    person to act on (`components in CHK: Cart, Payments page`). `roadmap`: what its
    objectives could link.
    """

    key: str
    name: str
    owns: Mapping[str, Any]
    notes: tuple[str, ...] = ()
    roadmap: tuple[RoadmapCandidate, ...] = ()


@dataclass(frozen=True, slots=True)
class StrategyCandidate:
    """A strategy pillar or bet the tracker suggests (e.g. a Linear initiative).

    Those without a known `parent` become strategy pillars, their descendants bets of the
    top-level one. `link`: the link a drafted bet carries (`linear:initiative:Name`), used to
    suggest fixes (a bet's links do not trace). `retired`: the tracker says it is over.
    """

    key: str
    name: str
    parent: str | None = None
    link: str | None = None
    retired: bool = False


@dataclass(frozen=True, slots=True)
class BucketCandidate:
    """Funded non-strategic work the tracker suggests a bucket for (DESIGN §14).

    `match`: a selector (`{"issue_types": ["Bug"]}`, `{"labels": ["ktlo"]}`), drafted
    commented out in the starter's `allocation:` section.
    """

    key: str
    name: str
    match: Mapping[str, list[str]]


@dataclass(frozen=True)
class Discovery:
    """Everything a starter model is drafted from.

    `scope`: settings merged into the drafted tracker section so it reads what was found
    (`{"jql": "project in (CHK) AND statusCategory != Done"}`, `{"teams": ["CHK"]}`).
    `strategy_from`, `bets_from`: what the strategy and bets were drafted from, for the
    starter's comments (`top-level Linear initiatives`, `sub-initiatives`).
    """

    tracker: str
    teams: tuple[TeamCandidate, ...] = ()
    strategy: tuple[StrategyCandidate, ...] = ()
    scope: Mapping[str, Any] = field(default_factory=dict)
    strategy_from: str = "the tracker"
    bets_from: str = "nested items"
    buckets: tuple[BucketCandidate, ...] = ()  # drafted as a commented `allocation:`


@dataclass(frozen=True)
class InitOptions:
    """The generic options of `aligner init --from`, for the adapter to draft its section.

    `credential_env`: only the env var names the user gave, by role (`email`, `token`,
    `pat`, `api_key`); the adapter picks its own defaults for the rest.
    """

    url: str | None = None
    credential_env: Mapping[str, str] = field(default_factory=dict)


@runtime_checkable
class DraftsStarter(Protocol):
    """A tracker plugin that can draft a starter: it has a `starter` (see `Starter`)."""

    starter: Starter


@runtime_checkable
class Starter(Protocol):
    """Optional for adapters, as the class attribute `starter`: the drafted tracker section."""

    def section(self, options: InitOptions) -> dict[str, Any]:
        """The `trackers.<name>` section (env var names, never secrets).

        Raises `ConfigError` naming the missing option (e.g. `--url`).
        """
        ...

    def placeholders(self, options: InitOptions) -> dict[str, Any]:
        """Scope settings that let `Settings` validate before discovery sets the real ones."""
        ...


@runtime_checkable
class SectionExample(Protocol):
    """Optional for tracker plugins: the `trackers.<name>` example the offline starter shows
    commented out, as YAML text starting with `<name>:` (comments welcome)."""

    section_example: str
