"""A stateful fake Linear: executes GraphQL against the official schema, over `responses`.

    fake = FakeLinear()
    chk = fake.add_team("CHK")
    top = fake.add_initiative("Grow self-serve")
    bet = fake.add_initiative("Frictionless checkout", parent=top)
    project = fake.add_project("Checkout v2", teams=["CHK"], initiatives=[bet])
    fake.add_issue("CHK", "Fix the cart", project=project)
    with responses.RequestsMock() as rsps:
        fake.install(rsps)
        ...                          # run the adapter or `aligner sync`
    fake.writes                      # [(mutation name, arguments)] in order
    fake.fail("ratelimited", on="mutation")   # the next matching request is throttled

Every request is validated and executed by graphql-core against Linear's committed SDL;
Linear's complexity rule is applied (over 10,000 points is refused). State persists between
requests. Counters: `requests` (every HTTP request), `query_requests`, `mutation_requests`,
`mutation_count` (individual mutations applied). `documents` holds every document received.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import requests
from graphql import (
    GraphQLSchema,
    OperationDefinitionNode,
    build_schema,
    execute,
    get_operation_ast,
    parse,
    validate,
)

from .latency import serialised
from .linear_complexity import MAX_COMPLEXITY, complexity
from .linear_graph import Record, Store, attach_resolvers
from .linear_mutations import attach_mutations
from .linear_records import Builders

URL = "https://api.linear.test/graphql"
SCHEMA = Path(__file__).resolve().parents[1] / "contracts" / "linear" / "linear-schema.graphql"
API_KEY = "lin_api_fake_0123456789"
DOCUMENTS: set[str] = set()  # every document any fake received in this process


@cache
def official_sdl() -> str:
    return SCHEMA.read_text(encoding="utf-8")


@cache
def official_schema() -> GraphQLSchema:
    """The official schema, built once; its resolvers reach each fake through the context."""
    schema = build_schema(official_sdl())
    attach_resolvers(schema)
    attach_mutations(schema)
    return schema


@dataclass
class Fault:
    """One injected failure for the next request that matches `on`."""

    kind: str  # ratelimited | 429 | 500 | drop | auth | auth200 | forbidden200 | invalid
    on: str = "any"  # any | query | mutation | a text the document must contain
    wait: float = 30.0  # seconds until the budget resets (ratelimited, 429)

    def matches(self, kind: str, document: str) -> bool:
        return self.on in ("any", kind) or (self.on not in ("query", "mutation")
                                            and self.on in document)


@dataclass
class Received:
    kind: str  # query | mutation
    name: str
    document: str
    variables: dict[str, Any]
    status: int = 200
    mutations: int = 0  # mutations applied by this request
    complexity: float = 0.0


@dataclass
class FakeLinear(Builders):
    url: str = URL
    api_key: str = API_KEY
    time: float = 1_800_000_000.0  # epoch seconds: `clock()`, advanced by tests' sleep
    requests: list[Received] = field(default_factory=list)
    writes: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    faults: list[Fault] = field(default_factory=list)
    store: Store = field(default_factory=Store)

    def __post_init__(self) -> None:
        viewer = self.add_user("aligner bot")
        self.store.viewer_id = viewer["id"]
        self.human = self.add_user("A. Human")
        self._schema = official_schema()
        self._current: Received | None = None
        self._valid: set[str] = set()  # documents validated once already

    # --- HTTP ------------------------------------------------------------------------------
    def install(self, rsps: Any) -> None:
        """Answer POSTs to `url` on a `responses.RequestsMock`."""
        rsps.add_callback("POST", self.url, callback=self._handle)

    def clock(self) -> float:
        return self.time

    def sleep(self, seconds: float) -> None:
        """A sleep for tests: advances the fake's clock."""
        self.time += seconds

    def fail(self, kind: str, on: str = "any", times: int = 1, wait: float = 30.0) -> None:
        self.faults.extend(Fault(kind, on, wait) for _ in range(times))

    @serialised
    def _handle(self, request: Any) -> tuple[int, dict[str, str], str]:
        payload = json.loads(request.body)
        source, variables = payload["query"], payload.get("variables") or {}
        DOCUMENTS.add(source)
        document = parse(source)
        operation = get_operation_ast(document, payload.get("operationName"))
        kind = operation.operation.value if operation else "query"
        name = operation.name.value if operation and operation.name else ""
        received = Received(kind, name, source, variables)
        self.requests.append(received)
        fault = self._take_fault(kind, source)
        if request.headers.get("Authorization") != self.api_key or (fault and
                                                                   fault.kind == "auth"):
            return self._error(received, 400, "AUTHENTICATION_ERROR",
                               "Authentication required, not authenticated")
        if fault and fault.kind in ("ratelimited", "429", "500"):
            return self._throttle(received, fault)
        if fault and fault.kind == "invalid":
            return self._error(received, 400, "GRAPHQL_VALIDATION_FAILED",
                               'Cannot query field "nope" on type "Query".')
        if fault and fault.kind in ("auth200", "forbidden200"):
            code = "AUTHENTICATION_ERROR" if fault.kind == "auth200" else "FORBIDDEN"
            return self._error(received, 200, code, "Not authorized")
        status, headers, body = self._execute(received, document, operation)
        if fault and fault.kind == "drop":  # applied, but the answer never arrives
            raise requests.ConnectionError("fake Linear: connection reset by peer")
        return status, headers, body

    def _take_fault(self, kind: str, source: str) -> Fault | None:
        for fault in self.faults:
            if fault.matches(kind, source):
                self.faults.remove(fault)
                return fault
        return None

    def _execute(self, received: Received, document: Any,
                 operation: OperationDefinitionNode | None) -> tuple[int, dict[str, str], str]:
        if received.document not in self._valid:  # the same document is valid every time
            errors = validate(self._schema, document)
            if errors:
                return self._error(received, 400, "GRAPHQL_VALIDATION_FAILED",
                                   errors[0].message)
            self._valid.add(received.document)
        received.complexity = complexity(self._schema, document, received.variables)
        if received.complexity > MAX_COMPLEXITY:
            return self._error(received, 400, "INVALID_INPUT",
                               f"Query too complex ({received.complexity:.0f} points)")
        self._current = received
        result = execute(self._schema, document, root_value={}, context_value=self,
                         variable_values=received.variables)
        self._current = None
        if result.data is None and result.errors and not any(e.path for e in result.errors):
            return self._error(received, 400, "INVALID_INPUT", result.errors[0].message)
        body: dict[str, Any] = {"data": result.data}
        if result.errors:
            body["errors"] = [e.formatted for e in result.errors]
        return 200, self._headers(received), json.dumps(body)

    def _headers(self, received: Received) -> dict[str, str]:
        return {"Content-Type": "application/json",
                "X-Complexity": str(int(received.complexity)),
                "X-RateLimit-Requests-Remaining": "4999",
                "X-RateLimit-Requests-Reset": str(int((self.time + 3600) * 1000))}

    def _error(self, received: Received, status: int, code: str,
               message: str) -> tuple[int, dict[str, str], str]:
        received.status = status
        body = {"data": None, "errors": [{"message": message, "extensions": {"code": code}}]}
        return status, {"Content-Type": "application/json"}, json.dumps(body)

    def _throttle(self, received: Received, fault: Fault) -> tuple[int, dict[str, str], str]:
        if fault.kind == "500":
            received.status = 500
            return 500, {"Content-Type": "text/plain"}, "upstream error"
        reset = str(int((self.time + fault.wait) * 1000))
        if fault.kind == "429":
            received.status = 429
            return 429, {"Retry-After": str(int(fault.wait))}, "Too Many Requests"
        status, headers, body = self._error(received, 400, "RATELIMITED", "Rate limit exceeded")
        headers.update({"X-RateLimit-Requests-Remaining": "0",
                        "X-RateLimit-Requests-Reset": reset,
                        "X-RateLimit-Complexity-Remaining": "200000",
                        "X-RateLimit-Complexity-Reset": reset})
        return status, headers, body

    def record_write(self, name: str, args: dict[str, Any]) -> None:
        self.writes.append((name, args))
        if self._current is not None:
            self._current.mutations += 1

    # --- counters --------------------------------------------------------------------------
    @property
    def query_requests(self) -> int:
        return sum(1 for r in self.requests if r.kind == "query")

    @property
    def mutation_requests(self) -> int:
        return sum(1 for r in self.requests if r.kind == "mutation")

    @property
    def mutation_count(self) -> int:
        return len(self.writes)

    @property
    def documents(self) -> list[str]:
        return [r.document for r in self.requests]

    def reset_counters(self) -> None:
        self.requests.clear()
        self.writes.clear()

    def writes_named(self, *names: str) -> list[dict[str, Any]]:
        return [args for name, args in self.writes if name in names]

    def find(self, table: str, **where: Any) -> list[Record]:
        rows: Iterable[Record] = getattr(self.store, table).values()
        return [r for r in rows if all(r.get(k) == v for k, v in where.items())]
