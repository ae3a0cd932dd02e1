"""Rule documentation for `aligner rules` and `aligner rule CODE`, from rule docstrings."""

from __future__ import annotations

from collections.abc import Mapping

from aligner.engine.rule import DOC_SECTIONS, Rule
from aligner.engine.selection import ReferenceError_, resolve
from aligner.errors import ConfigError


def render_rule_table(rules: Mapping[str, type[Rule]]) -> str:
    rows = [(r.code, r.name, r.severity, r.summary()) for r in rules.values()]
    width = max(len(name) for _, name, _, _ in rows)
    return "\n".join(f"{code}  {name:<{width}}  {sev:<7}  {summary}"
                     for code, name, sev, summary in rows)


def render_rule(reference: str, rules: Mapping[str, type[Rule]]) -> str:
    try:
        codes = resolve(reference, rules)
    except ReferenceError_ as error:
        raise ConfigError(str(error)) from None
    if len(codes) != 1:
        raise ConfigError(f"{reference!r} names {len(codes)} rules ({', '.join(codes)}); "
                          "give one code or name")
    rule = rules[codes[0]]
    head = f"{rule.code} {rule.name} (default severity: {rule.severity})"
    return f"{head}\n{'=' * len(head)}\n\n{rule.documentation()}\n"


def missing_sections(rule: type[Rule]) -> list[str]:
    """Documentation sections a rule's docstring lacks (a test holds every rule to all)."""
    doc = rule.documentation()
    return [s for s in DOC_SECTIONS if f"\n{s}:" not in doc]
