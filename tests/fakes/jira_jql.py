"""A small, real JQL evaluator for the fake Jira: the subset aligner and its tests send.

Supported: AND / OR / NOT and parentheses; `field = v`, `!=`, `>=`, `<=`, `>`, `<`,
`field [not] in (a, b)`, `field is [not] empty`; fields project, key / issueKey, status,
statusCategory, labels, issuetype / type, component, updated / created (relative `-125m`,
`-2h`, `-1d`, `-1w`, or absolute `yyyy/MM/dd [HH:mm]` / `yyyy-MM-dd [HH:mm]`, read as UTC);
`ORDER BY key | updated | created [ASC | DESC], ...`. Anything else is a 400, as on a real site.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

Issue = Mapping[str, Any]
Predicate = Callable[[Issue], bool]


class JqlError(ValueError):
    """The query is not valid: the fake answers 400 with these messages."""

    def __init__(self, *messages: str) -> None:
        super().__init__("; ".join(messages))
        self.messages = list(messages)


_TOKEN = re.compile(r'\s*(?:(?P<str>"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\')'
                    r'|(?P<op>!=|>=|<=|[=<>~(),])|(?P<word>[^\s"\'=!<>~(),]+))')
_RELATIVE = re.compile(r"^-(\d+)([wdhm])$")
_UNITS = {"w": "weeks", "d": "days", "h": "hours", "m": "minutes"}


def tokenize(jql: str) -> list[tuple[str, str]]:
    tokens, pos = [], 0
    while pos < len(jql.rstrip()):
        match = _TOKEN.match(jql, pos)
        if not match or match.end() == pos:
            raise JqlError(f"Error in the JQL Query: unexpected character at position {pos}.")
        kind = match.lastgroup or "word"
        text = match.group(kind)
        if kind == "str":
            text = re.sub(r"\\(.)", r"\1", text[1:-1])
        tokens.append((kind, text))
        pos = match.end()
    return tokens


def parse_time(value: str, now: datetime) -> datetime:
    relative = _RELATIVE.match(value.strip())
    if relative:
        return now - timedelta(**{_UNITS[relative.group(2)]: int(relative.group(1))})
    for fmt in ("%Y/%m/%d %H:%M", "%Y-%m-%d %H:%M", "%Y/%m/%d", "%Y-%m-%d"):
        try:
            return datetime.strptime(value.strip(), fmt).replace(tzinfo=UTC)
        except ValueError:
            continue
    raise JqlError(f"Date value '{value}' for field 'updated' is invalid.")


def issue_time(issue: Issue, field: str) -> datetime:
    return datetime.strptime(issue["fields"][field], "%Y-%m-%dT%H:%M:%S.%f%z")


def key_order(key: str) -> tuple[str, int]:
    project, _, number = key.rpartition("-")
    return project, int(number) if number.isdigit() else 0


FIELDS = {"project", "key", "issuekey", "status", "statuscategory", "labels", "issuetype", "type",
          "component", "updated", "created"}


def _values(issue: Issue, field: str) -> list[str]:
    fields = issue["fields"]
    if field == "project":
        return [fields["project"]["key"], str(fields["project"].get("id", ""))]
    if field in ("key", "issuekey"):
        return [issue["key"], str(issue["id"])]
    if field == "status":
        return [fields["status"]["name"]]
    if field == "statuscategory":  # an odd payload (a test's) matches no category
        category = (fields["status"] if isinstance(fields["status"], dict) else {}).get(
            "statusCategory") or {}
        return [category["name"], category["key"]] if category else []
    if field == "labels":
        return list(fields.get("labels") or ())
    if field in ("issuetype", "type"):
        return [fields["issuetype"]["name"]]
    if field == "component":
        return [c["name"] for c in fields.get("components") or ()]
    raise JqlError(f"Field '{field}' does not exist or you do not have permission to view it.")


class Parser:
    """Recursive descent over the tokens; `known_keys` lets key clauses validate."""

    def __init__(self, jql: str, now: datetime, known_keys: set[str], validate: bool) -> None:
        self.tokens = tokenize(jql)
        self.pos = 0
        self.now = now
        self.known_keys = known_keys
        self.validate = validate
        self.missing: list[str] = []

    def peek(self, upper: bool = True) -> str | None:
        if self.pos >= len(self.tokens):
            return None
        kind, text = self.tokens[self.pos]
        return text.upper() if upper and kind == "word" else text

    def take(self) -> str:
        if self.pos >= len(self.tokens):
            raise JqlError("Error in the JQL Query: the query ended unexpectedly.")
        self.pos += 1
        return self.tokens[self.pos - 1][1]

    def expect(self, text: str) -> None:
        found = self.take()
        if found.upper() != text:
            raise JqlError(f"Error in the JQL Query: expecting '{text}' but got '{found}'.")

    def query(self) -> tuple[Predicate, list[tuple[str, bool]]]:
        predicate: Predicate = lambda issue: True  # noqa: E731
        if self.peek() not in (None, "ORDER"):
            predicate = self.expr()
        order: list[tuple[str, bool]] = []
        if self.peek() == "ORDER":
            self.take()
            self.expect("BY")
            order.append(self.order_item())
            while self.peek() == ",":
                self.take()
                order.append(self.order_item())
        if self.peek() is not None:
            raise JqlError(f"Error in the JQL Query: unexpected '{self.peek(False)}'.")
        if self.validate and self.missing:
            raise JqlError(*(f"An issue with key '{k}' does not exist for field 'key'."
                             for k in self.missing))
        return predicate, order

    def order_item(self) -> tuple[str, bool]:
        field = self.take().casefold()
        if field not in ("key", "updated", "created"):
            raise JqlError(f"Not able to sort using field '{field}'.")
        descending = False
        if self.peek() in ("ASC", "DESC"):
            descending = self.take().upper() == "DESC"
        return field, descending

    def expr(self) -> Predicate:
        terms = [self.term()]
        while self.peek() == "OR":
            self.take()
            terms.append(self.term())
        return lambda issue: any(t(issue) for t in terms)

    def term(self) -> Predicate:
        factors = [self.factor()]
        while self.peek() == "AND":
            self.take()
            factors.append(self.factor())
        return lambda issue: all(f(issue) for f in factors)

    def factor(self) -> Predicate:
        if self.peek() == "NOT":
            self.take()
            inner = self.factor()
            return lambda issue: not inner(issue)
        if self.peek() == "(":
            self.take()
            inner = self.expr()
            self.expect(")")
            return inner
        return self.clause()

    def clause(self) -> Predicate:
        field = self.take().casefold()
        if field not in FIELDS:
            raise JqlError(f"Field '{field}' does not exist or you do not have permission to "
                           "view it.")
        op = self.take().upper()
        if op == "NOT":
            self.expect("IN")
            op = "NOT IN"
        if op == "IS":
            negate = self.peek() == "NOT"
            if negate:
                self.take()
            self.expect("EMPTY")
            return lambda issue: bool(_values(issue, field)) == negate
        wanted = self.value_list() if op in ("IN", "NOT IN") else [self.take()]
        if field in ("updated", "created"):
            return self.time_clause(field, op, wanted[0])
        if field in ("key", "issuekey"):
            self.missing += [k for k in wanted if k.upper() not in self.known_keys]
        folded = {w.casefold() for w in wanted}
        match: Predicate = lambda issue: any(  # noqa: E731
            v.casefold() in folded for v in _values(issue, field))
        if op in ("=", "IN"):
            return match
        if op in ("!=", "NOT IN"):
            return lambda issue: not match(issue)
        raise JqlError(f"The operator '{op}' is not supported by the '{field}' field.")

    def value_list(self) -> list[str]:
        self.expect("(")
        values = [self.take()]
        while self.peek() == ",":
            self.take()
            values.append(self.take())
        self.expect(")")
        return values

    def time_clause(self, field: str, op: str, value: str) -> Predicate:
        bound = parse_time(value, self.now)
        compare = {">=": lambda t: t >= bound, ">": lambda t: t > bound,
                   "<=": lambda t: t <= bound, "<": lambda t: t < bound}.get(op)
        if compare is None:
            raise JqlError(f"The operator '{op}' is not supported by the '{field}' field.")
        return lambda issue: compare(issue_time(issue, field).replace(second=0, microsecond=0))


def evaluate(jql: str, issues: Mapping[str, Issue], now: datetime,
             validate: bool = True) -> list[Issue]:
    """The issues a query matches, in its order (key ascending when it names none)."""
    parser = Parser(jql, now, {k.upper() for k in issues}, validate)
    predicate, order = parser.query()
    found = [issue for issue in issues.values() if predicate(issue)]
    found.sort(key=lambda i: key_order(i["key"]))
    for field, descending in reversed(order):
        sort_key = (lambda i: key_order(i["key"])) if field == "key" else (
            lambda i, f=field: issue_time(i, f))
        found.sort(key=sort_key, reverse=descending)
    return found
