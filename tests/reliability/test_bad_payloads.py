"""Odd tracker payloads never produce a traceback: a per-item finding or one clear line.

Random and mutated Jira issues and Linear nodes go through the shared mapping functions
(which must either return a well-typed item or raise the errors their callers skip) and
through the file adapter end to end (`aligner check`). Parent chains with cycles become AL102.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aligner.engine.items import BacklogItem
from aligner_adapters.jira import mapping as jira_mapping
from aligner_adapters.jira.fields import FieldIds
from aligner_adapters.linear import mapping as linear_mapping

from .support import ACME, AS_OF, assert_no_traceback, assert_one_line_error, get_in, invoke
from .support import paths_of as all_paths

SETTINGS = settings(max_examples=100, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])
SKIPPABLE = (KeyError, TypeError, AttributeError, ValueError)  # what callers catch per item
JIRA_ISSUES = json.loads((ACME / "jira-backlog.json").read_text())["issues"]
LINEAR_NODES = json.loads((ACME / "linear-backlog.json").read_text())["data"]["issues"]["nodes"]
FIELD_IDS = FieldIds(epic_link="customfield_10014", team="customfield_10001")

MODEL = """\
version: 1
strategy: [{id: grow}]
objectives:
  - {id: OBJ-1, team: core, supports: grow, links: ["jira:ROOT-1", "linear:project:p1"]}
teams:
  - id: core
    owns: {jira: {projects: [ROOT, CYC], components: [Api]}, linear: {teams: [CYC]},
           labels: [area:core]}
trackers:
  file: {path: backlog.json}
"""

text = st.text(max_size=30)  # lone surrogates too: JSON can carry "\ud800"
scalars = st.one_of(st.none(), st.booleans(), st.integers(-(2**64), 2**64),
                    st.floats(allow_nan=False), text,
                    st.sampled_from(["", " ", "done", "completed", "CHK-1", "okr:CHK-Q4-1",
                                     "aligner:untraced", "\n", "-1", "ROOT-1"]))
json_values = st.recursive(
    scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(text, inner,
                                                                         max_size=3),
    max_leaves=8)


@st.composite
def mutated(draw: st.DrawFn, originals: list[dict[str, Any]]) -> dict[str, Any]:
    node = copy.deepcopy(draw(st.sampled_from(originals)))
    for _ in range(draw(st.integers(1, 4))):
        paths = [p for p in all_paths(node) if p]
        path = draw(st.sampled_from(paths))
        parent = get_in(node, path[:-1])
        if draw(st.booleans()):
            del parent[path[-1]]
        else:
            parent[path[-1]] = draw(json_values)
        if not isinstance(node, dict):
            break
    return node


def assert_well_typed(item: BacklogItem) -> None:
    """What rules and renderers rely on, whatever the payload held."""
    assert isinstance(item.key, str) and isinstance(item.title, str)
    for name in ("url", "id", "objective_ref", "updated"):
        value = getattr(item, name)
        assert value is None or isinstance(value, str), (name, value)
    for name in ("parents", "refs", "labels"):
        values = getattr(item, name)
        assert isinstance(values, tuple) and all(isinstance(v, str) for v in values), (
            name, values)
    for holder in item.holders:
        assert isinstance(holder.key, str) and isinstance(holder.label, str), holder
    for area in item.areas:
        assert isinstance(area.name, str) and all(isinstance(k, str) for k in area.keys), area
    assert isinstance(item.open, bool)
    assert all(isinstance(label, str) for label in item.flags.labels)


def map_jira(raw: Any) -> BacklogItem | None:
    try:
        return jira_mapping.issue_to_item(raw, source="jira", field_ids=FIELD_IDS,
                                          base_url=jira_mapping.site_of(raw)
                                          if isinstance(raw, dict) else None,
                                          objective_field="customfield_10099")
    except SKIPPABLE:
        return None


@SETTINGS
@given(raw=st.one_of(mutated(JIRA_ISSUES), json_values))
def test_jira_mapping_returns_a_typed_item_or_a_skippable_error(raw: Any) -> None:
    item = map_jira(raw)
    if item is not None:
        assert_well_typed(item)


@SETTINGS
@given(raw=st.one_of(mutated(LINEAR_NODES), json_values))
def test_linear_mapping_returns_typed_items_or_a_skippable_error(raw: Any) -> None:
    try:
        items = [*linear_mapping.containers_of(raw, source="linear"),
                 linear_mapping.issue_to_item(raw, source="linear")]
    except SKIPPABLE:
        return
    for item in items:
        assert_well_typed(item)


def run_check(tmp: Path, payload: Any, fmt: str = "json") -> Any:
    (tmp / "aligner.yaml").write_text(MODEL)
    (tmp / "backlog.json").write_text(json.dumps(payload), encoding="utf-8")
    result = invoke("check", "-c", str(tmp / "aligner.yaml"), "--as-of", AS_OF,
                    "--format", fmt)
    assert_no_traceback(result)
    if result.exit_code not in (0, 1):
        assert_one_line_error(result)
        return None
    return json.loads(result.stdout) if fmt == "json" else result.stdout


@SETTINGS
@given(issues=st.lists(st.one_of(mutated(JIRA_ISSUES), json_values), max_size=4),
       shape=st.sampled_from(["search", "list"]),
       fmt=st.sampled_from(["json", "text"]))
def test_odd_jira_export_through_check(tmp_path_factory: Any, issues: list[Any],
                                       shape: str, fmt: str) -> None:
    payload = {"issues": issues} if shape == "search" else issues
    run_check(tmp_path_factory.mktemp("j"), payload, fmt)


@SETTINGS
@given(nodes=st.lists(st.one_of(mutated(LINEAR_NODES), json_values), min_size=1, max_size=4),
       shape=st.sampled_from(["response", "list"]),
       fmt=st.sampled_from(["json", "text"]))
def test_odd_linear_export_through_check(tmp_path_factory: Any, nodes: list[Any],
                                         shape: str, fmt: str) -> None:
    payload = {"data": {"issues": {"nodes": nodes}}} if shape == "response" else nodes
    run_check(tmp_path_factory.mktemp("l"), payload, fmt)


def has_cycle_above(key: str, parents: dict[str, list[str]]) -> bool:
    """True when walking parents upward from `key` can revisit a node."""
    state: dict[str, int] = {}

    def visit(node: str) -> bool:
        state[node] = 1
        for parent in parents.get(node, ()):
            if state.get(parent) == 1 or (parent not in state and visit(parent)):
                return True
        state[node] = 2
        return False

    return visit(key)


@SETTINGS
@given(links=st.lists(st.lists(st.integers(0, 5), max_size=2), min_size=1, max_size=6),
       done=st.sets(st.integers(0, 5)))
def test_parent_cycles_become_al102(tmp_path_factory: Any, links: list[list[int]],
                                    done: set[int]) -> None:
    """Any open item whose parent chain loops gets AL102 naming the loop; nothing hangs."""
    count = len(links)
    keys = [f"CYC-{i + 1}" for i in range(count)]
    parents = {keys[i]: [keys[p] for p in ps if p < count] for i, ps in enumerate(links)}
    issues = []
    for i, key in enumerate(keys):
        fields: dict[str, Any] = {
            "summary": f"item {i}", "project": {"key": "CYC"},
            "status": {"statusCategory": {"key": "done" if i in done else "new"}}}
        refs = parents[key]
        if refs:
            fields["parent"] = {"key": refs[0]}
        if len(refs) > 1:
            fields["customfield_10014"] = refs[1]
        issues.append({"id": str(i), "key": key, "fields": fields})
    payload = {"issues": issues, "names": {"customfield_10014": "Epic Link"}}
    report = run_check(tmp_path_factory.mktemp("c"), payload)
    assert report is not None
    flagged = {f["item"] for f in report["findings"] if f["code"] == "AL102"}
    for i, key in enumerate(keys):
        if i in done:
            continue
        loops = has_cycle_above(key, {k: [p for p in v if p != k] for k, v in parents.items()})
        assert (key in flagged) == loops, (key, parents, report["findings"])


def test_a_lone_surrogate_in_a_payload_is_printed_not_a_crash(tmp_path: Path) -> None:
    issue = {"key": "ROOT-2", "fields": {"summary": "\ud800", "labels": ["okr:\udfff"],
                                         "status": {"statusCategory": {"key": "new"}}}}
    for fmt in ("text", "json"):
        out = run_check(tmp_path, {"issues": [issue]}, fmt)
        assert out is not None and "\ufffd" in json.dumps(out, ensure_ascii=False)
    result = invoke("explain", "ROOT-2", "-c", str(tmp_path / "aligner.yaml"))
    assert_no_traceback(result)
    assert result.exit_code == 0 and "\ufffd" in result.stdout
