"""A rule-case runner, for aligner's own tests and for plugin authors' rules.

A case is data: a model (YAML text), items (BacklogItem fields as mappings) and the findings
expected for the rule codes the case compares. Every expected finding names its item (`None`
for a run-level finding), its code, and what lands on the ticket: the message and the fix,
each given exactly (`message`, `fix`) or as a fragment (`message_contains`, `fix_contains`).
A case fails on a missing finding, an unexpected one, or a different message or fix.

In YAML (what `load_cases` reads; `tests/rules/cases.yaml` is the full example):

    - name: untraced story
      items: [{key: CHK-2}]           # BacklogItem fields; see make_item for the defaults
      expect:
        - item: CHK-2
          code: AL101
          message: CHK-2 reaches no team objective (walked CHK-2 (no parent, no epic, no project))
          fix_contains: label it okr:CHK-Q4-1
    - name: aligned story passes        # a passing case: codes compared, nothing expected
      items: [{key: CHK-100}, {key: CHK-1, parents: [CHK-100]}]
      codes: [AL101]
      expect: []

Optional keys: `codes` (the codes compared; default: those expected or waived), `as_of`
(default 2026-11-15), `model` (YAML text instead of the shared model) and `waived`
(`{item, code, by}`: findings expected waived, `by` being the report's `waived_by`).
Findings of codes the case does not compare are ignored. In Python:

    from aligner.testing import assert_case, load_cases, missing_cases
    cases = load_cases(Path("cases.yaml"), model=Path("model.yaml").read_text(), tracker="jira")
    for case in cases:
        assert_case(case)
    assert missing_cases(cases, ["XY001"]) == []  # a failing and a passing case per rule
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from aligner.engine.evaluate import evaluate
from aligner.engine.findings import Finding
from aligner.engine.items import AreaRef, BacklogItem, HolderRef, TicketFlags
from aligner.model.load import config_from_text
from aligner.plugins import registry
from aligner.plugins.tracker import CaseItems

DEFAULT_AS_OF = date(2026, 11, 15)


@dataclass(frozen=True)
class Expected:
    """One finding a case expects, with the message and fix it must carry."""

    item: str | None
    code: str
    message: str | None = None
    fix: str | None = None
    message_contains: str | None = None
    fix_contains: str | None = None

    def __post_init__(self) -> None:
        for what in ("message", "fix"):
            exact, part = getattr(self, what), getattr(self, f"{what}_contains")
            if (exact is None) == (part is None):
                raise ValueError(f"expected {self.code} on {self.item}: give exactly one of "
                                 f"`{what}` and `{what}_contains`")

    def mismatches(self, finding: Finding) -> list[str]:
        """What differs between this expectation and a finding of the same item and code."""
        return [problem for problem in (
            _differs("message", self.message, self.message_contains, finding.message),
            _differs("fix", self.fix, self.fix_contains, finding.fix)) if problem]


def _differs(what: str, exact: str | None, part: str | None, got: str) -> str | None:
    if exact is not None and got != exact:
        return f"{what}: expected {exact!r}, got {got!r}"
    if part is not None and part not in got:
        return f"{what}: expected to contain {part!r}, got {got!r}"
    return None


@dataclass(frozen=True)
class Waived:
    """A finding a case expects to be waived, and by what (`label` or the waiver's text)."""

    item: str | None
    code: str
    by: str


@dataclass(frozen=True)
class RuleCase:
    name: str
    model: str
    items: Sequence[Mapping[str, Any]]
    expect: Sequence[Expected]
    codes: tuple[str, ...] = ()  # compare only these codes (default: the expected ones)
    as_of: date = DEFAULT_AS_OF
    waived: Sequence[Waived] = field(default_factory=tuple)
    tracker: str | None = None  # the tracker of items that name none

    @property
    def compared(self) -> frozenset[str]:
        """The codes whose findings the case checks."""
        expected = [e.code for e in self.expect] + [w.code for w in self.waived]
        return frozenset(self.codes or expected)


def make_item(fields: Mapping[str, Any], tracker: str | None = None) -> BacklogItem:
    """A BacklogItem from plain data, of `tracker` unless it names its own (`tracker:`, or
    `source:` standing for both).

    The item's tracker plugin may expand its shorthand (the Jira plugin: `project`, defaulting
    to the key's prefix, `components`, `team_id`); `holders` and `areas` may also be given
    as mappings (`{key, label}`, `{kind, name, keys}`).
    """
    data = dict(fields)
    data.setdefault("tracker", data.get("source", tracker))
    if not data["tracker"]:
        raise ValueError(f"item {data.get('key')!r}: name its `tracker` (or give the case one)")
    data.setdefault("source", data["tracker"])
    plugin = registry.tracker(str(data["tracker"]))
    if isinstance(plugin, CaseItems):  # tracker shorthand: `project`, `components`, …
        data = plugin.case_item(data)
    for name in ("parents", "refs", "labels"):
        data[name] = tuple(data.get(name, ()))
    data["holders"] = tuple(h if isinstance(h, HolderRef) else HolderRef(**h)
                            for h in data.get("holders", ()))
    data["areas"] = tuple(a if isinstance(a, AreaRef) else AreaRef(a["kind"], a["name"],
                                                                   tuple(a["keys"]))
                          for a in data.get("areas", ()))
    if "flags" in data and isinstance(data["flags"], Mapping):
        flags = dict(data["flags"])
        flags["labels"] = frozenset(flags.get("labels", ()))
        data["flags"] = TicketFlags(**flags)
    return BacklogItem(**data)


def case_from_mapping(raw: Mapping[str, Any], model: str | None = None,
                      tracker: str | None = None) -> RuleCase:
    """A RuleCase from one YAML entry (format in the module docstring)."""
    unknown = set(raw) - {"name", "model", "items", "expect", "codes", "as_of", "waived"}
    if unknown:
        raise ValueError(f"rule case {raw.get('name')!r}: unknown keys {sorted(unknown)}")
    own_model = raw.get("model", model)
    if own_model is None:
        raise ValueError(f"rule case {raw['name']!r}: no model")
    return RuleCase(
        name=raw["name"], model=own_model, items=raw["items"],
        expect=[_expected(raw["name"], entry) for entry in raw["expect"]],
        codes=tuple(raw.get("codes", ())), as_of=raw.get("as_of", DEFAULT_AS_OF),
        waived=[Waived(w["item"], w["code"], w["by"]) for w in raw.get("waived", ())],
        tracker=tracker,
    )


def load_cases(path: Path, model: str | None = None,
               tracker: str | None = None) -> list[RuleCase]:
    """Every case of a YAML file; `model` is the text used by cases that give none, and
    `tracker` the tracker of items that name none."""
    return [case_from_mapping(raw, model, tracker) for raw in yaml.safe_load(path.read_text())]


def _expected(case: str, entry: Any) -> Expected:
    names = {f.name for f in fields(Expected)}
    if not isinstance(entry, Mapping) or not {"item", "code"} <= set(entry) <= names:
        raise ValueError(f"rule case {case!r}: an expected finding is a mapping of "
                         f"{sorted(names)} with item and code, got {entry!r}")
    try:
        return Expected(**entry)
    except ValueError as error:
        raise ValueError(f"rule case {case!r}: {error}") from None


def check_case(case: RuleCase) -> list[str]:
    """Every way the findings differ from the case's expectations; empty when it passes."""
    findings = [f for f in _evaluate(case) if f.code in case.compared]
    actual = [f for f in findings if not f.waived]
    problems: list[str] = []
    for want in case.expect:
        same = [f for f in actual if (f.item, f.code) == (want.item, want.code)]
        match = next((f for f in same if not want.mismatches(f)), None)
        if match is not None:
            actual.remove(match)
        elif same:
            problems += [f"{want.code} on {want.item}: {m}" for m in want.mismatches(same[0])]
            actual.remove(same[0])
        else:
            problems.append(f"{want.code} on {want.item}: expected, not found")
    problems += [f"{f.code} on {f.item}: unexpected ({f.message!r}, fix {f.fix!r})"
                 for f in actual]
    waived = sorted(((f.item, f.code, f.waived_by) for f in findings if f.waived), key=str)
    wanted = sorted(((w.item, w.code, w.by) for w in case.waived), key=str)
    if waived != wanted:
        problems.append(f"waived findings: expected {wanted}, got {waived}")
    return problems


def assert_case(case: RuleCase) -> None:
    """Raise AssertionError listing every difference (for pytest)."""
    problems = check_case(case)
    if problems:
        raise AssertionError(f"rule case {case.name!r}:\n  " + "\n  ".join(problems))


def missing_cases(cases: Iterable[RuleCase], codes: Iterable[str]) -> list[str]:
    """The rules among `codes` without a failing case (one expecting a finding of the code) or
    a passing case (comparing the code and expecting no finding of it, waived or not)."""
    cases = list(cases)
    failing = {e.code for c in cases for e in c.expect}
    passing = {code for c in cases for code in c.compared
               if code not in {e.code for e in c.expect} | {w.code for w in c.waived}}
    return [f"{code}: no {kind} case" for code in sorted(codes)
            for kind, covered in (("failing", failing), ("passing", passing))
            if code not in covered]


def run_case(case: RuleCase) -> list[tuple[str | None, str]]:
    """The `(item, code)` pairs of unwaived findings for the codes the case compares."""
    return sorted(((f.item, f.code) for f in _evaluate(case)
                   if f.code in case.compared and not f.waived), key=str)


def run_case_waived(case: RuleCase) -> list[tuple[str | None, str]]:
    """The `(item, code)` pairs of waived findings."""
    return sorted(((f.item, f.code) for f in _evaluate(case) if f.waived), key=str)


def _evaluate(case: RuleCase) -> list[Finding]:
    config = config_from_text(case.model, f"{case.name}.yaml")
    graph = {item.key: item for item in (make_item(i, case.tracker) for i in case.items)}
    return evaluate(config, graph, case.as_of).findings
