"""Write a synthetic organisation: aligner.yaml, a Jira export, a Linear export, a manifest.

    python -m benchmarks.generate --items 100000 --out /tmp/org-100k

The Jira export is a `/rest/api/3/search/jql` response with `names` (`expand=names`), asking
for the fields the adapter asks for; the Linear export is an issues GraphQL response with each
issue's project and initiatives nested, as `adapters/file.py` documents. Together they hold
`--items` issues; `aligner.yaml` reads both through the `file` tracker. Deterministic: the same
`--items` and `--seed` write byte-identical files.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from .org import AS_OF, SHARED_LABEL, Node, Org
from .workgraph import build_org

SITE = "https://bench.atlassian.net"
TEAM_FIELD, EPIC_LINK_FIELD = "customfield_10001", "customfield_10014"
NAMES = {"summary": "Summary", "status": "Status", "issuetype": "Issue Type",
         "project": "Project", "parent": "Parent", "labels": "Labels",
         "components": "Components", "updated": "Updated", TEAM_FIELD: "Team",
         EPIC_LINK_FIELD: "Epic Link"}
GENERATOR_VERSION = 2  # bump when the same (items, seed) would give different files
JIRA_FILE, LINEAR_FILE, MODEL_FILE, MANIFEST_FILE = (
    "jira-export.json", "linear-export.json", "aligner.yaml", "manifest.json")

_JIRA_TYPES = {"initiative": ("Initiative", False, 2), "epic": ("Epic", False, 1),
               "story": ("Story", False, 0), "subtask": ("Sub-task", True, -1)}
_JIRA_STATUS = {False: ("In Progress", "indeterminate"), True: ("Done", "done")}
_LINEAR_STATE = {False: ("started", "In Progress"), True: ("completed", "Done")}


def jira_issue(node: Node) -> dict[str, Any]:
    """One issue as `/rest/api/3/search/jql` returns it for the fields the adapter asks for."""
    kind, subtask, level = _JIRA_TYPES[node.level]
    status, category = _JIRA_STATUS[node.done]
    fields: dict[str, Any] = {
        "summary": node.title,
        "status": {"name": status, "statusCategory": {"key": category, "name": status}},
        "issuetype": {"name": kind, "subtask": subtask, "hierarchyLevel": level},
        "project": {"key": node.team.key},
        "labels": list(node.labels),
        "components": [{"name": c} for c in node.components],
        TEAM_FIELD: {"id": node.team_field, "name": "Team"} if node.team_field else None,
        EPIC_LINK_FIELD: node.parent if node.via_epic_field else None,
        "updated": node.updated,
    }
    if node.parent and not node.via_epic_field:
        fields["parent"] = {"key": node.parent}
    return {"id": node.id, "key": node.key, "self": f"{SITE}/rest/api/3/issue/{node.id}",
            "fields": fields}


def linear_issue(node: Node, containers: Mapping[str, Node]) -> dict[str, Any]:
    """One issue as an export (project and initiatives nested) holds it."""
    state, name = _LINEAR_STATE[node.done]
    project = containers.get(node.project) if node.project else None
    return {
        "id": node.id, "identifier": node.key, "title": node.title,
        "url": f"https://linear.app/bench/issue/{node.key}",
        "updatedAt": node.updated.replace(".000+0000", ".000Z"),
        "state": {"type": state, "name": name}, "team": {"key": node.team.key},
        "labels": {"nodes": [{"id": f"label-{label}", "name": label} for label in node.labels]},
        "parent": {"identifier": node.parent} if node.parent else None,
        "project": _linear_project(project, containers) if project else None,
    }


def _linear_project(project: Node, containers: Mapping[str, Node]) -> dict[str, Any]:
    initiative = containers.get(project.parent) if project.parent else None
    nodes = []
    if initiative is not None:
        parent = containers.get(initiative.parent) if initiative.parent else None
        nodes.append({"id": initiative.id, "name": initiative.title,
                      "parentInitiative": {"id": parent.id, "name": parent.title}
                      if parent else None})
    return {"id": project.id, "name": project.title, "initiatives": {"nodes": nodes}}


def jira_export(org: Org) -> dict[str, Any]:
    return {"isLast": True, "names": NAMES, "issues": [jira_issue(n) for n in
                                                       org.issues("jira")]}


def linear_export(org: Org) -> dict[str, Any]:
    containers = {n.key: n for n in org.nodes if n.team.tracker == "linear" and not n.is_issue}
    return {"data": {"issues": {"nodes": [linear_issue(n, containers)
                                          for n in org.issues("linear")],
                                "pageInfo": {"hasNextPage": False, "endCursor": None}}}}


def model(org: Org, trackers: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The operating model as aligner.yaml holds it; `trackers` defaults to the two exports."""
    teams = []
    for i, team in enumerate(t for t in org.teams if t.uuid):
        owns: dict[str, Any] = {"labels": [f"area:{team.id}"] + ([SHARED_LABEL] if i < 2 else [])}
        if team.tracker == "jira":
            owns["jira"] = {"projects": [team.key], "components": [f"{team.name} Core"],
                            "team_ids": [team.uuid]}
        else:
            owns["linear"] = {"teams": [team.key]}
        teams.append({"id": team.id, "name": team.name, "owns": owns})
    objectives = []
    for o in org.objectives:
        entry: dict[str, Any] = {"id": o.id, "team": o.team}
        if o.supports:
            entry["supports"] = o.supports
        entry.update(period={"start": o.period[0], "end": o.period[1]}, status=o.status)
        if o.contributors:
            entry["contributors"] = o.contributors
        entry["links"] = o.links
        objectives.append(entry)
    return {
        "version": 1, "strategy": org.strategies, "bets": org.bets, "objectives": objectives,
        "teams": teams,
        "trackers": dict(trackers or {"file": {"path": [JIRA_FILE, LINEAR_FILE]}}),
        "rules": {"select": ["AL"], "options": {"AL301": {"min_aligned": 0.7}}},
        "waivers": [{"items": [org.issues("jira")[0].key], "codes": ["AL101"],
                     "reason": "benchmark waiver", "owner": "bench@example.com",
                     "expires": "2027-01-31"}],
    }


def manifest(org: Org) -> dict[str, Any]:
    """What the files hold, for the benchmarks and the smoke test to check against."""
    jira, linear = org.issues("jira"), org.issues("linear")
    return {
        "generator": GENERATOR_VERSION, "items": org.items, "seed": org.seed, "as_of": AS_OF,
        "jira_issues": len(jira), "linear_issues": len(linear),
        "open_issues": sum(not n.done for n in (*jira, *linear)),
        "teams": sum(bool(t.uuid) for t in org.teams), "objectives": len(org.objectives),
        "files": {"model": MODEL_FILE, "jira": JIRA_FILE, "linear": LINEAR_FILE},
    }


def write_yaml(path: Path, data: Mapping[str, Any]) -> None:
    text = yaml.safe_dump(dict(data), sort_keys=False, width=100, allow_unicode=True)
    path.write_text(text, encoding="utf-8")


def write_org(items: int, out: Path, seed: int = 7) -> dict[str, Any]:
    """Generate and write everything; returns the manifest."""
    org = build_org(items, seed)
    out.mkdir(parents=True, exist_ok=True)
    for name, data in ((JIRA_FILE, jira_export(org)), (LINEAR_FILE, linear_export(org))):
        with (out / name).open("w", encoding="utf-8") as handle:
            json.dump(data, handle, ensure_ascii=False, separators=(",", ":"))
    write_yaml(out / MODEL_FILE, model(org))
    facts = manifest(org)
    (out / MANIFEST_FILE).write_text(json.dumps(facts, indent=2) + "\n", encoding="utf-8")
    return facts


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=1000, help="issues across both exports")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, required=True, help="directory to write into")
    args = parser.parse_args(argv)
    facts = write_org(args.items, args.out, args.seed)
    print(json.dumps(facts))


if __name__ == "__main__":
    main()
