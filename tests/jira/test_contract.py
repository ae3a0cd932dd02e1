"""Every request sent to a fake Jira during the suite matches Atlassian's OpenAPI contract.

Runs last (see conftest.py): it first drives one tour through every operation per deployment,
then checks every request recorded in this process — the tour's and all other tests' — against
the trimmed specs in tests/contracts/jira (the API version in the path picks the spec: v3 is
Cloud, v2 is Data Center). The fake's Cloud answers are checked against the response schemas
too, so the fake cannot drift from the shapes the adapter relies on.
"""

from __future__ import annotations

import importlib.util
import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import responses
from jsonschema import Draft4Validator

from aligner_adapters.jira.state import mark_adf
from tests.fakes.jira import CLOUD, DATACENTER, RECORDED, FakeJira, Recorded

from .support import DANGLING, adapter, full_run, seed_backlog

CONTRACTS = Path(__file__).resolve().parents[1] / "contracts" / "jira"
SHARED = CONTRACTS.parents[2].parent / "shared"


@cache
def spec(name: str) -> dict[str, Any]:
    return json.loads((CONTRACTS / f"{name}.json").read_text(encoding="utf-8"))


def spec_for(record: Recorded) -> str:
    return "cloud" if record.path.startswith("/rest/api/3/") else "dc"


def operation(name: str, method: str, path: str) -> tuple[str, dict[str, Any]] | None:
    """(template, operation) for a site-relative path, with the spec's server path prefix."""
    document = spec(name)
    prefix = re.sub(r"^[a-z]+://[^/]+", "", document["servers"][0]["url"]).rstrip("/")
    for template, item in document["paths"].items():
        pattern = re.escape(prefix + template)
        pattern = re.sub(r"\\\{[^}]+\\\}", "[^/]+", pattern)
        if re.fullmatch(pattern, path) and method.lower() in item:
            return template, {**item[method.lower()],
                              "parameters": item.get("parameters", []) +
                              item[method.lower()].get("parameters", [])}
    return None


def validate(name: str, schema: dict[str, Any], instance: Any) -> list[str]:
    rooted = {**schema, "components": spec(name)["components"]}
    return [f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message[:160]}"
            for e in Draft4Validator(rooted).iter_errors(instance)]


def query_problems(op: dict[str, Any], query: dict[str, list[str]]) -> list[str]:
    declared = {p["name"]: p.get("schema") or {} for p in op["parameters"]
                if p.get("in") == "query"}
    problems = []
    for name, values in query.items():
        if name not in declared:
            problems.append(f"query parameter {name!r} is not declared")
            continue
        kind = declared[name].get("type")
        for value in values:
            if kind == "integer" and not value.isdigit():
                problems.append(f"{name}={value!r} is not an integer")
            if kind == "boolean" and value not in ("true", "false"):
                problems.append(f"{name}={value!r} is not a boolean")
            if "enum" in declared[name] and value not in declared[name]["enum"]:
                problems.append(f"{name}={value!r} is not one of {declared[name]['enum']}")
    return problems


def problems_of(record: Recorded) -> list[str]:
    name = spec_for(record)
    found = operation(name, record.method, record.path)
    if found is None:
        return [f"{record.method} {record.path}: no such operation in the {name} spec"]
    _, op = found
    problems = query_problems(op, record.query)
    body_spec = (op.get("requestBody") or {}).get("content", {}).get("application/json")
    if record.body is not None and body_spec is None:
        problems.append("a body was sent to an operation that takes none")
    elif body_spec is not None and record.body is None and op["requestBody"].get("required"):
        problems.append("the required body is missing")
    elif body_spec is not None and record.body is not None:
        problems += validate(name, body_spec["schema"], record.body)
    return [f"{record.method} {record.path}: {p}" for p in problems]


def response_problems(record: Recorded) -> list[str]:
    """Cloud answers only: the DC spec types every issue field as an object and the field
    list as a single object, which no real Data Center answer is."""
    found = operation("cloud", record.method, record.path) if spec_for(record) == "cloud" \
        else None
    if found is None or record.status not in (200, 201) or record.response is None:
        return []
    answer = (found[1].get("responses") or {}).get(str(record.status), {})
    schema = (answer.get("content") or {}).get("application/json", {}).get("schema")
    if not schema:
        return []
    return [f"answer to {record.method} {record.path}: {p}"
            for p in validate("cloud", schema, record.response)]


def tour(mode: str) -> FakeJira:
    """One pass through every operation the adapter uses, on a fresh fake site."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        fake = FakeJira(mode).install(rsps)
        fake.add_project("CHK", "Checkout", components=["Cart", "Payments page"])
        seed_backlog(fake, size=120)
        assert adapter(fake).discover().teams  # what `aligner init --from jira` asks
        fake.drop("POST", "/issue/CHK-2/comment$")  # makes the adapter list comments
        if fake.cloud:  # a comment a killed run never recorded: the precheck asks who we are
            fake.add_comment("CHK-1", mark_adf({"type": "doc", "version": 1, "content": []}),
                             author=fake.email)
        full_run(fake, deployment="auto")
        epic_of = "parent" if fake.cloud else "customfield_12311120"
        fake.update_fields("CHK-1", **{epic_of: {"key": DANGLING} if fake.cloud else DANGLING})
        fake.update_fields("CHK-2", **{epic_of: {"key": "PLAT-1"} if fake.cloud else "PLAT-1"})
        full_run(fake)
    return fake


def test_every_request_of_the_suite_matches_the_contract() -> None:
    for mode in (CLOUD, DATACENTER):
        site = tour(mode)  # a rightly configured adapter speaks only its deployment's API
        assert {spec_for(r) for r in site.requests} == {"cloud" if site.cloud else "dc"}
    problems = [p for record in RECORDED for p in problems_of(record)]
    assert problems == []


def test_every_operation_of_the_extract_was_exercised() -> None:
    used = set()
    for record in RECORDED:
        found = operation(spec_for(record), record.method, record.path)
        if found:
            used.add((spec_for(record), found[0], record.method))
    for name in ("cloud", "dc"):
        for template, item in spec(name)["paths"].items():
            for method in (m for m in item if m != "parameters"):
                assert (name, template, method.upper()) in used, (name, method, template)


def test_the_fakes_answers_match_the_response_schemas() -> None:
    problems = [p for record in RECORDED for p in response_problems(record)]
    assert problems[:10] == []


def test_the_checker_catches_what_jira_would_refuse() -> None:
    bad_param = Recorded(CLOUD, "GET", "/rest/api/3/search/jql", {"startAt": ["0"]}, None)
    labels_as_string = Recorded(CLOUD, "PUT", "/rest/api/3/issue/CHK-1", {},
                                {"update": {"labels": [{"append": "x"}]}})
    unknown = Recorded(DATACENTER, "POST", "/rest/api/2/issue/bulkfetch", {}, {})
    bad_property = Recorded(CLOUD, "PUT", "/rest/api/3/issue/CHK-1", {},
                            {"properties": [{"key": "aligner", "val": 1}]})
    for record in (bad_param, labels_as_string, unknown, bad_property):
        assert problems_of(record), record


def test_the_extract_is_a_faithful_cut_of_the_shared_specs() -> None:
    if not (SHARED / "contracts" / "jira-cloud-openapi-v3.json").exists():
        pytest.skip("the shared contracts directory is not present")
    loader = importlib.util.spec_from_file_location("jira_trim", CONTRACTS / "trim.py")
    assert loader and loader.loader
    trim = importlib.util.module_from_spec(loader)
    loader.loader.exec_module(trim)
    fresh = trim.build(SHARED)
    assert fresh["cloud"] == spec("cloud") and fresh["dc"] == spec("dc")
