"""Every rule case in cases.yaml, through the one shared runner (aligner.testing), and the
runner's own promises: it catches a wrong message or fix, and every rule has both kinds of case."""

from __future__ import annotations

from pathlib import Path

import pytest

from aligner.plugins.registry import rule_classes
from aligner.testing import (
    Expected,
    RuleCase,
    Waived,
    assert_case,
    case_from_mapping,
    check_case,
    load_cases,
    missing_cases,
)

HERE = Path(__file__).parent
MODEL = (HERE / "model.yaml").read_text()
CASES = load_cases(HERE / "cases.yaml", model=MODEL, tracker="jira")
UNTRACED_MESSAGE = "CHK-2 reaches no team objective (walked CHK-2 (no parent, no epic))"
UNTRACED_FIX = "put it under CHK-100, which realises objective CHK-Q4-1, or label it okr:CHK-Q4-1"


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_rule_case(case: RuleCase) -> None:
    assert_case(case)


def test_every_rule_has_a_failing_and_a_passing_case() -> None:
    assert missing_cases(CASES, rule_classes()) == []


def test_case_names_are_unique() -> None:
    names = [case.name for case in CASES]
    assert len(names) == len(set(names))


def _untraced(**expected: str) -> RuleCase:
    return RuleCase(name="untraced", tracker="jira", model=MODEL, items=[{"key": "CHK-2"}],
                    expect=[Expected("CHK-2", "AL101", **expected)])


def test_exact_and_fragment_expectations_pass() -> None:
    assert check_case(_untraced(message=UNTRACED_MESSAGE, fix=UNTRACED_FIX)) == []
    assert check_case(_untraced(message_contains="reaches no team objective",
                                fix_contains="label it okr:CHK-Q4-1")) == []


def test_a_wrong_message_or_fix_fails_and_says_what_was_found() -> None:
    problems = check_case(_untraced(message="CHK-2 is untraced", fix_contains="okr:GRO-Q4-1"))
    assert problems == [
        f"AL101 on CHK-2: message: expected 'CHK-2 is untraced', got {UNTRACED_MESSAGE!r}",
        f"AL101 on CHK-2: fix: expected to contain 'okr:GRO-Q4-1', got {UNTRACED_FIX!r}",
    ]
    with pytest.raises(AssertionError, match="rule case 'untraced':\n  AL101 on CHK-2: message"):
        assert_case(_untraced(message="CHK-2 is untraced", fix=UNTRACED_FIX))


def test_missing_and_unexpected_findings_fail() -> None:
    case = RuleCase(name="wrong item", tracker="jira", model=MODEL, items=[{"key": "CHK-2"}],
                    expect=[Expected("CHK-3", "AL101", message="m", fix="f")])
    assert check_case(case) == [
        "AL101 on CHK-3: expected, not found",
        f"AL101 on CHK-2: unexpected ({UNTRACED_MESSAGE!r}, fix {UNTRACED_FIX!r})",
    ]


def test_a_passing_case_fails_when_the_rule_fires() -> None:
    case = RuleCase(name="should pass", tracker="jira", model=MODEL, items=[{"key": "CHK-2"}],
                    expect=[], codes=("AL101",))
    assert check_case(case) == [
        f"AL101 on CHK-2: unexpected ({UNTRACED_MESSAGE!r}, fix {UNTRACED_FIX!r})"]


def test_unexpected_waived_findings_fail() -> None:
    case = RuleCase(name="waived", tracker="jira", model=MODEL, items=[{"key": "CHK-7"}], expect=[],
                    codes=("AL101",), waived=[Waived("CHK-7", "AL101", "label")])
    assert check_case(case) == [
        "waived findings: expected [('CHK-7', 'AL101', 'label')], got "
        "[('CHK-7', 'AL101', 'waiver: KTLO (jane@acme.example, until 2027-01-31)')]"]


def test_an_expectation_without_message_or_fix_is_refused() -> None:
    with pytest.raises(ValueError, match="give exactly one of `fix` and `fix_contains`"):
        Expected("CHK-2", "AL101", message=UNTRACED_MESSAGE)
    with pytest.raises(ValueError, match="an expected finding is a mapping"):
        case_from_mapping({"name": "pairs", "items": [], "expect": [["CHK-2", "AL101"]]}, MODEL)
    with pytest.raises(ValueError, match="give exactly one of `message` and `message_contains`"):
        case_from_mapping({"name": "both", "items": [], "expect": [
            {"item": "CHK-2", "code": "AL101", "message": "a", "message_contains": "a",
             "fix": "f"}]}, MODEL)


def test_missing_cases_lists_rules_without_a_failing_or_a_passing_case() -> None:
    fails = _untraced(message=UNTRACED_MESSAGE, fix=UNTRACED_FIX)
    waived_only = RuleCase(name="waived", tracker="jira", model=MODEL, items=[], expect=[],
                           codes=("AL203",), waived=[Waived("CHK-7", "AL203", "label")])
    assert missing_cases([fails, waived_only], ["AL101", "AL203"]) == [
        "AL101: no passing case", "AL203: no failing case", "AL203: no passing case"]
