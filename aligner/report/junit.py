"""The CI-dashboard report: JUnit XML, one test suite per team.

Each evaluated item is a test case (classname = its holding team, name = its key) with one
`<failure>` per counted finding; waived findings go to `<system-out>`. The team-bar rule (AL301
in the built-in set) is a test case per team. Run-level findings without a team (a crashed rule)
form the suite `(run)`, with the gate's `--min-aligned` bar as a case when one was given. Built
with ElementTree, so every attribute and text is escaped.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Iterable

from aligner.engine.findings import Finding
from aligner.report.escape import xml_text
from aligner.report.model import RunReport
from aligner.report.summary import natural_key

NO_TEAM = "(no team)"
RUN = "(run)"
GATE_CASE = "gate --min-aligned"
__all__ = ["render_junit", "xml_text"]


def render_junit(report: RunReport) -> str:
    """The JUnit XML document (UTF-8, with declaration)."""
    cases = _cases(report)
    root = ET.Element("testsuites", name="aligner")
    for suite_name in sorted(cases, key=lambda s: (s in (NO_TEAM, RUN), s)):
        suite = ET.SubElement(root, "testsuite", name=xml_text(suite_name))
        for name, findings in cases[suite_name]:
            _case(suite, suite_name, name, findings)
        if suite_name == RUN and report.gate.min_aligned is not None:
            _gate_case(suite, report)
        _count(suite)
    _count(root)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


Case = tuple[str, list[Finding]]


def _cases(report: RunReport) -> dict[str, list[Case]]:
    """Suite name -> test cases (name, findings), items in natural key order."""
    by_item: dict[str, list[Finding]] = defaultdict(list)
    run_level: dict[str, list[Finding]] = defaultdict(list)
    items = {outcome.key for outcome in report.evaluation.outcomes}
    for finding in report.evaluation.findings:
        if finding.item in items:  # model-level findings (an objective, a pillar) are run-level
            by_item[finding.item].append(finding)
        else:
            run_level[finding.team or RUN].append(finding)
    suites: dict[str, list[Case]] = defaultdict(list)
    for outcome in sorted(report.evaluation.outcomes, key=lambda o: natural_key(o.key)):
        suites[outcome.team or NO_TEAM].append((outcome.key, by_item.get(outcome.key, [])))
    bar_rule = report.metrics.team_bar_rule
    teams = set(report.metrics.by_team) if bar_rule is not None else set()
    bar_code = bar_rule[0] if bar_rule else None
    for team in sorted(teams | set(run_level)):
        found = run_level.get(team, [])
        if bar_rule is not None and team in teams:
            suites[team].append((" ".join(bar_rule), _only(found, bar_rule[0])))
        for code, findings in _by_code(f for f in found if f.code != bar_code):
            suites[team].append((f"{code} {findings[0].name}", findings))
    if report.gate.min_aligned is not None:
        suites.setdefault(RUN, [])  # the gate's case goes there
    return suites


def _gate_case(suite: ET.Element, report: RunReport) -> None:
    """The overall bar as a test case: it fails exactly when the gate's bar failed."""
    case = ET.SubElement(suite, "testcase", classname=RUN, name=GATE_CASE, time="0")
    gate = report.gate
    if gate.below_min:
        reason = gate.reasons()[-1]  # the bar is the last condition named
        ET.SubElement(case, "failure", message=f"gate failed: {reason}",
                      type="gate min-aligned").text = f"gate failed: {'; '.join(gate.reasons())}"


def _only(findings: list[Finding], code: str) -> list[Finding]:
    return [f for f in findings if f.code == code]


def _by_code(findings: Iterable[Finding]) -> list[tuple[str, list[Finding]]]:
    grouped: dict[str, list[Finding]] = defaultdict(list)
    for finding in findings:
        grouped[finding.code].append(finding)
    return sorted(grouped.items())


def _case(suite: ET.Element, classname: str, name: str, findings: list[Finding]) -> None:
    case = ET.SubElement(suite, "testcase", classname=xml_text(classname), name=xml_text(name),
                         time="0")
    waived = []
    for f in sorted(findings, key=lambda f: (f.code, f.message)):
        if f.waived:
            waived.append(f"{f.code} {f.name} (waived: {f.waived_by}): {f.message}")
            continue
        failure = ET.SubElement(case, "failure", message=xml_text(f"{f.code} {f.name}: "
                                                                   f"{f.message}"),
                                type=f"{f.code} {f.severity}")
        failure.text = xml_text(f"{f.message}\nFix: {f.fix}" + (f"\n{f.url}" if f.url else ""))
    if waived:
        ET.SubElement(case, "system-out").text = xml_text("\n".join(waived))


def _count(element: ET.Element) -> None:
    """Set tests/failures/errors/skipped on a suite (from its cases) or on the root."""
    cases = element.iter("testcase")
    tests = failures = 0
    for case in cases:
        tests += 1
        failures += case.find("failure") is not None
    element.set("tests", str(tests))
    element.set("failures", str(failures))
    element.set("errors", "0")
    element.set("skipped", "0")
    element.set("time", "0")
