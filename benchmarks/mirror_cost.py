"""What the backlog mirror costs (#12): size on disk, write and load time, and evaluating the
whole mirror, beside reading the same backlog from the trackers.

    python -m benchmarks.mirror_cost                  # 100,000 issues
    python -m benchmarks.mirror_cost --items 10000 --json

The generator's organisation (benchmarks.generate, cached in --workdir) is read once through
the file tracker; its items (issues and their ancestors, tracker-neutral) are written to a
fresh state store's mirror as a sync keeps them (open issues in scope and their ancestors,
`settle`), loaded back, and evaluated as every run evaluates them. Reading
the same backlog from the trackers is not run at 100k (hours of fake requests on this box): it
is estimated from the requests a full read needs (benchmarks.api_economy's minimum: Jira Cloud
ids 5,000 per page then bodies 100 per bulk fetch, Linear 100 open issues per page) at
--latency seconds per request, sequentially and spread over the default concurrency (Jira 8;
Linear reads follow one cursor). The estimate leaves out mapping time, so it is a floor.
"""

from __future__ import annotations

import argparse
import json
import math
import sqlite3
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

from aligner.engine.evaluate import evaluate
from aligner.engine.items import ISSUE
from aligner.mirror.backlog import BacklogMirror
from aligner.sync.check import run_check
from aligner.sync.mirrored import settle

from .check_cost import prepare

JIRA_IDS_PAGE, JIRA_BULK, LINEAR_PAGE, JIRA_CONCURRENCY = 5000, 100, 100, 8


def read_estimate(jira: int, linear: int, latency: float) -> dict[str, float]:
    """Seconds to read `jira` and `linear` open issues from the trackers, requests only."""
    jira_requests = 1 + math.ceil(jira / JIRA_IDS_PAGE) + math.ceil(jira / JIRA_BULK)
    linear_requests = 1 + math.ceil(linear / LINEAR_PAGE)
    sequential = (jira_requests + linear_requests) * latency
    parallel = (math.ceil(jira_requests / JIRA_CONCURRENCY) + linear_requests) * latency
    return {"requests": jira_requests + linear_requests, "sequential_seconds": sequential,
            "concurrent_seconds": parallel}


def measure(items: int, workdir: Path, seed: int, repeat: int, latency: float) -> dict[str, Any]:
    folder, manifest = prepare(items, workdir, seed)
    as_of = date.fromisoformat(manifest["as_of"])
    run = run_check(folder / "aligner.yaml", as_of=as_of)
    sources = {i.source for i in run.snapshot.graph.values()}
    graph, config = settle(run.snapshot.graph, sources), run.config  # as the mirror keeps it
    open_issues = [i for i in graph.values() if i.kind == ISSUE and i.evaluated]
    jira = sum(1 for i in open_issues if i.tracker == "jira")
    writes, loads, evals = [], [], []
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "state.db"
        for _ in range(repeat):
            path.unlink(missing_ok=True)
            db = sqlite3.connect(path)
            mirror = BacklogMirror.attach(db)
            started = time.perf_counter()
            mirror.upsert(graph.values())
            mirror.commit()
            writes.append(time.perf_counter() - started)
            db.close()
            db = sqlite3.connect(path)  # a new process would start cold like this
            started = time.perf_counter()
            loaded = BacklogMirror(db).graph()
            loads.append(time.perf_counter() - started)
            db.close()
            assert loaded == graph
            started = time.perf_counter()
            evaluation = evaluate(config, loaded, as_of, fetched=len(open_issues))
            evals.append(time.perf_counter() - started)
        size = path.stat().st_size
    return {"items": items, "mirror_items": len(graph), "open_issues": len(open_issues),
            "evaluated": evaluation.evaluated, "disk_bytes": size,
            "bytes_per_item": size / len(graph), "write_seconds": min(writes),
            "load_seconds": min(loads), "evaluate_seconds": min(evals),
            "read_estimate": read_estimate(jira, len(open_issues) - jira, latency),
            "latency_seconds": latency, "repeat": repeat}


def render(r: dict[str, Any]) -> str:
    est = r["read_estimate"]
    whole = r["load_seconds"] + r["evaluate_seconds"]
    return "\n".join([
        f"{r['items']:,} issues generated; the mirror holds {r['mirror_items']:,} items "
        f"({r['open_issues']:,} open issues evaluated)",
        "",
        "| mirror on disk | per item | write s | load s | evaluate s | load + evaluate s "
        "| read from trackers: requests | sequential s | concurrent s |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        f"| {r['disk_bytes'] / 1e6:.1f} MB | {r['bytes_per_item']:.0f} B "
        f"| {r['write_seconds']:.2f} | {r['load_seconds']:.2f} | {r['evaluate_seconds']:.2f} "
        f"| {whole:.2f} | {est['requests']:,} | {est['sequential_seconds']:.0f} "
        f"| {est['concurrent_seconds']:.0f} |",
        "",
        f"(best of {r['repeat']}; reads estimated at {r['latency_seconds'] * 1000:.0f} ms per "
        "request, requests only)"])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--latency", type=float, default=0.1, help="seconds per request")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/aligner-bench"))
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    result = measure(args.items, args.workdir, args.seed, args.repeat, args.latency)
    print(json.dumps(result, indent=2) if args.json else render(result))


if __name__ == "__main__":
    main()
