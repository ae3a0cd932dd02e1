"""Findings: what a rule reports about an item (or, for run-level rules, about a team)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

SEVERITIES = ("warning", "error")


def severity_rank(severity: str) -> int:
    return SEVERITIES.index(severity) + 1 if severity in SEVERITIES else 0


@dataclass(frozen=True, slots=True)
class Violation:
    """What a rule's `check` yields: the engine adds code, name and severity."""

    message: str
    fix: str
    team: str | None = None  # run-level rules name the team; item rules get the holder
    item: str | None = None  # run-level rules may name what they judge: an objective id, …


@dataclass(frozen=True, slots=True)
class Finding:
    """One reported problem, the unit of the JSON contract (DESIGN §7)."""

    code: str
    name: str
    severity: str
    item: str | None
    source: str | None
    url: str | None
    team: str | None
    message: str
    fix: str
    waived: bool = False
    waived_by: str | None = None  # "waiver: <reason> (<owner>, until <date>)" or "label"
    on_ticket: bool = True  # False for run-level and engine findings: never written to tickets

    def waive(self, why: str) -> Finding:
        return replace(self, waived=True, waived_by=why)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "item": self.item, "source": self.source, "url": self.url, "team": self.team,
            "code": self.code, "name": self.name, "severity": self.severity,
            "message": self.message, "fix": self.fix, "waived": self.waived,
        }
        if self.waived_by:
            data["waived_by"] = self.waived_by
        return data
