"""BacklogItem <-> one row of `mirror_items` (schema version 2): a column per field.

Loading 100k items is dominated by per-row work, so a row is a tuple SQLite hands back as it
is: scalars in their own columns, and each compound field (parents, refs, labels, holders,
areas, flags) as a small JSON text, NULL when empty. Compound values repeat across a backlog
(the same epic, project holder, component, label set), so `Decoder` parses each distinct text
once per load and shares the resulting tuples: fewer allocations, less memory.

A field added to BacklogItem later is stored without a schema change, in the `extra` JSON
column (by name); a new column for it is an optimisation for a later version. `Decoder`
refuses a damaged row with ValueError, so it is a reason to rebuild the mirror, never a crash.
Version 1 (one JSON document per row) is read by `codec_v1`, for the migration only.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import MISSING, fields
from typing import Any

from aligner.engine.items import NO_FLAGS, AreaRef, BacklogItem, HolderRef, TicketFlags

# The row, in column order: (source, key, in_scope) first, `extra` last.
COLUMNS = ("source", "key", "in_scope", "tracker", "title", "kind", "open", "url", "id",
           "parents", "refs", "labels", "holders", "areas", "objective_ref", "updated", "flags",
           "type", "estimate", "extra")
COLUMN_TYPES = {"in_scope": "INTEGER NOT NULL", "open": "INTEGER NOT NULL", "estimate": "REAL",
                "source": "TEXT NOT NULL", "key": "TEXT NOT NULL"}
_OWN = set(COLUMNS) - {"extra"}
_EXTRA = [f for f in fields(BacklogItem) if f.name not in _OWN]  # fields added since v2
_EXTRA_DEFAULTS = {f.name: f.default for f in _EXTRA if f.default is not MISSING}
_DAMAGED = (TypeError, ValueError, KeyError, AttributeError, RecursionError)


def encode(item: BacklogItem) -> tuple[Any, ...]:
    """The row storing `item` (columns as in COLUMNS)."""
    return (item.source, item.key, int(item.in_scope), item.tracker, item.title, item.kind,
            int(item.open), item.url, item.id, _strs_text(item.parents), _strs_text(item.refs),
            _strs_text(item.labels),
            _text([[h.key, h.label] for h in item.holders]) if item.holders else None,
            _text([[a.kind, a.name, list(a.keys)] for a in item.areas]) if item.areas else None,
            item.objective_ref, item.updated, _flags_text(item.flags), item.type,
            item.estimate, _extra_text(item))


class Decoder:
    """Rows back to items, sharing equal compound values within one load (use one per load)."""

    def __init__(self) -> None:
        self.strs: dict[str, tuple[str, ...]] = {}
        self.holders: dict[str, tuple[HolderRef, ...]] = {}
        self.areas: dict[str, tuple[AreaRef, ...]] = {}
        self.flags: dict[str, TicketFlags] = {}

    def __call__(self, row: tuple[Any, ...]) -> BacklogItem:
        try:
            (source, key, in_scope, tracker, title, kind, is_open, url, id_, parents, refs, labels,
             holders, areas, objective_ref, updated, flags, type_, estimate, extra) = row
            item = BacklogItem(
                key, source, tracker, title, kind, bool(is_open), url,
                id_, self._shared(self.strs, parents, _strs), self._shared(self.strs, refs, _strs),
                self._shared(self.strs, labels, _strs),
                self._shared(self.holders, holders, _holders),
                self._shared(self.areas, areas, _areas), objective_ref, updated,
                NO_FLAGS if flags is None else self._shared(self.flags, flags, _flags),
                bool(in_scope), type_, estimate, **_extra_values(extra))
        except _DAMAGED as error:
            name = f"{row[0]}:{row[1]}" if len(row) > 1 else "?"
            raise ValueError(f"mirror row {name} is unreadable ({error})") from None
        if type(key) is not str or type(title) is not str:
            raise ValueError(f"mirror row {source}:{key} is unreadable (not text)")
        return item

    @staticmethod
    def _shared(memo: dict[str, Any], text: str | None, parse: Callable[[Any], Any]) -> Any:
        if text is None:
            return ()
        found = memo.get(text)
        if found is None:
            found = memo[text] = parse(json.loads(text))
        return found


_ENCODER = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)  # one, not one per call


def _text(value: Any) -> str:
    return _ENCODER.encode(value)


def _strs_text(values: tuple[str, ...]) -> str | None:
    return _text(values) if values else None


def _flags_text(flags: TicketFlags) -> str | None:
    if flags == NO_FLAGS:
        return None
    rest = [list(v) if isinstance(v, tuple) else v
            for v in (getattr(flags, f.name) for f in fields(TicketFlags)[1:])]
    return _text([sorted(flags.labels), *rest])


def _extra_text(item: BacklogItem) -> str | None:
    doc: dict[str, Any] = {}
    for spec in _EXTRA:
        value = getattr(item, spec.name)
        if _EXTRA_DEFAULTS.get(spec.name, MISSING) != value:
            doc[spec.name] = list(value) if isinstance(value, tuple) else value
    return _text(doc) if doc else None


def _extra_values(extra: str | None) -> dict[str, Any]:
    if extra is None:
        return {}
    doc = json.loads(extra)
    if not isinstance(doc, dict):
        raise TypeError("extra is not an object")
    return {name: tuple(v) if isinstance(v, list) else v for name, v in doc.items()}


def _strs(values: Any) -> tuple[str, ...]:
    if not isinstance(values, list):
        raise TypeError("expected a list")
    return tuple(str(v) for v in values)


def _holders(values: Any) -> tuple[HolderRef, ...]:
    return tuple(HolderRef(str(k), str(label)) for k, label in values)


def _areas(values: Any) -> tuple[AreaRef, ...]:
    return tuple(AreaRef(str(kind), str(name), _strs(keys)) for kind, name, keys in values)


def _flags(value: Any) -> TicketFlags:
    labels, *rest = value
    others: list[Any] = [tuple(v) if isinstance(v, list) else v for v in rest]
    return TicketFlags(frozenset(map(str, labels)), *others)
