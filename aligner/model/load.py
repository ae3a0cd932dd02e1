"""Load and validate the model file: shape, cross-references, rules, trackers, waivers.

Every problem is one `ConfigError` line naming the file, the line and the path.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from aligner.engine.selection import ReferenceError_, RuleSet, build_rule_set, resolve_all
from aligner.errors import ConfigError, did_you_mean
from aligner.model.references import check_references
from aligner.model.schema import OperatingModel
from aligner.model.yamlsource import YamlDocument, load_yaml, parse_yaml
from aligner.plugins.adapter import TrackerSettings
from aligner.plugins.registry import adapter_names, link_schemes, rule_classes, trackers
from aligner.plugins.tracker import Claim


@dataclass(frozen=True)
class LoadedConfig:
    """A validated model file and what was derived from it."""

    file: Path
    model: OperatingModel
    rule_set: RuleSet
    trackers: dict[str, TrackerSettings]  # tracker name -> the adapter's validated Settings
    waiver_codes: tuple[frozenset[str], ...]  # resolved codes per waiver (empty = all)
    text: str  # the raw file, for the model fingerprint of incremental reads
    claims: dict[str, tuple[Claim, ...]] = field(default_factory=dict)  # team id -> its claims

    @property
    def base_dir(self) -> Path:
        return self.file.parent


def load_config(path: Path | str) -> LoadedConfig:
    """Read, validate and cross-check the model file at `path`."""
    file = Path(path)
    return config_from_document(load_yaml(file), file.read_text(encoding="utf-8"))


def config_from_text(text: str, file: Path | str = "aligner.yaml") -> LoadedConfig:
    """Validate a model given as text (tests, rule-case runners); `file` names it in errors."""
    return config_from_document(parse_yaml(text, Path(file)), text)


def config_from_document(doc: YamlDocument, text: str) -> LoadedConfig:
    file = doc.file
    if not isinstance(doc.data, dict):
        raise doc.error((), "the model file must be a mapping with `version: 1` at the top")
    model = _validate(doc, OperatingModel, doc.data, ())
    check_references(model, doc.error, link_schemes())
    claims = _claims(doc, model)
    rules = rule_classes()
    rule_set = build_rule_set(model.rules, rules, doc.error)
    waiver_codes = []
    for i, waiver in enumerate(model.waivers):
        try:
            waiver_codes.append(resolve_all(waiver.codes, rules))
        except ReferenceError_ as exc:
            raise doc.error(("waivers", i, "codes"), str(exc)) from None
    trackers = _trackers(doc, model)
    return LoadedConfig(file, model, rule_set, trackers, tuple(waiver_codes), text, claims)


def _trackers(doc: YamlDocument, model: OperatingModel) -> dict[str, TrackerSettings]:
    names = adapter_names()
    out: dict[str, TrackerSettings] = {}
    for name, raw in model.trackers.items():
        if name not in names:
            hint = did_you_mean(name, names)
            raise doc.error(("trackers", name), f"unknown tracker {name!r}{hint}")
        settings = trackers()[name].settings()
        out[name] = _validate(doc, settings, raw or {}, ("trackers", name))
    return out


def _claims(doc: YamlDocument, model: OperatingModel) -> dict[str, tuple[Claim, ...]]:
    """Validate each `owns.<tracker>` against its plugin's schema; collect the teams' claims."""
    plugins = {name: p for name, p in trackers().items() if p.owns is not None}
    out: dict[str, tuple[Claim, ...]] = {}
    for i, team in enumerate(model.teams):
        found: list[Claim] = []
        for name, raw in team.owns.trackers.items():
            plugin = plugins.get(name)
            where = ("teams", i, "owns", name)
            if plugin is None or plugin.owns is None:
                raise doc.error(where, f"unknown key{did_you_mean(name, ['labels', *plugins])}")
            found.extend(plugin.claims(_validate(doc, plugin.owns, raw or {}, where)))
        out[team.id] = tuple(found)
    return out


def _validate(doc: YamlDocument, schema: type[Any], data: Any, base: tuple[Any, ...]) -> Any:
    try:
        return schema.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors()
        # a misspelt key also makes the right one "missing": name the misspelling
        first = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
        raise _located(doc, schema, first, base) from None


_VALIDATOR_STEP = re.compile(r"^(function-(after|before|wrap|plain)|tagged-union)\[")


def _located(doc: YamlDocument, schema: type[Any], error: Any,
             base: tuple[Any, ...]) -> ConfigError:
    loc = tuple(p for p in error["loc"] if not (isinstance(p, str) and _VALIDATOR_STEP.match(p)))
    path = (*base, *loc)
    kind = error["type"]
    if kind == "extra_forbidden":
        known = _known_keys(schema, loc[:-1])
        return doc.error(path, f"unknown key{did_you_mean(str(loc[-1]), known)}")
    if kind == "missing":
        return doc.error(path, "required key is missing")
    message = str(error["msg"]).removeprefix("Value error, ")
    if kind == "literal_error":
        message = f"got {error.get('input')!r}; {message.lower()}"
    return doc.error(path, message)


def _known_keys(schema: Any, loc: tuple[Any, ...]) -> list[str]:
    """The field names of the model class found at `loc`, for "did you mean"."""
    current = schema
    for part in loc:
        if isinstance(part, int):
            continue
        field = getattr(current, "model_fields", {}).get(part)
        if field is None:
            return []
        current = _model_in(field.annotation)
    return list(getattr(current, "model_fields", {}))


def _model_in(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _model_in(arg)
        if found is not None:
            return found
    return None
