"""The in-memory Linear workspace behind the fake: records, filters, and schema resolvers.

Resolvers are attached to an executable schema built from Linear's official SDL, so every
request is validated and executed exactly as the schema says. Filters and arguments the fake
does not implement raise an error instead of being ignored, so a test can never pass by
accident on a filter the fake silently dropped.
"""

from __future__ import annotations

import base64
import itertools
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

Record = dict[str, Any]


class FakeLinearError(Exception):
    """A Linear user error: the field errors, the request goes on (HTTP 200)."""

    def __init__(self, message: str, code: str = "INVALID_INPUT") -> None:
        super().__init__(message)
        self.extensions = {"code": code, "userPresentableMessage": message}


def _time(value: Any) -> datetime:
    return datetime.fromisoformat(str(value).replace("Z", "+00:00"))


@dataclass
class Store:
    """Every entity by id, in creation order (which is also the pagination order)."""

    users: dict[str, Record] = field(default_factory=dict)
    teams: dict[str, Record] = field(default_factory=dict)
    labels: dict[str, Record] = field(default_factory=dict)
    projects: dict[str, Record] = field(default_factory=dict)
    initiatives: dict[str, Record] = field(default_factory=dict)
    issues: dict[str, Record] = field(default_factory=dict)
    comments: dict[str, Record] = field(default_factory=dict)
    viewer_id: str = ""
    now: datetime = field(default_factory=lambda: datetime(2026, 11, 20, 12, tzinfo=UTC))
    _ids: Iterable[int] = field(default_factory=itertools.count)
    _relations: Any = field(default=None, repr=False)

    def new_id(self, kind: str) -> str:
        return str(uuid.uuid5(uuid.NAMESPACE_URL, f"fake-linear:{kind}:{next(self._ids)}"))

    def tick(self) -> str:
        self.now += timedelta(seconds=1)
        return self.now.isoformat().replace("+00:00", "Z")

    def touch(self, issue: Record) -> None:
        issue["updatedAt"] = self.tick()

    def relation_map(self) -> dict[str, dict[str, tuple[str, Callable[[Record], Any]]]]:
        if self._relations is None:
            self._relations = relations(self)
        return self._relations

    def get(self, table: str, entity_id: Any, what: str) -> Record:
        record = getattr(self, table).get(str(entity_id))
        if record is None:
            raise FakeLinearError(f"Entity not found: {what}", "ENTITY_NOT_FOUND")
        return record


# --- filters ---------------------------------------------------------------------------------

COMPARATORS = {
    "eq": lambda v, a: v == a, "neq": lambda v, a: v != a,
    "in": lambda v, a: v in a, "nin": lambda v, a: v not in a,
    "gt": lambda v, a: v > a, "gte": lambda v, a: v >= a,
    "lt": lambda v, a: v < a, "lte": lambda v, a: v <= a,
    "contains": lambda v, a: a in (v or ""), "startsWith": lambda v, a: (v or "").startswith(a),
    "containsIgnoreCase": lambda v, a: a.casefold() in (v or "").casefold(),
    "eqIgnoreCase": lambda v, a: (v or "").casefold() == a.casefold(),
}
DATE_FIELDS = frozenset({"updatedAt", "createdAt"})


def relations(store: Store) -> dict[str, dict[str, tuple[str, Callable[[Record], Any]]]]:
    """Filterable relations per type: field -> (related type, getter); `*` marks a list."""
    return {
        "Issue": {
            "team": ("Team", lambda r: store.teams.get(r["teamId"])),
            "project": ("Project", lambda r: store.projects.get(r.get("projectId") or "")),
            "parent": ("Issue", lambda r: store.issues.get(r.get("parentId") or "")),
            "labels": ("IssueLabel*", lambda r: [store.labels[i] for i in r["labelIds"]]),
            "state": ("WorkflowState", lambda r: {"type": r["stateType"]}),
            "comments": ("Comment*", lambda r: comments_of(store, r["id"])),
        },
        "Comment": {
            "user": ("User", lambda r: store.users.get(r.get("userId") or "")),
            "issue": ("Issue", lambda r: store.issues.get(r["issueId"])),
        },
        "IssueLabel": {"team": ("Team", lambda r: store.teams.get(r.get("teamId") or ""))},
        "Project": {
            "accessibleTeams": ("Team*", lambda r: [store.teams[t] for t in r["teamIds"]]),
            "initiatives": ("Initiative*",
                            lambda r: [store.initiatives[i] for i in r["initiativeIds"]]),
        },
        "Initiative": {}, "Team": {}, "User": {}, "WorkflowState": {},
    }


SCALARS = {
    "Issue": {"id", "number", "title", "updatedAt", "createdAt"},
    "Comment": {"id", "body", "createdAt", "updatedAt"},
    "IssueLabel": {"id", "name"}, "Team": {"id", "key", "name"}, "User": {"id", "isMe"},
    "Project": {"id", "name"}, "Initiative": {"id", "name"}, "WorkflowState": {"type"},
}


def matches(store: Store, type_name: str, record: Record | None, spec: dict[str, Any]) -> bool:
    """Linear's filter semantics for the subset the adapter uses; anything else raises."""
    if record is None:
        return spec.get("null") is True
    rels = store.relation_map()[type_name]
    for key, condition in spec.items():
        if key == "and":
            ok = all(matches(store, type_name, record, c) for c in condition)
        elif key == "or":
            ok = any(matches(store, type_name, record, c) for c in condition)
        elif key == "null":
            ok = condition is False
        elif key in rels:
            related, getter = rels[key]
            ok = _relation(store, related, getter(record), condition)
        elif key in SCALARS[type_name]:
            value = record["id"] == store.viewer_id if key == "isMe" else record.get(key)
            ok = compare(key, value, condition)
        else:
            raise FakeLinearError(f"fake Linear: filter {type_name}.{key} is not implemented")
        if not ok:
            return False
    return True


def _relation(store: Store, related: str, value: Any, condition: dict[str, Any]) -> bool:
    if not related.endswith("*"):
        return matches(store, related, value, condition)
    kind = related[:-1]
    for key, sub in condition.items():
        if key == "some" and not any(matches(store, kind, v, sub) for v in value):
            return False
        if key == "every" and not all(matches(store, kind, v, sub) for v in value):
            return False
        if key not in ("some", "every"):
            raise FakeLinearError(f"fake Linear: collection filter {key} is not implemented")
    return True


def compare(name: str, value: Any, comparator: dict[str, Any]) -> bool:
    for op, argument in comparator.items():
        if op not in COMPARATORS:
            raise FakeLinearError(f"fake Linear: comparator {op} is not implemented")
        if name in DATE_FIELDS:
            value, argument = _time(value), (
                [_time(a) for a in argument] if isinstance(argument, list) else _time(argument))
        if not COMPARATORS[op](value, argument):
            return False
    return True


# --- pagination ------------------------------------------------------------------------------

def cursor_of(record: Record) -> str:
    return base64.urlsafe_b64encode(f"c:{record['id']}".encode()).decode()


def connection(records: Iterable[Record], args: dict[str, Any]) -> Record:
    """Forward cursor pagination as Linear does it: `first` (default 50, at most 250)."""
    unsupported = set(args) - {"first", "after", "filter", "includeArchived", "orderBy"}
    if unsupported or args.get("last") or args.get("before"):
        raise FakeLinearError(f"fake Linear: pagination arguments {sorted(unsupported)}")
    rows = list(records)
    first = args.get("first") or 50
    if not 0 < first <= 250:
        raise FakeLinearError("first must be between 1 and 250")
    start = 0
    if args.get("after"):
        cursors = [cursor_of(r) for r in rows]
        if args["after"] not in cursors:
            raise FakeLinearError("invalid cursor")
        start = cursors.index(args["after"]) + 1
    page = rows[start:start + first]
    more = start + first < len(rows)
    return {"nodes": page, "edges": [{"node": r, "cursor": cursor_of(r)} for r in page],
            "pageInfo": {"hasNextPage": more, "hasPreviousPage": start > 0,
                         "startCursor": cursor_of(page[0]) if page else None,
                         "endCursor": cursor_of(page[-1]) if page else None}}


def comments_of(store: Store, issue_id: str) -> list[Record]:
    return [c for c in store.comments.values() if c["issueId"] == issue_id]


def filtered(store: Store, type_name: str, records: Iterable[Record],
             args: dict[str, Any]) -> Record:
    spec = args.get("filter") or {}
    return connection((r for r in records if matches(store, type_name, r, spec)), args)


# --- resolvers -------------------------------------------------------------------------------
# The executable schema is built once per process; resolvers find the fake's store through the
# execution context (the FakeLinear instance), so every fake keeps its own workspace.

def store_of(info: Any) -> Store:
    return info.context.store


def attach_resolvers(schema: Any) -> None:
    """Wire the read side of the schema to the store (mutations: `linear_mutations`)."""
    query = schema.query_type.fields

    def root(table: str, type_name: str) -> Callable[..., Record]:
        return lambda _src, info, **args: filtered(
            store_of(info), type_name, getattr(store_of(info), table).values(), args)

    query["issues"].resolve = root("issues", "Issue")
    query["issueLabels"].resolve = root("labels", "IssueLabel")
    query["projects"].resolve = root("projects", "Project")
    query["initiatives"].resolve = root("initiatives", "Initiative")
    query["teams"].resolve = root("teams", "Team")
    query["viewer"].resolve = lambda _src, info: store_of(info).users[store_of(info).viewer_id]
    _object_resolvers(schema)


def _one(table: str, key: str) -> Callable[..., Record | None]:
    return lambda src, info: getattr(store_of(info), table).get(src.get(key) or "")


def _many(type_name: str, rows: Callable[[Store, Record], list[Record]]) -> Callable[..., Record]:
    return lambda src, info, **args: filtered(
        store_of(info), type_name, rows(store_of(info), src), args)


def _object_resolvers(schema: Any) -> None:
    def fields(type_name: str) -> Any:
        return schema.type_map[type_name].fields

    issue = fields("Issue")
    issue["team"].resolve = _one("teams", "teamId")
    issue["parent"].resolve = _one("issues", "parentId")
    issue["project"].resolve = _one("projects", "projectId")
    issue["state"].resolve = lambda src, _info: {"type": src["stateType"],
                                                 "name": src["stateType"].title()}
    issue["labels"].resolve = _many("IssueLabel",
                                    lambda st, src: [st.labels[i] for i in src["labelIds"]])
    issue["comments"].resolve = _many("Comment", lambda st, src: comments_of(st, src["id"]))
    issue["children"].resolve = _many("Issue", lambda st, src: [
        i for i in st.issues.values() if i.get("parentId") == src["id"]])
    fields("IssueLabel")["team"].resolve = _one("teams", "teamId")
    fields("Comment")["user"].resolve = _one("users", "userId")
    fields("Comment")["issue"].resolve = _one("issues", "issueId")
    fields("Initiative")["parentInitiative"].resolve = _one("initiatives", "parentId")
    project = fields("Project")
    project["initiatives"].resolve = lambda src, info, **args: connection(
        [store_of(info).initiatives[i] for i in src["initiativeIds"]], args)
    project["teams"].resolve = _many("Team", lambda st, src: [st.teams[t] for t in src["teamIds"]])
    fields("User")["isMe"].resolve = lambda src, info: src["id"] == store_of(info).viewer_id
