"""A rule-case runner, for aligner's own tests and for plugin authors' rules.

A case is data: a model (YAML text), items (BacklogItem fields as a mapping) and the findings
expected as `(item, code)` pairs, compared for the codes the case selects.

    from aligner.testing import RuleCase, run_case
    case = RuleCase(name="untraced", model=MODEL, items=[{"key": "CHK-1", "project": "CHK"}],
                    expect=[("CHK-1", "AL101")], codes=("AL101",))
    assert run_case(case) == sorted(case.expect)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from aligner.engine.evaluate import evaluate
from aligner.engine.items import BacklogItem, TicketFlags
from aligner.model.load import config_from_text

DEFAULT_AS_OF = date(2026, 11, 15)


@dataclass(frozen=True)
class RuleCase:
    name: str
    model: str
    items: Sequence[Mapping[str, Any]]
    expect: Sequence[tuple[str | None, str]]
    codes: tuple[str, ...] = ()  # compare only these codes (default: the expected ones)
    as_of: date = DEFAULT_AS_OF
    waived: Sequence[tuple[str | None, str]] = field(default_factory=tuple)


def make_item(fields: Mapping[str, Any]) -> BacklogItem:
    """A BacklogItem from plain data; a Jira issue in project `KEY`'s prefix by default."""
    data = dict(fields)
    data.setdefault("source", "jira")
    data.setdefault("tracker", data["source"] if data["source"] != "file" else "jira")
    if data["tracker"] == "jira":
        data.setdefault("project", str(data["key"]).rsplit("-", 1)[0])
    for name in ("parents", "refs", "labels", "components"):
        data[name] = tuple(data.get(name, ()))
    if "flags" in data and isinstance(data["flags"], Mapping):
        flags = dict(data["flags"])
        flags["labels"] = frozenset(flags.get("labels", ()))
        data["flags"] = TicketFlags(**flags)
    return BacklogItem(**data)


def run_case(case: RuleCase) -> list[tuple[str | None, str]]:
    """The `(item, code)` pairs of unwaived findings for the codes the case compares."""
    findings = _evaluate(case)
    codes = set(case.codes or {code for _, code in case.expect})
    return sorted(((f.item, f.code) for f in findings if f.code in codes and not f.waived),
                  key=str)


def run_case_waived(case: RuleCase) -> list[tuple[str | None, str]]:
    """The `(item, code)` pairs of waived findings."""
    return sorted(((f.item, f.code) for f in _evaluate(case) if f.waived), key=str)


def _evaluate(case: RuleCase) -> list[Any]:
    config = config_from_text(case.model, f"{case.name}.yaml")
    graph = {item.key: item for item in map(make_item, case.items)}
    return evaluate(config, graph, case.as_of).findings
