"""Build the JQL aligner sends: the user's query, narrowed to recent changes or to keys."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from datetime import UTC, datetime

OVERLAP_MINUTES = 2  # JQL compares at minute precision: re-read a little, writes are idempotent
ISSUE_KEY = re.compile(r"^[A-Za-z][A-Za-z0-9_]*-[1-9][0-9]*$")
_ORDER_BY = re.compile(r"\border\s+by\b", re.IGNORECASE)


OPEN = "statusCategory != Done"  # what aligner evaluates


def split_order_by(jql: str) -> tuple[str, str]:
    """Split `... ORDER BY x` at the last top-level ORDER BY outside quotes and parentheses."""
    depth, quote, cut = 0, "", -1
    i = 0
    while i < len(jql):
        char = jql[i]
        if quote:
            if char == "\\":
                i += 1
            elif char == quote:
                quote = ""
        elif char in "\"'":
            quote = char
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif depth == 0 and (match := _ORDER_BY.match(jql, i)) and (
                i == 0 or not jql[i - 1].isalnum()):
            cut = match.start()
        i += 1
    if cut < 0:
        return jql.strip(), ""
    return jql[:cut].strip(), jql[cut:].strip()


def scoped(jql: str, since: datetime | None, now: datetime) -> str:
    """The user's JQL, narrowed to items updated since `since` (minus an overlap), ordered.

    A full read (`since` None) asks for open items only: done ones are never evaluated, and
    a done ancestor is fetched by key like any ancestor. An incremental read keeps done
    items, so a ticket closed since the cursor is seen (and its flags cleaned).
    The updated bound is relative (`-125m`): an absolute "yyyy/MM/dd HH:mm" would be read in
    the API user's profile time zone, which aligner does not know.
    """
    where, order = split_order_by(jql)
    clauses = [f"({where})"] if where else []
    if since is None:
        clauses.append(OPEN)
    else:
        clauses.append(f'updated >= "-{minutes_since(since, now)}m"')
    query = " AND ".join(clauses)
    order = order or "ORDER BY key ASC"  # a stable order, so offset pages do not shift
    return f"{query} {order}".strip()


def minutes_since(since: datetime, now: datetime) -> int:
    """Whole minutes from `since` to `now`, rounded up, plus the overlap."""
    since = since if since.tzinfo else since.replace(tzinfo=UTC)
    now = now if now.tzinfo else now.replace(tzinfo=UTC)
    elapsed = max(0.0, (now - since).total_seconds())
    return math.ceil(elapsed / 60) + OVERLAP_MINUTES


def keys_query(keys: Iterable[str]) -> str:
    """`key in ("A-1", "B-2")`; callers pass only well-formed keys (see ISSUE_KEY)."""
    return "key in (" + ", ".join(f'"{key}"' for key in keys) + ")"


def missing_keys_named(messages: Iterable[str], asked: Iterable[str]) -> set[str]:
    """The keys a JQL error names as not existing (Data Center validates `key in` strictly)."""
    asked_upper = {key.upper(): key for key in asked}
    named: set[str] = set()
    for message in messages:
        for word in re.findall(r"[A-Za-z][A-Za-z0-9_]*-[0-9]+", message):
            if word.upper() in asked_upper:
                named.add(asked_upper[word.upper()])
    return named


def in_scope(jql: str) -> str:
    """What the scope evaluates: the user's JQL (its ORDER BY dropped), open items only."""
    where = split_order_by(jql)[0]
    return f"({where}) AND {OPEN}" if where else OPEN


def exits_query(jql: str, labels: Iterable[str]) -> str:
    """Tickets carrying any of aligner's `labels` that the scope does not evaluate."""
    quoted = ", ".join(quote(label) for label in labels)
    return f"labels in ({quoted}) AND NOT ({in_scope(jql)}) ORDER BY key ASC"


def quote(value: str) -> str:
    """A JQL string literal."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
