"""Waivers: time-boxed, owned exceptions from the model file, and the per-ticket waive label."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from aligner.engine.findings import Finding
from aligner.engine.items import BacklogItem
from aligner.model.schema import Waiver


@dataclass(frozen=True)
class Waivers:
    """Decides whether a finding is waived; lists the waivers that expired before the run."""

    in_force: tuple[tuple[Waiver, frozenset[str]], ...]
    expired: tuple[Waiver, ...]
    waive_label: str

    @classmethod
    def build(cls, waivers: tuple[Waiver, ...], codes: tuple[frozenset[str], ...],
              as_of: date, waive_label: str) -> Waivers:
        live = tuple((w, c) for w, c in zip(waivers, codes, strict=True) if w.expires >= as_of)
        expired = tuple(w for w in waivers if w.expires < as_of)
        return cls(live, expired, waive_label.casefold())

    def apply(self, finding: Finding, item: BacklogItem | None) -> Finding:
        if item is not None and any(lb.casefold() == self.waive_label for lb in item.labels):
            return finding.waive("label")
        key = finding.item
        for waiver, codes in self.in_force:
            names_item = "*" in waiver.items or (key is not None and key in waiver.items)
            if names_item and (not codes or finding.code in codes):
                return finding.waive(f"waiver: {waiver.reason} ({waiver.owner}, until "
                                     f"{waiver.expires})")
        return finding
