"""Waivers (aligner.engine.waivers): which findings a config waiver or the waive label waives,
what the report says waived them, and which waivers the run lists as expired."""

from __future__ import annotations

from datetime import date

from aligner.engine.findings import Finding
from aligner.engine.items import BacklogItem
from aligner.engine.waivers import Waivers
from aligner.model.load import config_from_text
from aligner.testing import make_item

MODEL = """
version: 1
strategy: [{id: grow, name: Grow}]
objectives: [{id: CHK-Q4-1, team: checkout, supports: grow}]
teams: [{id: checkout}]
trackers:
  file: {path: unused.json}
writeback: {waive_label: "Aligner:Skip"}
waivers:
  - {items: [CHK-7], codes: [untraced], reason: KTLO, owner: jane@acme.example,
     expires: 2027-01-31}
  - {items: [CHK-8, CHK-9], codes: [AL102, boundary-crossing], reason: migration,
     owner: raj@acme.example, expires: 2026-11-15}
  - {items: [CHK-10], reason: spike, owner: li@acme.example, expires: 2026-12-01}
  - {items: ["*"], codes: [low-alignment], reason: ramp-up quarter, owner: cto@acme.example,
     expires: 2026-12-31}
  - {items: [CHK-11], reason: old exception, owner: jane@acme.example, expires: 2026-06-30}
"""
KTLO = "waiver: KTLO (jane@acme.example, until 2027-01-31)"


def waivers(as_of: date = date(2026, 11, 15)) -> Waivers:
    config = config_from_text(MODEL, "waivers.yaml")
    model = config.model
    return Waivers.build(model.waivers, config.waiver_codes, as_of, model.writeback.waive_label)


def finding(code: str, item: str | None = "CHK-7") -> Finding:
    return Finding(code, "some-rule", "error", item, "jira" if item else None, None, "checkout",
                   "the message", "the fix", on_ticket=item is not None)


def item(key: str = "CHK-7", labels: tuple[str, ...] = ()) -> BacklogItem:
    return make_item({"key": key, "labels": labels}, "jira")


def waived_by(code: str, key: str | None, w: Waivers | None = None,
              labels: tuple[str, ...] = ()) -> str | None:
    """What the report says waived the finding, or None when it stays a finding."""
    result = (w or waivers()).apply(finding(code, key), item(key, labels) if key else None)
    assert result.waived == (result.waived_by is not None)
    return result.waived_by


def test_a_waiver_in_force_waives_its_item_and_code_and_says_who_and_until_when() -> None:
    assert waived_by("AL101", "CHK-7") == KTLO


def test_a_waiver_names_codes_by_rule_name_or_code_and_waives_only_those() -> None:
    assert waived_by("AL203", "CHK-7") is None
    assert waived_by("AL102", "CHK-9") == "waiver: migration (raj@acme.example, until 2026-11-15)"
    assert waived_by("AL203", "CHK-8") is not None
    assert waived_by("AL101", "CHK-8") is None


def test_a_waiver_without_codes_waives_every_code_of_its_items() -> None:
    for code in ("AL101", "AL102", "AL201", "AL204"):
        assert waived_by(code, "CHK-10") == "waiver: spike (li@acme.example, until 2026-12-01)"
    assert waived_by("AL101", "CHK-12") is None


def test_a_star_waiver_covers_every_item_and_run_level_findings() -> None:
    expected = "waiver: ramp-up quarter (cto@acme.example, until 2026-12-31)"
    assert waived_by("AL301", None) == expected
    assert waived_by("AL301", "CHK-99") == expected
    assert waived_by("AL101", None) is None


def test_a_waiver_applies_through_its_last_day_and_expires_the_day_after() -> None:
    on_last_day = waivers(date(2026, 11, 15))
    assert waived_by("AL102", "CHK-9", on_last_day) is not None
    day_after = waivers(date(2026, 11, 16))
    assert waived_by("AL102", "CHK-9", day_after) is None
    assert [w.reason for w in day_after.expired] == ["migration", "old exception"]


def test_an_expired_waiver_no_longer_waives_and_is_listed() -> None:
    w = waivers()
    assert waived_by("AL101", "CHK-11", w) is None
    assert [(x.items, x.owner, x.expires) for x in w.expired] == [
        (("CHK-11",), "jane@acme.example", date(2026, 6, 30))]
    assert all(x.reason != "old exception" for x, _ in w.in_force)


def test_the_waive_label_waives_every_finding_of_the_item_ignoring_case() -> None:
    for code in ("AL101", "AL203"):
        assert waived_by(code, "CHK-12", labels=("aligner:skip",)) == "label"
    assert waived_by("AL101", "CHK-12", labels=("aligner:waive",)) is None  # not this model's


def test_the_waive_label_comes_before_a_config_waiver() -> None:
    assert waived_by("AL101", "CHK-7", labels=("Aligner:Skip",)) == "label"


def test_a_waived_finding_keeps_its_message_and_fix() -> None:
    result = waivers().apply(finding("AL101"), item())
    assert (result.message, result.fix, result.code, result.item) == (
        "the message", "the fix", "AL101", "CHK-7")
    assert result.to_json()["waived"] is True and result.to_json()["waived_by"] == KTLO
