"""Cut Atlassian's OpenAPI specs down to the operations the Jira adapter uses.

    python tests/contracts/jira/trim.py [SHARED_DIR]     # default: <repo>/../shared

Reads `contracts/jira-cloud-openapi-v3.json` and `contracts/jira-dc-openapi-10.3.json` under
SHARED_DIR and writes `cloud.json` and `dc.json` beside this script: the used operations
(every parameter, request body and response of them kept as published) and every schema they
reference, transitively. Nothing is edited. The contract test compares a fresh cut with the
committed one when SHARED_DIR exists, so the extract cannot drift from its source.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
DEFAULT_SHARED = HERE.parents[2].parent / "shared"

USED: dict[str, tuple[str, list[tuple[str, str]]]] = {
    "cloud": ("jira-cloud-openapi-v3.json", [
        ("get", "/rest/api/3/field"),
        ("get", "/rest/api/3/search/jql"),
        ("get", "/rest/api/3/project/search"),
        ("get", "/rest/api/3/project/{projectIdOrKey}/components"),
        ("post", "/rest/api/3/issue/bulkfetch"),
        ("get", "/rest/api/3/myself"),
        ("put", "/rest/api/3/issue/{issueIdOrKey}"),
        ("get", "/rest/api/3/issue/{issueIdOrKey}/comment"),
        ("put", "/rest/api/3/issue/{issueIdOrKey}/comment/{id}"),
        ("delete", "/rest/api/3/issue/{issueIdOrKey}/comment/{id}"),
    ]),
    "dc": ("jira-dc-openapi-10.3.json", [
        ("get", "/api/2/serverInfo"),
        ("get", "/api/2/field"),
        ("get", "/api/2/search"),
        ("get", "/api/2/project"),
        ("get", "/api/2/project/{projectIdOrKey}/components"),
        ("put", "/api/2/issue/{issueIdOrKey}"),
        ("get", "/api/2/issue/{issueIdOrKey}/comment"),
        ("post", "/api/2/issue/{issueIdOrKey}/comment"),
        ("put", "/api/2/issue/{issueIdOrKey}/comment/{id}"),
        ("delete", "/api/2/issue/{issueIdOrKey}/comment/{id}"),
    ]),
}


def _refs(node: Any) -> set[str]:
    if isinstance(node, dict):
        found = {node["$ref"]} if isinstance(node.get("$ref"), str) else set()
        for value in node.values():
            found |= _refs(value)
        return found
    if isinstance(node, list):
        return set().union(*map(_refs, node)) if node else set()
    return set()


def _resolve(spec: dict[str, Any], ref: str) -> Any:
    node: Any = spec
    for part in ref.removeprefix("#/").split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def trim(spec: dict[str, Any], used: list[tuple[str, str]]) -> dict[str, Any]:
    """The spec with only `used` operations and the components they reach."""
    paths: dict[str, Any] = {}
    for method, path in used:
        item = spec["paths"][path]
        kept = paths.setdefault(path, {k: v for k, v in item.items() if k == "parameters"})
        kept[method] = item[method]
    components: dict[str, dict[str, Any]] = {}
    pending, seen = _refs(paths), set()
    while pending:
        ref = pending.pop()
        if ref in seen or not ref.startswith("#/components/"):
            continue
        seen.add(ref)
        _, _, kind, name = ref.split("/", 3)
        target = _resolve(spec, ref)
        components.setdefault(kind, {})[name] = target
        pending |= _refs(target)
    ordered = {k: dict(sorted(v.items())) for k, v in sorted(components.items())}
    return {"openapi": spec["openapi"], "info": spec["info"], "servers": spec["servers"],
            "paths": paths, "components": ordered}


def build(shared: Path) -> dict[str, dict[str, Any]]:
    out = {}
    for name, (source, used) in USED.items():
        spec = json.loads((shared / "contracts" / source).read_text(encoding="utf-8"))
        out[name] = trim(spec, used)
    return out


def main(argv: list[str]) -> int:
    shared = Path(argv[1]) if len(argv) > 1 else DEFAULT_SHARED
    for name, extract in build(shared).items():
        target = HERE / f"{name}.json"
        target.write_text(json.dumps(extract, indent=1, ensure_ascii=False) + "\n",
                          encoding="utf-8")
        print(f"wrote {target.relative_to(HERE.parents[2])}: {len(extract['paths'])} paths, "
              f"{len(extract['components'].get('schemas', {}))} schemas")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
