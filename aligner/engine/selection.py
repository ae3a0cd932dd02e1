"""The one reference map: codes, code prefixes and rule names, for every setting that names rules.

`select`, `ignore`, `severity`, `options` and waivers all resolve references here, so a typo is
the same error everywhere, with a "did you mean".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError

from aligner.engine.rule import Rule
from aligner.errors import did_you_mean


class ReferenceError_(ValueError):
    """An unknown rule reference; the message carries the hint."""


def resolve(reference: str, rules: Mapping[str, type[Rule]]) -> tuple[str, ...]:
    """Codes named by a code (`AL101`), a prefix (`AL1`, `AL`) or a name (`untraced`)."""
    ref = reference.strip()
    upper = ref.upper()
    codes = tuple(code for code in rules if code.startswith(upper)) if upper else ()
    if codes:
        return codes
    by_name = {rule.name: code for code, rule in rules.items()}
    if ref.lower() in by_name:
        return (by_name[ref.lower()],)
    hint = did_you_mean(ref, [*rules, *by_name])
    raise ReferenceError_(f"unknown rule {reference!r}{hint}")


@dataclass(frozen=True)
class RuleSet:
    """The rules this run applies, each with its effective severity and options."""

    rules: tuple[Rule, ...]
    severities: Mapping[str, str]

    def severity(self, rule: Rule) -> str:
        return self.severities.get(rule.code, rule.severity)


def build_rule_set(
    settings: Any, rules: Mapping[str, type[Rule]], error: Any
) -> RuleSet:
    """Resolve `rules:` settings; `error(path, message)` builds the located ConfigError."""

    def codes(ref: str, path: tuple[Any, ...]) -> tuple[str, ...]:
        try:
            return resolve(ref, rules)
        except ReferenceError_ as exc:
            raise error(path, str(exc)) from None

    selected: set[str] = set()
    for i, ref in enumerate(settings.select):
        selected.update(codes(ref, ("rules", "select", i)))
    for i, ref in enumerate(settings.ignore):
        selected.difference_update(codes(ref, ("rules", "ignore", i)))
    severities: dict[str, str] = {}
    for ref, level in settings.severity.items():
        severities.update(dict.fromkeys(codes(ref, ("rules", "severity", ref)), level))
    options: dict[str, BaseModel] = {}
    for ref, raw in settings.options.items():
        for code in codes(ref, ("rules", "options", ref)):
            options[code] = _options(rules[code], raw, ("rules", "options", ref), error)
    built = tuple(rules[code](options.get(code)) for code in sorted(selected))
    return RuleSet(rules=built, severities=severities)


def _options(rule: type[Rule], raw: Any, path: tuple[Any, ...], error: Any) -> BaseModel:
    try:
        return rule.Options.model_validate(raw or {})
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = tuple(str(p) for p in first["loc"])
        if first["type"] == "extra_forbidden":
            known = list(rule.Options.model_fields)
            hint = did_you_mean(loc[-1], known)
            raise error((*path, *loc), f"unknown option for {rule.code}{hint}") from None
        raise error((*path, *loc), first["msg"]) from None


def resolve_all(refs: Iterable[str], rules: Mapping[str, type[Rule]]) -> frozenset[str]:
    """Codes named by several references (used by waivers)."""
    out: set[str] = set()
    for ref in refs:
        out.update(resolve(ref, rules))
    return frozenset(out)
