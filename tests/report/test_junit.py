"""JUnit XML: parses, has the JUnit structure and counts, escapes hostile ticket text."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

from click.testing import CliRunner

from aligner.cli import cli
from aligner.report.junit import render_junit
from tests.report_factory import HOSTILE, finding, outcome, report

ACME = Path(__file__).parents[2] / "examples" / "acme" / "aligner.yaml"
CHECK = ["check", "-c", str(ACME), "--as-of", "2026-11-15"]
COUNTS = ("tests", "failures", "errors", "skipped")


def acme(fmt: str) -> str:
    return CliRunner().invoke(cli, [*CHECK, "--format", fmt]).stdout


def test_acme_junit_structure_and_counts() -> None:
    root = ET.fromstring(acme("junit").encode("utf-8"))
    document = json.loads(acme("json"))
    summary = document["summary"]
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == ["checkout", "growth", "payments", "platform",
                                               "(no team)", "(run)"]  # (run): AL106, AL302
    for suite in [root, *suites]:
        assert all(suite.get(k, "").isdigit() for k in COUNTS)
        cases = list(suite.iter("testcase"))
        assert int(suite.get("tests", "")) == len(cases)
        assert int(suite.get("failures", "")) == sum(c.find("failure") is not None for c in cases)
    for suite in suites:
        for case in suite.findall("testcase"):
            assert case.get("classname") == suite.get("name") and case.get("name")
            assert set(case.attrib) == {"classname", "name", "time"}
    # one case per evaluated item, plus one AL301 case per team holding items
    teams = summary["by_team"]
    # one case per item, an AL301 case per team, one per model-level rule that fired
    assert int(root.get("tests", "")) == summary["items"] + len(teams) + 3  # AL105/106, AL302
    failures = root.findall(".//failure")
    live = [f for f in document["findings"] if not f["waived"]]
    assert len(failures) == len(live)
    assert {f.get("type", "").split()[0] for f in failures} == set(summary["by_code"])


def test_al301_is_a_case_per_team() -> None:
    root = ET.fromstring(acme("junit").encode("utf-8"))
    al301 = {c.get("classname"): c for c in root.iter("testcase")
             if c.get("name") == "AL301 low-alignment"}
    assert set(al301) == {"checkout", "growth", "payments", "platform"}
    assert al301["payments"].find("failure") is not None
    assert al301["checkout"].find("failure") is None


def test_waived_findings_are_not_failures() -> None:
    root = ET.fromstring(acme("junit").encode("utf-8"))
    case = next(c for c in root.iter("testcase") if c.get("name") == "PAY-301")
    assert case.find("failure") is None
    assert "waived" in (case.findtext("system-out") or "")


def test_hostile_text_is_escaped_and_still_parses() -> None:
    run = report([finding("A-1", message=HOSTILE, url="https://x.example/browse/A-1?a=1&b=2"),
                  finding("A-1", "AL203", severity="warning", message="second"),
                  finding(None, "AL000", team=None, message=HOSTILE)],
                 [outcome("A-1", "alpha", False), outcome("A-2", None, True, ("O-1",))])
    text = render_junit(run)
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    root = ET.fromstring(text.encode("utf-8"))
    case = next(c for c in root.iter("testcase") if c.get("name") == "A-1")
    failures = case.findall("failure")
    assert len(failures) == 2  # one per finding
    assert "<script>" in (failures[0].get("message") or "")  # escaped in XML, intact when read
    assert "\x00" not in text and "\x0b" not in text
    run_suite = [s for s in root.findall("testsuite") if s.get("name") == "(run)"]
    assert run_suite and run_suite[0].find("testcase/failure") is not None
    assert [s.get("name") for s in root.findall("testsuite")] == ["alpha", "(no team)", "(run)"]
