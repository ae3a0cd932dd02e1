"""Requests `aligner sync` spends, beside the fewest the trackers' APIs allow (DESIGN §10).

    python -m benchmarks.api_economy                     # 2,000 issues, 20 ms per request
    python -m benchmarks.api_economy --items 5000 --latency 0.05 --json

A synthetic organisation (benchmarks.generate) is served by the stateful fakes in tests/fakes
(Jira Cloud and Linear, each answering after --latency seconds), then synced three times
with one state file: a full sync, an unchanged rerun, an incremental sync after 1 % of the
open issues changed (a parent or project removed, or added), and one after a container change
(a Jira epic linked by an `okr:` label loses it: its open descendants no longer trace). For
each run and tracker: requests made (reads, writes) beside the minimum, computed from the
fake's data, not from the adapter:

- Jira reads: the field list (1), ceil(issues returned / granted page size) search pages (at
  least one), ancestors by key level by level, ceil(keys / 100) bulk fetches per level, and
  the backlog mirror's one scope-exit search (flagged tickets outside the scope, #12), and on
  an incremental run one id search for what changed outside the scope (the mirror re-reads
  the ancestors it holds from there: an epic in another project, a done epic);
- Linear reads: the workspace (1, plus any page beyond the first of teams, labels, projects or
  initiatives), ceil(issues returned / 100) issue pages (at least one), ancestors by key as for
  Jira, and the one scope-exit query;
- Jira writes: one edit per changed ticket (labels and state together; on Cloud a comment
  created rides in the same edit, `update.comment`) plus one request per comment updated or
  deleted; Linear writes: one request creating the managed labels the workspace lacks (if
  any), then ceil(changed tickets / the adapter's batch of 20 tickets) mutation requests.

Jira reads also report, as "write look-ups", the reads the write path makes for safety: the
duplicate-comment pre-check (adapters/jira/precheck.py: one bulk fetch of the `comment` field
per 100 planned comment creations), comment listings before a comment is changed, and the
`myself` look-up; the API minimum does not need them.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import re
import sys
import tempfile
import time
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

from aligner.sync.plan import DELETE, UPDATE
from aligner.sync.run import SyncOutcome, run_sync

from .fake_orgs import FakeOrg, build
from .org import AS_OF
from .workgraph import build_org

JIRA_PAGE, BULKFETCH, LINEAR_PAGE, LINEAR_WRITE_BATCH = 100, 100, 100, 20
WORKSPACE_PAGES = {"teams": 100, "labels": 250, "projects": 100, "initiatives": 100}
ISSUE_KEY = re.compile(r"^[A-Z][A-Z0-9_]*-\d+$")
EPIC_LINK = "customfield_10014"
SCOPE_EXIT_QUERIES = 1  # the mirror's search for flagged tickets outside the scope (#12)
OUTSIDE_CHANGES_QUERIES = 1  # Jira, incremental: ids changed outside the scope (held ancestors)


def _pages(count: int, size: int) -> int:
    return math.ceil(count / size)


def _levels(start: set[str], parents_of: Any, exists: Any, batch: int,
            held: set[str]) -> int:
    """Requests to fetch the missing ancestors of `start`, one batched look-up per level;
    `held` are the keys the backlog mirror already holds (never fetched again)."""
    known, frontier, requests = set(start) | held, set(start), 0
    while frontier:
        need = {p for key in frontier for p in parents_of(key) if p not in known}
        requests += _pages(len({k for k in need if ISSUE_KEY.match(k)}), batch)
        known |= need
        frontier = {k for k in need if exists(k)}
    return requests


def _read_in_scope(outcome: SyncOutcome, source: str) -> set[str]:
    """The issues this run's read returned (whose missing ancestors it must fetch)."""
    return {i.key for i in outcome.snapshot.graph.values()
            if i.source == source and i.in_scope and i.kind == "issue"}


def jira_minimum(fo: FakeOrg, outcome: SyncOutcome, held: dict[str, Any]) -> dict[str, int]:
    issues = fo.jira.issues

    def parents(key: str) -> Iterable[str]:
        fields = issues[key]["fields"] if key in issues else {}
        found = [(fields.get("parent") or {}).get("key"), fields.get(EPIC_LINK)]
        return [p for p in found if isinstance(p, str)]

    returned = outcome.snapshot.fetched.get("jira", 0)
    reads = 1 + max(1, _pages(returned, JIRA_PAGE)) + SCOPE_EXIT_QUERIES
    if outcome.incremental.get("jira") and any(  # which held ancestors changed outside
            i.source == "jira" and not i.in_scope for i in held.values()):
        reads += OUTSIDE_CHANGES_QUERIES
    changed = {k for k, i in held.items() if not i.in_scope and k in issues
               and issues[k]["fields"].get("updated") != i.updated}  # re-read, as they must be
    reads += _levels(_read_in_scope(outcome, "jira"), parents, issues.__contains__, BULKFETCH,
                     set(held) - changed)
    done = [p for p in outcome.planned if p.item.source == "jira" and p not in outcome.pending]
    return {"reads": reads,
            "writes": sum(1 + (p.comment in (UPDATE, DELETE)) for p in done)}


def linear_minimum(fo: FakeOrg, outcome: SyncOutcome, labels_before: set[str],
                   held: dict[str, Any]) -> dict[str, int]:
    store = fo.linear.store
    by_identifier = {i["identifier"]: i for i in store.issues.values()}

    def parents(key: str) -> Iterable[str]:
        parent_id = (by_identifier.get(key) or {}).get("parentId")
        return [store.issues[parent_id]["identifier"]] if parent_id else []

    counts = {"teams": len(store.teams), "labels": len(store.labels),
              "projects": len(store.projects), "initiatives": len(store.initiatives)}
    reads = 1 + sum(max(0, _pages(counts[k], size) - 1) for k, size in WORKSPACE_PAGES.items())
    reads += max(1, _pages(outcome.snapshot.fetched.get("linear", 0), LINEAR_PAGE))
    reads += SCOPE_EXIT_QUERIES
    reads += _levels(_read_in_scope(outcome, "linear"), parents, by_identifier.__contains__,
                     LINEAR_PAGE, set(held))
    done = [p for p in outcome.planned if p.item.source == "linear" and p not in outcome.pending]
    new_labels = {name for p in done for name in p.add_labels} - labels_before
    return {"reads": reads, "writes": bool(new_labels) + _pages(len(done), LINEAR_WRITE_BATCH)}


def made(fo: FakeOrg, since: dict[str, int]) -> dict[str, dict[str, int]]:
    jira = fo.jira.requests[since["jira"]:]
    linear = fo.linear.requests[since["linear"]:]
    precheck = sum((r.op == "bulkfetch" and (r.body or {}).get("fields") == ["comment"])
                   or r.op in ("comment.list", "myself") for r in jira)
    return {"jira": {"reads": sum(not r.write for r in jira), "writes": sum(r.write for r in jira),
                     "precheck": precheck},
            "linear": {"reads": sum(r.kind == "query" for r in linear),
                       "writes": sum(r.kind == "mutation" for r in linear)}}


def sync_once(fo: FakeOrg, name: str, state: Path, as_of: date,
              held: dict[str, Any]) -> dict[str, Any]:
    """One sync; `held` (updated here) are the keys the backlog mirror holds before it."""
    fo.clocks_to_now()
    since = {"jira": len(fo.jira.requests), "linear": len(fo.linear.requests)}
    labels_before = {label["name"] for label in fo.linear.store.labels.values()}
    start = time.perf_counter()
    outcome = run_sync(fo.config, as_of=as_of, state_path=state, env=fo.env())
    seconds = time.perf_counter() - start
    if not outcome.complete:
        raise RuntimeError(f"{name}: the sync did not complete ({len(outcome.failed)} failed)")
    actual = made(fo, since)
    minimum = {"jira": jira_minimum(fo, outcome, held),
               "linear": linear_minimum(fo, outcome, labels_before, held)}
    held.clear()
    held.update(outcome.kept)
    return {"run": name, "seconds": seconds, "items": outcome.evaluation.evaluated,
            "fetched": dict(outcome.snapshot.fetched),
            "changed_tickets": len(outcome.planned) - len(outcome.pending),
            "made": actual, "minimum": minimum}


def change_one_percent(fo: FakeOrg, seed: int) -> int:
    """A PM re-plans 1 % of the open issues: a story leaves its epic (a Linear issue its
    project), or a parentless one joins an epic of its own project (a project)."""
    rng = random.Random(seed)
    fo.clocks_to_now()
    jira = fo.jira.issues
    open_jira = [k for k, i in jira.items()
                 if i["fields"]["status"]["statusCategory"]["key"] != "done"]
    stories = [k for k in open_jira if jira[k]["fields"]["issuetype"]["name"] == "Story"]
    epics: dict[str, list[str]] = {}
    for key, issue in jira.items():
        if issue["fields"]["issuetype"]["name"] == "Epic":
            epics.setdefault(issue["fields"]["project"]["key"], []).append(key)
    linear = [i for i in fo.linear.store.issues.values() if i["stateType"] != "completed"]
    projects = [p["name"] for p in fo.linear.store.projects.values()]
    chosen_jira = rng.sample(sorted(stories), min(len(stories), max(1, len(open_jira) // 100)))
    chosen_linear = rng.sample(linear, max(1, len(linear) // 100))
    for key in chosen_jira:
        fields = jira[key]["fields"]
        own: list[str | None] = [*epics.get(fields["project"]["key"], [])] or [None]
        epic = None if fields.get("parent") or fields.get(EPIC_LINK) else rng.choice(own)
        fo.jira.update_fields(key, parent={"key": epic} if epic else None,
                              **{EPIC_LINK: None})
    for issue in chosen_linear:
        project = None if issue["projectId"] else rng.choice(projects)
        fo.linear.update_issue(issue["identifier"], project=project)
    return len(chosen_jira) + len(chosen_linear)


def change_container(fo: FakeOrg) -> tuple[str, int]:
    """A PM removes the `okr:` label and the parent initiative of the Jira epic with the most
    open issues below it: they no longer trace through it (the incremental read returns the
    epic alone; the ones with an `okr:` label of their own still trace)."""
    fo.clocks_to_now()
    issues = fo.jira.issues
    children: dict[str, list[str]] = {}
    for key, issue in issues.items():
        fields = issue["fields"]
        parent = (fields.get("parent") or {}).get("key") or fields.get(EPIC_LINK)
        if parent:
            children.setdefault(parent, []).append(key)

    def open_below(key: str) -> int:
        kids = children.get(key, [])
        return sum(issues[k]["fields"]["status"]["statusCategory"]["key"] != "done"
                   for k in kids) + sum(open_below(k) for k in kids)

    labelled = [k for k, i in issues.items() if i["fields"]["issuetype"]["name"] == "Epic"
                and any(str(x).startswith("okr:") for x in i["fields"].get("labels") or ())]
    below = {k: open_below(k) for k in labelled}
    epic = max(sorted(labelled), key=lambda k: below[k])
    kept = [x for x in issues[epic]["fields"]["labels"] if not str(x).startswith("okr:")]
    fo.jira.update_fields(epic, labels=kept, parent=None)
    return epic, below[epic]


def measure(items: int, latency: float, seed: int) -> dict[str, Any]:
    org = build_org(items, seed)
    with tempfile.TemporaryDirectory() as folder:
        fo = build(org, Path(folder), latency)
        state, as_of = Path(folder) / "state.db", date.fromisoformat(AS_OF)
        with fo.serving():
            held: dict[str, Any] = {}
            runs = [sync_once(fo, "full sync", state, as_of, held),
                    sync_once(fo, "unchanged rerun", state, as_of, held)]
            changed = change_one_percent(fo, seed)
            runs.append(sync_once(fo, f"after {changed} issues changed (1 %)", state, as_of,
                                  held))
            epic, below = change_container(fo)
            runs.append(sync_once(fo, f"after epic {epic} lost its okr: label and initiative "
                                  f"({below} open below)", state, as_of, held))
            runs[-1]["fresh_full_sync_would_change"] = len(run_sync(
                fo.config, as_of=as_of, state_path=Path(folder) / "fresh.db", env=fo.env(),
                full=True, dry_run=True).planned)
    return {"items": items, "latency_seconds": latency, "seed": seed, "runs": runs}


def render(result: dict[str, Any]) -> str:
    lines = [f"{result['items']:,} issues, {result['latency_seconds'] * 1000:.0f} ms per "
             "request", "",
             "| run | tracker | issues read | reads | min reads | of which write look-ups "
             "| writes | min writes | ratio | ratio without look-ups | run wall s |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for run in result["runs"]:
        for tracker in ("jira", "linear"):
            got, least = run["made"][tracker], run["minimum"][tracker]
            total, floor = got["reads"] + got["writes"], least["reads"] + least["writes"]
            check = got.get("precheck", 0)
            lines.append(
                f"| {run['run']} | {tracker} | {run['fetched'].get(tracker, 0):,} "
                f"| {got['reads']} | {least['reads']} | {check} | {got['writes']} "
                f"| {least['writes']} | {total / floor:.3f} | {(total - check) / floor:.3f} "
                f"| {run['seconds']:.1f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=2000, help="issues across both trackers")
    parser.add_argument("--latency", type=float, default=0.02, help="seconds per request")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    result = measure(args.items, args.latency, args.seed)
    print(json.dumps(result, indent=2) if args.json else render(result))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
