"""BacklogItem <-> JSON for the mirror: every field, holders, areas and flags included.

Compact on purpose (short keys, defaults left out): at 100k items the mirror's size is mostly
these documents. `decode` refuses what it cannot read with ValueError, so a damaged row is a
reason to rebuild the mirror, never a crash.
"""

from __future__ import annotations

import json
from typing import Any

from aligner.engine.items import ISSUE, NO_FLAGS, AreaRef, BacklogItem, HolderRef, TicketFlags


def encode(item: BacklogItem) -> str:
    """The item as a compact JSON document (source and key live in their own columns)."""
    doc: dict[str, Any] = {"t": item.tracker, "n": item.title}
    if item.kind != ISSUE:
        doc["k"] = item.kind
    if not item.open:
        doc["o"] = 0
    optional = {"u": item.url, "i": item.id, "ob": item.objective_ref, "up": item.updated}
    doc.update((name, value) for name, value in optional.items() if value is not None)
    lists = {"p": list(item.parents), "r": list(item.refs), "l": list(item.labels),
             "h": [[h.key, h.label] for h in item.holders],
             "a": [[a.kind, a.name, list(a.keys)] for a in item.areas]}
    doc.update((name, value) for name, value in lists.items() if value)
    if item.flags != NO_FLAGS:
        doc["f"] = [sorted(item.flags.labels), item.flags.comment_id, item.flags.digest]
    return json.dumps(doc, separators=(",", ":"), ensure_ascii=False)


def decode(source: str, key: str, in_scope: bool, text: str) -> BacklogItem:
    """The item a row holds; ValueError when the document is not one `encode` wrote."""
    try:
        doc = json.loads(text)
        flags = NO_FLAGS
        if "f" in doc:
            labels, comment_id, digest = doc["f"]
            flags = TicketFlags(frozenset(map(str, labels)), _opt(comment_id), _opt(digest))
        return BacklogItem(
            key=key, source=source, tracker=str(doc["t"]), title=str(doc.get("n", "")),
            kind=str(doc.get("k", ISSUE)), open=bool(doc.get("o", 1)), url=_opt(doc.get("u")),
            id=_opt(doc.get("i")), parents=_strs(doc.get("p")), refs=_strs(doc.get("r")),
            labels=_strs(doc.get("l")),
            holders=tuple(HolderRef(str(k), str(lb)) for k, lb in doc.get("h", ())),
            areas=tuple(AreaRef(str(kind), str(name), _strs(keys))
                        for kind, name, keys in doc.get("a", ())),
            objective_ref=_opt(doc.get("ob")), updated=_opt(doc.get("up")), flags=flags,
            in_scope=in_scope)
    except (TypeError, ValueError, KeyError, AttributeError, RecursionError) as error:
        raise ValueError(f"mirror row {source}:{key} is unreadable ({error})") from None


def _opt(value: Any) -> str | None:
    return None if value is None else str(value)


def _strs(values: Any) -> tuple[str, ...]:
    if values is None:
        return ()
    if not isinstance(values, list):
        raise TypeError("expected a list")
    return tuple(str(v) for v in values)
