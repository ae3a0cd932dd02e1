"""Every rule case in cases.yaml, through the one shared runner (aligner.testing)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from aligner.testing import RuleCase, run_case, run_case_waived

HERE = Path(__file__).parent
MODEL = (HERE / "model.yaml").read_text()
RAW = yaml.safe_load((HERE / "cases.yaml").read_text())


def _case(raw: dict) -> RuleCase:
    return RuleCase(
        name=raw["name"], model=raw.get("model", MODEL), items=raw["items"],
        expect=[tuple(pair) for pair in raw["expect"]], codes=tuple(raw.get("codes", ())),
        as_of=raw.get("as_of", date(2026, 11, 15)),
        waived=[tuple(pair) for pair in raw.get("waived", ())],
    )


CASES = [_case(raw) for raw in RAW]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_rule_case(case: RuleCase) -> None:
    assert run_case(case) == sorted(case.expect, key=str)
    if case.waived:
        assert run_case_waived(case) == sorted(case.waived, key=str)


def test_every_rule_has_a_case() -> None:
    from aligner.plugins.registry import rule_classes

    covered = {code for case in CASES for _, code in case.expect}
    assert covered >= set(rule_classes())
