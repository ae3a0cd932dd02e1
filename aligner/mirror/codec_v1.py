"""BacklogItem <-> JSON, as schema version 1 of the mirror stored it (one `body` column): kept
only to migrate a version-1 mirror to the columns of version 2 (aligner.mirror.codec).

Compact on purpose (defaults left out): at 100k items the mirror's size is mostly these
documents. Fields are found with `dataclasses.fields`, so a field added to BacklogItem is
stored without a change here (scalars and tuples of strings as they are; holders, areas and
flags have their own shapes). `decode` refuses what it cannot read with ValueError, so a
damaged row is a reason to rebuild the mirror, never a crash.
"""

from __future__ import annotations

import json
from dataclasses import MISSING, fields
from typing import Any

from aligner.engine.items import AreaRef, BacklogItem, HolderRef, TicketFlags

_COLUMNS = ("key", "source", "in_scope")  # stored in their own columns
_FIELDS = [f for f in fields(BacklogItem) if f.name not in _COLUMNS]
_DEFAULTS = {f.name: f.default for f in _FIELDS if f.default is not MISSING}


def encode(item: BacklogItem) -> str:
    """The item as a compact JSON document (source, key and scope live in their own columns)."""
    doc: dict[str, Any] = {}
    for spec in _FIELDS:
        value = getattr(item, spec.name)
        if spec.name in _DEFAULTS and value == _DEFAULTS[spec.name]:
            continue
        doc[spec.name] = _plain(spec.name, value)
    return json.dumps(doc, separators=(",", ":"), ensure_ascii=False)


def decode(source: str, key: str, in_scope: bool, text: str) -> BacklogItem:
    """The item a row holds; ValueError when the document is not one `encode` wrote."""
    try:
        doc = json.loads(text)
        if not isinstance(doc, dict):
            raise TypeError("not an object")
        values = {name: _typed(name, value) for name, value in doc.items()}
        return BacklogItem(key=key, source=source, in_scope=in_scope, **values)
    except (TypeError, ValueError, KeyError, AttributeError, RecursionError) as error:
        raise ValueError(f"mirror row {source}:{key} is unreadable ({error})") from None


def _plain(name: str, value: Any) -> Any:
    if name == "holders":
        return [[h.key, h.label] for h in value]
    if name == "areas":
        return [[a.kind, a.name, list(a.keys)] for a in value]
    if name == "flags":
        return [sorted(value.labels), value.comment_id, value.digest]
    if isinstance(value, tuple):
        return list(value)
    return value


def _typed(name: str, value: Any) -> Any:
    if name == "holders":
        return tuple(HolderRef(str(k), str(label)) for k, label in value)
    if name == "areas":
        return tuple(AreaRef(str(kind), str(area), _strs(keys)) for kind, area, keys in value)
    if name == "flags":
        labels, comment_id, digest = value
        return TicketFlags(frozenset(map(str, labels)), _opt(comment_id), _opt(digest))
    if isinstance(value, list):
        return _strs(value)
    if isinstance(value, dict):
        raise TypeError(f"field {name} holds an object")
    return value


def _opt(value: Any) -> str | None:
    return None if value is None else str(value)


def _strs(values: Any) -> tuple[str, ...]:
    if not isinstance(values, list):
        raise TypeError("expected a list")
    return tuple(str(v) for v in values)
