"""Contract: every GraphQL document the adapter can send is valid against Linear's schema.

Checked against the committed official schema (tests/contracts/linear/), not the adapter's
extract: the documents the adapter module defines, mutation batches of every shape, and every
document (with its variables) the fake received while the adapter ran through all its paths.
"""

from __future__ import annotations

import hashlib
import importlib.util
import re
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType

import pytest
from graphql import OperationDefinitionNode, parse, validate
from graphql.execution.values import get_variable_values

from aligner_adapters.linear import documents
from aligner_adapters.linear.documents import (
    MUTATIONS,
    TEAM_PAGE_SIZE,
    WRITE_BATCH_ITEMS,
    mutation_document,
    sample_documents,
)
from tests.fakes.linear import DOCUMENTS, SCHEMA, FakeLinear, official_schema
from tests.fakes.linear_complexity import complexity

from .conftest import AdapterFactory
from .test_write import read_all
from .workspace import build, plans_for

CONTRACTS = SCHEMA.parent


def _errors(source: str, variables: dict | None = None) -> list[str]:
    schema = official_schema()
    document = parse(source)
    found = [e.message for e in validate(schema, document)]
    if variables is not None and not found:
        operation = next(d for d in document.definitions
                         if isinstance(d, OperationDefinitionNode))
        coerced = get_variable_values(schema, operation.variable_definitions or (), variables)
        if isinstance(coerced, list):
            found += [e.message for e in coerced]
    return found


def test_the_module_enumerates_all_its_documents() -> None:
    constants = {value for value in vars(documents).values()
                 if isinstance(value, str) and re.match(r"\s*(query|mutation)\b", value)}
    assert constants and constants <= set(sample_documents().values())


@pytest.mark.parametrize("name", sorted(sample_documents()))
def test_every_adapter_document_is_valid(name: str) -> None:
    assert _errors(sample_documents()[name]) == []


def test_mutation_batches_of_every_shape_are_valid() -> None:
    kinds = list(MUTATIONS)
    ops = [(kinds[i % len(kinds)], f"i{i}x") for i in range(2 * WRITE_BATCH_ITEMS)]
    source = mutation_document("AlignerWrite", ops)
    assert _errors(source) == []
    assert complexity(official_schema(), parse(source)) < 1_000


def test_page_complexity_stays_well_below_linears_cap() -> None:
    schema = official_schema()
    assert complexity(schema, parse(documents.ISSUES_PAGE)) < 1_000
    assert complexity(schema, parse(documents.WORKSPACE)) < 5_000
    for name in ("Labels", "Projects", "Initiatives", "OwnComments"):
        assert complexity(schema, parse(documents.QUERIES[name])) < 5_000, name
    for name in ("IssueKeys", "ChangedOutside"):  # identifiers only: the mirror's lean pages
        assert complexity(schema, parse(documents.QUERIES[name])) <= 600, name


def _every_path(fake: FakeLinear, make_adapter: AdapterFactory) -> None:
    """Fetch, fetch missing, create labels and comments, update, delete, recover, discover."""
    ws = build(fake, issues=30)
    fake.add_label("aligner:untraced", team="CHK")  # forces a team-label fallback for PAY
    ops_label = fake.add_label("ops-only", team="OPS")  # read by id when its issue appears
    fake.issue(ws.ops_issue)["labelIds"].append(ops_label["id"])
    adapter = make_adapter()
    list(adapter.fetch_missing(["initiative:unknown"]))
    fake.fail("drop", on="mutation AlignerLabels")
    fake.fail("drop", on="commentCreate")
    list(adapter.apply(plans_for(read_all(adapter), ws.aligned_projects)))
    adapter = make_adapter()
    list(adapter.apply(plans_for(read_all(adapter), set(), code="AL102"), recover=True))
    adapter = make_adapter()
    list(adapter.apply(plans_for(read_all(adapter), ws.aligned_projects | {ws.side_quest})))
    mirror = make_adapter()  # what the backlog mirror asks: ids, exits, items by key
    assert list(mirror.scope_keys()) and list(mirror.refetch(["CHK-1", "OPS-1"]))
    list(mirror.scope_exits(["aligner:untraced"]))
    list(mirror.changed_outside(datetime(2026, 11, 1, tzinfo=UTC)))
    for number in range(TEAM_PAGE_SIZE):  # discovery reads every team: more than a page
        fake.add_team(f"T{number:03}")
    make_adapter().discover()


def test_every_document_the_fake_received_is_valid(fake: FakeLinear,
                                                   make_adapter: AdapterFactory) -> None:
    _every_path(fake, make_adapter)
    seen = {r.name for r in fake.requests}
    assert set(documents.QUERIES) <= seen and {"AlignerWrite", "AlignerLabels"} <= seen
    kinds = {name for name, _ in fake.writes}
    assert kinds == {"issueLabelCreate", "issueUpdate", "commentCreate", "commentUpdate",
                     "commentDelete"}
    for received in fake.requests:
        assert _errors(received.document, received.variables) == [], received.name


def test_every_document_any_fake_received_in_this_session_is_valid() -> None:
    assert all(_errors(source) == [] for source in sorted(DOCUMENTS))


def _extract_script() -> ModuleType:
    path = CONTRACTS / "extract_schema.py"
    spec = importlib.util.spec_from_file_location("extract_linear_schema", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_adapters_schema_extract_is_current() -> None:
    script = _extract_script()
    committed = Path(script.EXTRACT).read_text(encoding="utf-8")
    assert committed == script.current_extract(), "run tests/contracts/linear/extract_schema.py"


def test_the_official_schema_is_the_recorded_copy() -> None:
    digest = hashlib.sha256(SCHEMA.read_bytes()).hexdigest()
    assert digest in (CONTRACTS / "SOURCE.md").read_text(encoding="utf-8")
