"""`aligner schema`: a valid Draft 2020-12 JSON Schema that accepts the example and the starter."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from click.testing import CliRunner

from aligner.cli import cli
from aligner.init.starter import offline_starter

ACME = Path(__file__).parents[2] / "examples" / "acme" / "aligner.yaml"


class _EditorLoader(yaml.SafeLoader):
    """YAML as an editor's language server sees it: dates stay strings."""


_EditorLoader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    result = CliRunner().invoke(cli, ["schema"])
    assert result.exit_code == 0
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def validator(schema: dict[str, Any]) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def errors(schema: dict[str, Any], text: str) -> list[str]:
    document = yaml.load(text, Loader=_EditorLoader)  # a SafeLoader subclass: safe
    return [e.message for e in validator(schema).iter_errors(document)]


def test_is_a_valid_draft_2020_12_schema(schema: dict[str, Any]) -> None:
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] and schema["title"].startswith("aligner")


def test_accepts_the_example_and_the_starter(schema: dict[str, Any]) -> None:
    assert errors(schema, ACME.read_text(encoding="utf-8")) == []
    assert errors(schema, offline_starter(date(2026, 11, 15))) == []


def test_rejects_what_validate_rejects(schema: dict[str, Any]) -> None:
    base = "version: 1\n"
    assert errors(schema, base + "strategi: []\n")  # unknown key
    assert errors(schema, "version: 2\n")
    assert errors(schema, base + "objectives: [{id: X, team: t, status: paused}]\n")
    assert errors(schema, base + "trackers: {jria: {}}\n")  # unknown tracker
    assert errors(schema, base + "trackers: {jira: {url: https://x.example, jql: x, "
                              "auth: {email_env: A}}}\n")  # incomplete auth


def test_tracker_sections_are_described(schema: dict[str, Any]) -> None:
    trackers = schema["$defs"]["Trackers"]["properties"]
    assert {"file", "jira", "linear"} <= set(trackers)
    assert errors(schema, "version: 1\ntrackers: {file: {path: backlog.json}}\n") == []
    supports = schema["$defs"]["Objective"]["properties"]["supports"]
    assert "bet id or a strategy id" in supports["description"]


def test_output_option_writes_the_file(tmp_path: Path) -> None:
    target = tmp_path / "aligner.schema.json"
    assert CliRunner().invoke(cli, ["schema", "-o", str(target)]).exit_code == 0
    jsonschema.Draft202012Validator.check_schema(json.loads(target.read_text("utf-8")))


ALLOCATION = """version: 1
strategy: [{id: grow}]
allocation:
  strategy: {grow: 0.7}
  buckets:
    ktlo: {share: 0.2, match: {issue_types: [Bug]}}
    compliance: {share: 0.1, match: [{labels: [sox]}, {projects: [SEC], components: [Audit]}]}
waivers:
  - {match: {projects: [MKT]}, codes: [AL201], reason: agency, owner: a@b.example,
     expires: 2027-01-31}
"""


def test_allocation_and_selector_waivers_are_in_the_schema(schema: dict[str, Any]) -> None:
    assert errors(schema, ALLOCATION) == []
    assert errors(schema, ALLOCATION.replace("share: 0.2", "share: 2"))  # a share is 0..1
    assert errors(schema, ALLOCATION.replace("issue_types: [Bug]", "issue_typs: [Bug]"))
    match = schema["$defs"]["Bucket"]["properties"]["match"]
    assert "list of selectors" in match["description"]


def test_the_loader_checks_what_a_schema_cannot() -> None:
    from aligner.errors import ConfigError
    from aligner.model.load import config_from_text

    config_from_text(ALLOCATION)
    for wrong, says in ((ALLOCATION.replace("grow: 0.7", "grow: 0.9"), "add up to 1.2"),
                        (ALLOCATION.replace("{grow: 0.7}", "{grwo: 0.7}"), "unknown strategy"),
                        (ALLOCATION.replace("match: {projects: [MKT]}", "items: [X], match: "
                                            "{projects: [MKT]}"), "exactly one of them"),
                        (ALLOCATION.replace("{issue_types: [Bug]}", "{}"), "at least one")):
        with pytest.raises(ConfigError, match=says):
            config_from_text(wrong)
