"""Bad model files never produce a traceback: one located line and exit 2, or success.

Property-based: random YAML documents, random bytes, and mutations of the acme example
(odd types, missing fields, nulls, huge strings, unicode, duplicate keys and ids, bad dates,
dangling and circular references, broken YAML syntax) through `aligner validate` and `check`.
"""

from __future__ import annotations

import copy
import re
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from .support import (
    ACME,
    AS_OF,
    acme_copy,
    assert_located_error,
    assert_no_traceback,
    get_in,
    invoke,
    paths_of,
)

SETTINGS = settings(max_examples=100, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])
ACME_SETTINGS = settings(SETTINGS, max_examples=60)  # each example runs validate and check
ACME_TEXT = (ACME / "aligner.yaml").read_text(encoding="utf-8")
ACME_DATA = yaml.safe_load(ACME_TEXT)
ACME_IDS = sorted({str(v) for p in paths_of(ACME_DATA) if p and p[-1] == "id"
                   for v in [get_in(ACME_DATA, p)]})

unicode_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
huge_text = st.builds(lambda c, n: c * n, st.sampled_from(["x", "é", "😀", "\n", "a b"]),
                      st.integers(1_000, 60_000))
bad_dates = st.sampled_from(["2026-13-45", "2026-02-30", "0000-01-01", "yesterday",
                             "2026-1-1", "31/12/2026", "2026-12-31T25:00:00", ""])
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-(2**70), 2**70), st.floats(allow_nan=True),
    unicode_text, huge_text, bad_dates, st.dates(min_value=date(1, 1, 1)),
    st.sampled_from(ACME_IDS), st.sampled_from(["jira:", "linear:project:", "AL", "AL999",
                                                "okr:", "aligner:", "@here", "*"]),
)
odd_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3)
    | st.dictionaries(st.one_of(unicode_text, st.integers(), st.none()), inner, max_size=3),
    max_leaves=6,
)

# Fragments that break YAML or PyYAML's constructors when spliced into a line.
BAD_FRAGMENTS = ["~", "[", "]", "{a: }", "!!binary '%%'", "&a", "*missing", "2026-13-45",
                 "\t", "<<: {x: 1}", "!!python/object:os.system {}", "!custom x", "'open",
                 "\"open", "- - -", "? [a]", "%TAG ! x", "@", "`", "!!int abc",
                 "!!timestamp 2026-02-30", "*a", "&a [*a]", "\x00", "\ufeff", "\x85", ": :"]


def run_validate_and_check(model: Path) -> None:
    """Both commands succeed or fail alike, each failure one located line with exit 2."""
    text = model.read_bytes().decode("utf-8", "replace")
    lines = len(re.split(r"\r\n|[\n\r\x85\u2028\u2029]", text))  # YAML's line breaks
    validated = invoke("validate", "-c", str(model))
    assert_no_traceback(validated)
    checked = invoke("check", "-c", str(model), "--as-of", AS_OF)
    assert_no_traceback(checked)
    if validated.exit_code == 0:
        # the model is fine; the snapshots it points at may not be (a mutated path)
        assert checked.exit_code in (0, 1) or checked.stderr.startswith("aligner: "), (
            checked.output)
        if checked.exit_code not in (0, 1):
            assert checked.exit_code in (2, 3) and len(checked.stderr.splitlines()) >= 1
            assert all(line.startswith("aligner: ") for line in checked.stderr.splitlines())
    else:
        assert_located_error(validated, model.name, lines)
        assert checked.stderr == validated.stderr


def dump(data: Any) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)


@st.composite
def mutated_models(draw: st.DrawFn) -> str:
    """The acme model with one to three structural mutations."""
    data = copy.deepcopy(ACME_DATA)
    for _ in range(draw(st.integers(1, 3))):
        paths = [p for p in paths_of(data) if p]
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = get_in(data, path[:-1])
        last = path[-1]
        op = draw(st.sampled_from(["delete", "replace", "null", "duplicate", "rename", "add",
                                   "reference"]))
        if op == "delete":
            del parent[last]
        elif op == "replace":
            parent[last] = draw(odd_values)
        elif op == "null":
            parent[last] = None
        elif op == "duplicate" and isinstance(parent, list):
            parent.append(copy.deepcopy(parent[last]))
        elif op == "rename" and isinstance(parent, dict):
            new_key = draw(st.one_of(unicode_text, st.just(str(last)[:-1]),
                                     st.just(str(last).upper()), st.integers()))
            parent[new_key] = parent.pop(last)
        elif op == "add" and isinstance(parent, dict):
            parent[draw(unicode_text)] = draw(odd_values)
        elif op == "reference":
            parent[last] = draw(st.sampled_from(ACME_IDS))  # cycles, self- and cross-refs
    return dump(data)


@st.composite
def spliced_texts(draw: st.DrawFn) -> str:
    """The acme text with lines deleted, duplicated (duplicate keys) or broken."""
    lines = ACME_TEXT.splitlines()
    for _ in range(draw(st.integers(1, 3))):
        index = draw(st.integers(0, len(lines) - 1))
        op = draw(st.sampled_from(["delete", "duplicate", "append", "replace_value"]))
        fragment = draw(st.one_of(st.sampled_from(BAD_FRAGMENTS), unicode_text))
        if op == "delete":
            del lines[index]
        elif op == "duplicate":
            lines.insert(index, lines[index])
        elif op == "append":
            lines[index] += fragment
        else:
            head, sep, _ = lines[index].partition(": ")
            lines[index] = f"{head}{sep or ': '}{fragment}"
        if not lines:
            lines = [""]
    return "\n".join(lines) + "\n"


@ACME_SETTINGS
@given(text=mutated_models())
def test_mutated_acme_model(tmp_path_factory: Any, text: str) -> None:
    model = acme_copy(tmp_path_factory.mktemp("m"))
    model.write_text(text, encoding="utf-8")
    run_validate_and_check(model)


@ACME_SETTINGS
@given(text=spliced_texts())
def test_spliced_acme_text(tmp_path_factory: Any, text: str) -> None:
    model = acme_copy(tmp_path_factory.mktemp("s"))
    model.write_text(text, encoding="utf-8")
    run_validate_and_check(model)


@SETTINGS
@given(data=odd_values, as_model=st.booleans())
@example(data={"\x85": None}, as_model=False)  # NEL folds the key to " ": still visible
def test_random_yaml_document(tmp_path_factory: Any, data: Any, as_model: bool) -> None:
    if as_model:  # a random document that at least starts like a model
        data = {"version": 1, "x": data} if not isinstance(data, dict) else {"version": 1,
                                                                             **data}
    model = tmp_path_factory.mktemp("r") / "aligner.yaml"
    model.write_text(dump(data), encoding="utf-8")
    run_validate_and_check(model)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.one_of(st.binary(max_size=200), unicode_text.map(str.encode)))
def test_random_bytes(tmp_path_factory: Any, raw: bytes) -> None:
    model = tmp_path_factory.mktemp("b") / "aligner.yaml"
    model.write_bytes(b"version: 1\n" + raw)
    run_validate_and_check(model)


def test_alias_bomb_is_refused_quickly(tmp_path: Path) -> None:
    lines = ["version: 1", "a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 9)]
    model = tmp_path / "aligner.yaml"
    model.write_text("\n".join(lines) + "\n")
    result = invoke("validate", "-c", str(model))
    assert_located_error(result, "aligner.yaml", len(lines))
    assert "expands too far" in result.stderr


def test_recursive_anchor_and_deep_nesting(tmp_path: Path) -> None:
    model = tmp_path / "aligner.yaml"
    for text in ("version: 1\nstrategy: &a [*a]\n",
                 "version: 1\nx: " + "[" * 5000 + "]" * 5000 + "\n"):
        model.write_text(text)
        result = invoke("validate", "-c", str(model))
        assert_no_traceback(result)
        assert_located_error(result, "aligner.yaml", 2)


def test_bad_dates_tags_and_merge_keys_are_located(tmp_path: Path) -> None:
    model = tmp_path / "aligner.yaml"
    cases = {
        "waivers:\n  - {items: [A-1], reason: r, owner: o, expires: 2026-13-45}\n":
            "aligner.yaml:3: waivers[0].expires: cannot read '2026-13-45': month must be",
        "strategy: !custom x\n": "aligner.yaml:2: strategy: cannot read 'x':",
        "defaults: &d {status: active}\nstrategy:\n  - {<<: *d, id: s}\n":
            "YAML merge keys are not supported",
        "\"odd\\nkey\": 1\n": "aligner.yaml:2: 'odd\\nkey': unknown key",
    }
    for body, expected in cases.items():
        model.write_text("version: 1\n" + body)
        result = invoke("validate", "-c", str(model))
        assert_located_error(result, "aligner.yaml", 4)
        assert expected in result.stderr


def test_invalid_utf8_names_its_line(tmp_path: Path) -> None:
    model = tmp_path / "aligner.yaml"
    model.write_bytes(b"version: 1\nstrategy:\n  - id: caf\xe9\n")
    result = invoke("validate", "-c", str(model))
    assert_located_error(result, "aligner.yaml", 3)
    assert "aligner.yaml:3:" in result.stderr
