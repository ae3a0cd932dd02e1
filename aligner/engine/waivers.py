"""Waivers: time-boxed, owned exceptions from the model file, and the per-ticket waive label.

A waiver names items (`items`, `*` for every item) or matches them (`match`, the selectors of
allocation buckets); a run-level finding (an objective, a pillar) is matched by its `items` only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from aligner.engine.findings import Finding
from aligner.engine.items import BacklogItem
from aligner.engine.selectors import KeyBuilder, Matcher, compile_match, tracker_keys
from aligner.model.schema import Waiver


@dataclass(frozen=True)
class Waivers:
    """Decides whether a finding is waived; lists the waivers that expired before the run."""

    in_force: tuple[tuple[Waiver, frozenset[str]], ...]
    expired: tuple[Waiver, ...]
    waive_label: str
    matchers: dict[int, Matcher] = field(default_factory=dict)  # id(waiver) -> its `match`

    @classmethod
    def build(cls, waivers: tuple[Waiver, ...], codes: tuple[frozenset[str], ...],
              as_of: date, waive_label: str, keys: KeyBuilder | None = None) -> Waivers:
        live = tuple((w, c) for w, c in zip(waivers, codes, strict=True) if w.expires >= as_of)
        expired = tuple(w for w in waivers if w.expires < as_of)
        selecting = [w for w, _ in live if w.match]
        build = (keys or tracker_keys()) if selecting else None
        matchers = {id(w): compile_match(w.match, build) for w in selecting if build}
        return cls(live, expired, waive_label.casefold(), matchers)

    def apply(self, finding: Finding, item: BacklogItem | None) -> Finding:
        if item is not None and any(lb.casefold() == self.waive_label for lb in item.labels):
            return finding.waive("label")
        for waiver, codes in self.in_force:
            if (not codes or finding.code in codes) and self._covers(waiver, finding, item):
                return finding.waive(f"waiver: {waiver.reason} ({waiver.owner}, until "
                                     f"{waiver.expires})")
        return finding

    def _covers(self, waiver: Waiver, finding: Finding, item: BacklogItem | None) -> bool:
        matcher = self.matchers.get(id(waiver))
        if matcher is not None:
            return item is not None and matcher.matches(item)
        key = finding.item
        return "*" in waiver.items or (key is not None and key in waiver.items)
