"""Load and validate the model file: shape, cross-references, rules, trackers, waivers.

Every problem is one `ConfigError` line naming the file, the line and the path. All the
problems found are reported at once (up to `MAX_ERRORS`, in file order) as `ConfigErrors`: the
shape errors first, and when the shape is sound, every reference, rule, owns and tracker error.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from aligner.engine.rule import Rule
from aligner.engine.selection import ReferenceError_, RuleSet, build_rule_set, resolve_all
from aligner.errors import ConfigError, ConfigErrors, did_you_mean
from aligner.model.references import check_references
from aligner.model.schema import OperatingModel
from aligner.model.yamlsource import YamlDocument, load_yaml, parse_yaml
from aligner.plugins.adapter import TrackerSettings
from aligner.plugins.registry import adapter_names, link_schemes, rule_classes, trackers
from aligner.plugins.tracker import Claim, WritebackCheck

MAX_ERRORS = 20  # past this, the first errors are usually the cause of the rest


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
    errors = check_references(model, doc.error, link_schemes())
    claims = _claims(doc, model, errors)
    rules = rule_classes()
    rule_set: RuleSet | None = None
    try:
        rule_set = build_rule_set(model.rules, rules, doc.error)
    except ConfigError as exc:
        errors.append(exc)
    waiver_codes = _waiver_codes(doc, model, rules, errors)
    trackers = _trackers(doc, model, errors)
    errors += _writeback_checks(doc, model, trackers, rules)
    raise_all(doc, errors)
    assert rule_set is not None  # raise_all raised otherwise
    return LoadedConfig(file, model, rule_set, trackers, waiver_codes, text, claims)


def raise_all(doc: YamlDocument, errors: list[ConfigError]) -> None:
    """Raise the errors found, in file order: one alone as itself, several as ConfigErrors."""
    if not errors:
        return
    if len(errors) == 1:
        raise errors[0]
    ordered = sorted(errors, key=lambda e: _line_in(doc, e))
    raise ConfigErrors(ordered[:MAX_ERRORS], more=max(0, len(ordered) - MAX_ERRORS))


def _line_in(doc: YamlDocument, error: ConfigError) -> int:
    """The line a located error names (`file:line: …`), for file order."""
    head = str(error).removeprefix(f"{doc.file.name}:").split(":", 1)[0]
    return int(head) if head.isdigit() else 0


def _waiver_codes(doc: YamlDocument, model: OperatingModel, rules: dict[str, type[Rule]],
                  errors: list[ConfigError]) -> tuple[frozenset[str], ...]:
    codes = []
    for i, waiver in enumerate(model.waivers):
        try:
            codes.append(resolve_all(waiver.codes, rules))
        except ReferenceError_ as exc:
            errors.append(doc.error(("waivers", i, "codes"), str(exc)))
    return tuple(codes)


def _trackers(doc: YamlDocument, model: OperatingModel,
              errors: list[ConfigError]) -> dict[str, TrackerSettings]:
    names = adapter_names()
    out: dict[str, TrackerSettings] = {}
    for name, raw in model.trackers.items():
        if name not in names:
            hint = did_you_mean(name, names)
            errors.append(doc.error(("trackers", name), f"unknown tracker {name!r}{hint}"))
            continue
        settings = trackers()[name].settings()
        try:
            out[name] = _validate(doc, settings, raw or {}, ("trackers", name))
        except ConfigErrors as exc:
            errors.extend(exc.errors)
        except ConfigError as exc:
            errors.append(exc)
    return out


def _writeback_checks(doc: YamlDocument, model: OperatingModel, configured: Iterable[str],
                      rules: dict[str, type[Rule]]) -> list[ConfigError]:
    """What each configured tracker refuses in `writeback` (its optional WritebackCheck)."""
    writeback = model.writeback
    labels = sorted(writeback.label_prefix + rule.name for rule in rules.values())
    errors: list[ConfigError] = []
    for name in configured:
        plugin = trackers().get(name)
        if isinstance(plugin, WritebackCheck):
            errors += [doc.error(("writeback", setting), f"{message} (trackers.{name})")
                       for setting, message in plugin.check_writeback(
                           writeback.label_prefix, writeback.waive_label, labels)]
    return errors


def _claims(doc: YamlDocument, model: OperatingModel,
            errors: list[ConfigError]) -> dict[str, tuple[Claim, ...]]:
    """Validate each `owns.<tracker>` against its plugin's schema; collect the teams' claims."""
    plugins = {name: p for name, p in trackers().items() if p.owns is not None}
    out: dict[str, tuple[Claim, ...]] = {}
    for i, team in enumerate(model.teams):
        found: list[Claim] = []
        for name, raw in team.owns.trackers.items():
            plugin = plugins.get(name)
            where = ("teams", i, "owns", name)
            if plugin is None or plugin.owns is None:
                errors.append(doc.error(
                    where, f"unknown key{did_you_mean(name, ['labels', *plugins])}"))
                continue
            try:
                found.extend(plugin.claims(_validate(doc, plugin.owns, raw or {}, where)))
            except ConfigErrors as exc:
                errors.extend(exc.errors)
            except ConfigError as exc:
                errors.append(exc)
        out[team.id] = tuple(found)
    return out


def _validate(doc: YamlDocument, schema: type[Any], data: Any, base: tuple[Any, ...]) -> Any:
    try:
        return schema.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors()
        # a misspelt key also makes the right one "missing": name only the misspelling
        misspelt = {tuple(e["loc"][:-1]) for e in errors if e["type"] == "extra_forbidden"}
        kept = [e for e in errors
                if not (e["type"] == "missing" and tuple(e["loc"][:-1]) in misspelt)]
        located = [_located(doc, schema, e, base) for e in kept or errors]
        raise_all(doc, located)
        raise AssertionError("unreachable: a ValidationError has errors") from None


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
    elif kind.startswith(("date_", "datetime_")):
        message = f"expected a date like 2026-12-31 (YYYY-MM-DD), got {error.get('input')!r}"
    elif kind == "model_type":
        message = _expected_mapping(schema, loc, error.get("input"))
    return doc.error(path, message)


# What a mapping value looks like, for the models whose shape users get wrong most often
_SHAPES = {"Period": "{start: 2026-10-01, end: 2026-12-31}"}


def _expected_mapping(schema: Any, loc: tuple[Any, ...], given: Any) -> str:
    """`period: Q4 2026` → say what a period looks like instead of "a valid dictionary"."""
    model = _model_at(schema, loc)
    name = getattr(model, "__name__", "")
    shape = _SHAPES.get(name) or "{" + ", ".join(f"{k}: …" for k in
                                                 getattr(model, "model_fields", {})) + "}"
    what = f"a {name.lower()}" if name else "a mapping"
    return f"expected {what} like {shape}, got {given!r}"


def _known_keys(schema: Any, loc: tuple[Any, ...]) -> list[str]:
    """The field names of the model class found at `loc`, for "did you mean"."""
    return list(getattr(_model_at(schema, loc), "model_fields", {}))


def _model_at(schema: Any, loc: tuple[Any, ...]) -> Any:
    """The model class found at `loc` inside `schema` (None when `loc` leaves the models)."""
    current = schema
    for part in loc:
        if isinstance(part, int):
            continue
        field = getattr(current, "model_fields", {}).get(part)
        if field is None:
            return None
        current = _model_in(field.annotation)
    return current


def _model_in(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _model_in(arg)
        if found is not None:
            return found
    return None
