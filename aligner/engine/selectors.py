"""Selectors: which items an allocation bucket or a waiver matches (DESIGN §14).

A selector (`aligner.model.schema.Selector`) names issue types, labels, projects and
components. Types and labels are compared with the item's own data; projects and components
become the handle keys each installed tracker builds for its items (the optional
`SelectorKeys` capability), so the core matches them without knowing what a project is.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from aligner.engine.items import BacklogItem
from aligner.model.schema import Selector
from aligner.plugins.tracker import SelectorKeys

KeyBuilder = Callable[[str, str], tuple[str, ...]]  # (kind, value) -> handle keys


@dataclass(frozen=True, slots=True)
class CompiledSelector:
    """One selector, case-folded and turned into handle keys: every given key must match."""

    types: frozenset[str]
    labels: frozenset[str]
    holders: frozenset[str]
    areas: frozenset[str]
    wants_holders: bool  # `projects` given (even if no installed tracker knows one)
    wants_areas: bool

    def matches(self, item: BacklogItem) -> bool:
        if self.types and (item.type is None or item.type.casefold() not in self.types):
            return False
        if self.labels and not any(lb.casefold() in self.labels for lb in item.labels):
            return False
        if self.wants_holders and not any(h.key.casefold() in self.holders
                                          for h in item.holders):
            return False
        return not self.wants_areas or any(key.casefold() in self.areas
                                           for area in item.areas for key in area.keys)


@dataclass(frozen=True, slots=True)
class Matcher:
    """A `match:` (one selector or several): an item matches when any selector does."""

    selectors: tuple[CompiledSelector, ...]

    def matches(self, item: BacklogItem) -> bool:
        return any(s.matches(item) for s in self.selectors)


def compile_match(selectors: Iterable[Selector], keys: KeyBuilder) -> Matcher:
    """Compile a `match:` once per run, with `keys` from `tracker_keys()`."""
    return Matcher(tuple(_compile(s, keys) for s in selectors))


def _compile(selector: Selector, keys: KeyBuilder) -> CompiledSelector:
    def fold(values: Iterable[str]) -> frozenset[str]:
        return frozenset(v.casefold() for v in values)

    return CompiledSelector(
        types=fold(selector.issue_types), labels=fold(selector.labels),
        holders=fold(k for v in selector.projects for k in keys("projects", v)),
        areas=fold(k for v in selector.components for k in keys("components", v)),
        wants_holders=bool(selector.projects), wants_areas=bool(selector.components))


def tracker_keys(plugins: Mapping[str, object] | None = None) -> KeyBuilder:
    """The handle keys every installed tracker builds for a selector value."""
    if plugins is None:
        from aligner.plugins.registry import trackers

        plugins = trackers()
    able = [p for p in plugins.values() if isinstance(p, SelectorKeys)]

    def keys(kind: str, value: str) -> tuple[str, ...]:
        return tuple(k for p in able for k in p.selector_keys(kind, value))  # type: ignore[arg-type]

    return keys


@dataclass(frozen=True, slots=True)
class Buckets:
    """The allocation's buckets, compiled: the first bucket (in file order) matching an item
    accounts for it."""

    matchers: tuple[tuple[str, Matcher], ...]

    def bucket_of(self, item: BacklogItem) -> str | None:
        for bucket, matcher in self.matchers:
            if matcher.matches(item):
                return bucket
        return None


def compile_buckets(buckets: Mapping[str, Iterable[Selector]],
                    keys: KeyBuilder | None = None) -> Buckets | None:
    """None when the model has no bucket, so runs without allocation pay nothing per item."""
    if not buckets:
        return None
    build = keys or tracker_keys()
    return Buckets(tuple((bucket, compile_match(match, build))
                         for bucket, match in buckets.items()))
