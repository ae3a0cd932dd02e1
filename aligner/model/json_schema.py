"""`aligner schema`: the JSON Schema (Draft 2020-12) of `aligner.yaml`, for editor completion.

Built from the pydantic model, with each installed adapter's settings under `trackers`, so an
editor completes and checks tracker sections too. Use it with the YAML language server:
`# yaml-language-server: $schema=aligner.schema.json` on the first line of aligner.yaml.
Cross-references (unknown team ids, …) are beyond a schema: `aligner validate` checks them.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, create_model

from aligner import __version__
from aligner.model.schema import OperatingModel, Team
from aligner.plugins.registry import adapter_names, tracker, trackers

SCHEMA_ID = "urn:aligner:schema:aligner.yaml:v1"
DRAFT = "https://json-schema.org/draft/2020-12/schema"


# Hover text for editors: the file format's documentation (DESIGN §3), by $defs name and field.
DESCRIPTIONS: dict[tuple[str, str], str] = {
    ("Strategy", "id"): "Stable id of a company strategy pillar (the top of every trace).",
    ("Strategy", "status"): "active | retired; work under a retired strategy is stale (AL104).",
    ("Bet", "strategy"): "The strategy id this product-strategy bet serves.",
    ("Bet", "links"): "Tracker objects realising the bet (link strings of installed trackers).",
    ("Objective", "team"): "The owning team's id.",
    ("Objective", "supports"): "A bet id or a strategy id; without it: a strategy gap (AL103).",
    ("Objective", "period"): "Optional; outside it the objective is inactive (AL104).",
    ("Objective", "status"): "active | done | dropped.",
    ("Objective", "contributors"): "Other teams allowed to work on it (no AL202 for them).",
    ("Objective", "links"): "Roadmap items realising it (link strings of installed trackers).",
    ("Owns", "labels"): "Tracker labels marking this team's area (matched ignoring case).",
    ("RuleSettings", "select"): "Rule codes, code prefixes or names to run (default: AL).",
    ("RuleSettings", "severity"): "Per rule: error | warning.",
    ("RuleSettings", "options"): "Per rule options, e.g. {AL301: {min_aligned: 0.8}}.",
    ("Waiver", "items"): "Item keys, or * for every item (or give `match` instead).",
    ("Waiver", "match"): "Instead of `items`: a selector, or a list of selectors (any matches).",
    ("Selector", "issue_types"): "Tracker issue types (Bug, Task), ignoring case.",
    ("Selector", "labels"): "Item labels, ignoring case.",
    ("Selector", "projects"): "What holds items: project or team keys, as the tracker names them.",
    ("Selector", "components"): "Components: Name (any project) or PROJ/Name (one project).",
    ("Allocation", "strategy"): "Intended share (0-1) of the open work per strategy pillar id.",
    ("Allocation", "buckets"): "Funded non-strategic work by bucket id: share and match.",
    ("Bucket", "share"): "Intended share (0-1) of the open work.",
    ("Bucket", "match"): "A selector, or a list of selectors (any matches); its items get no "
                         "AL101 and count under the bucket.",
    ("Waiver", "codes"): "Rule codes or names waived; empty = all.",
    ("Waiver", "expires"): "After this date the waiver stops applying and is reported.",
    ("Writeback", "label_prefix"): "Managed labels are <prefix><rule name>; no other label is "
                                   "touched.",
    ("Writeback", "max_writes"): "Write budget per sync run.",
}
# Fields whose validator accepts one value or a list, which a pydantic schema shows as a list.
ONE_OR_MANY: tuple[tuple[str, str], ...] = (("FileSettings", "path"), ("Bucket", "match"),
                                           ("Waiver", "match"))


def _annotate(schema: dict[str, Any]) -> None:
    definitions = schema.get("$defs", {})
    for (name, field), text in DESCRIPTIONS.items():
        prop = definitions.get(name, {}).get("properties", {}).get(field)
        if prop is not None:
            prop.setdefault("description", text)
    for name, field in ONE_OR_MANY:
        props = definitions.get(name, {}).get("properties", {})
        if field in props and props[field].get("type") == "array":
            many = props[field]
            described = {"description": many.pop("description")} if "description" in many \
                else {}
            props[field] = {"anyOf": [many.get("items", {"type": "string"}), many],
                            "title": many.pop("title", field), **described}


def _trackers_model() -> type[BaseModel]:
    """A model of the `trackers` section: one optional key per installed tracker."""
    fields: dict[str, Any] = {}
    for name in adapter_names():
        settings: Any
        try:
            settings = tracker(name).settings()
        except Exception:  # a plugin that fails to import still gets an open section
            settings = dict[str, Any]
        fields[name] = (settings | None, None)
    return create_model("Trackers", __config__=ConfigDict(extra="forbid"), **fields)


def _team_model() -> type[BaseModel]:
    """`teams[]` with `owns.<tracker>` spelled out for every installed tracker with a schema."""
    fields: dict[str, Any] = {"labels": (tuple[str, ...], ())}
    for name, plugin in trackers().items():
        if plugin.owns is not None:
            fields[name] = (plugin.owns | None, None)
    owns = create_model("Owns", __config__=ConfigDict(extra="forbid"), **fields)
    return create_model("Team", __base__=Team, owns=(owns, owns()))


def _teams_type() -> Any:
    team = _team_model()
    return tuple[team, ...]  # type: ignore[valid-type]


def model_schema() -> dict[str, Any]:
    """The JSON Schema document of the model file."""
    trackers_model = _trackers_model()
    model = create_model("AlignerModel", __base__=OperatingModel,
                         trackers=(trackers_model, trackers_model()),
                         teams=(_teams_type(), ()))
    schema = model.model_json_schema(mode="validation")
    _annotate(schema)
    return {
        "$schema": DRAFT,
        "$id": SCHEMA_ID,
        "title": "aligner operating model (aligner.yaml, version 1)",
        "description": (f"The model file of aligner {__version__}: company strategy, bets, "
                        "team objectives, teams and trackers. `aligner validate` also checks "
                        "cross-references (unknown ids, duplicates)."),
        **{k: v for k, v in schema.items() if k not in ("title", "description")},
    }
