"""`aligner serve` under load (#14): event-to-flag latency, sustained deliveries, memory.

    python -m benchmarks.serve_latency                    # 2,000 issues, 50-150 ms requests
    python -m benchmarks.serve_latency --items 5000 --events 40 --deliveries 5000 --json

The generator's organisation is served by the stateful fakes (Jira Cloud and Linear), every
answer delayed 50-150 ms (uniform, seeded; slept outside the fakes' lock, as a server overlaps
requests). A LiveService runs its worker thread for real (load, first convergence, then
events); deliveries are signed as Jira signs them and posted through the ASGI app.

- **Latency**: one at a time, a PM labels a flagged Jira story with `okr:<a current
  objective>`; the clock starts when the delivery is answered and stops when the fake shows
  the story without aligner's labels. With the configured debounce (default 2 s) and with 0.
- **Deliveries per second**: --deliveries signed deliveries for existing tickets, posted as
  fast as one client can; accepted (202) per second, refused (503) ones, and whether every
  accepted ticket was processed once the worker drained (a lost event would be one never
  re-read).
- **Memory**: the worker's working set for a --mirror-items mirror (benchmarks.mirror_cost's
  organisation): tracemalloc of the loaded graph, every item's evaluation and the published
  snapshot, as LiveWorker holds them, and the process's peak RSS.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import tempfile
import time
import tracemalloc
from datetime import date
from pathlib import Path
from typing import Any

import responses
import yaml
from starlette.testclient import TestClient

from aligner.model.load import load_config
from aligner.serve.app import create_app
from aligner.serve.service import LiveService
from aligner_adapters.jira import webhooks as jira_hooks
from tests.fakes.latency import slow_down

from .fake_orgs import FakeOrg, build
from .org import AS_OF
from .workgraph import build_org

SECRET = "bench-secret-0123456789"
TIMEOUT = 60.0  # seconds an event may take before it counts as lost


def configure(fo: FakeOrg, debounce: float) -> None:
    data = yaml.safe_load(fo.config.read_text())
    data["serve"] = {"secrets": {"jira": "HOOK_SECRET"}, "debounce_seconds": debounce}
    fo.config.write_text(yaml.safe_dump(data, sort_keys=False))


def deliver(client: TestClient, key: str) -> int:
    body = json.dumps({"timestamp": int(time.time() * 1000), "webhookEvent": "jira:issue_updated",
                       "user": {"accountId": "pm"}, "issue": {"id": "1", "key": key}}).encode()
    headers = {"X-Hub-Signature": jira_hooks.sign(body, SECRET),
               "Content-Type": "application/json"}
    return client.post("/webhooks/jira", content=body, headers=headers).status_code


def flagged(fo: FakeOrg, key: str) -> bool:
    return any(str(label).startswith("aligner:") for label in
               fo.jira.issues[key]["fields"].get("labels") or ())


def wait_until(test: Any, timeout: float = TIMEOUT) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if test():
            return True
        time.sleep(0.01)
    return False


def latencies(fo: FakeOrg, client: TestClient, events: int) -> list[float]:
    """Seconds from each answered delivery to the fake showing the story unflagged: only
    untraced stories are picked, and each gets its own team's first current objective."""
    stories = sorted(k for k, issue in fo.jira.issues.items()
                     if issue["fields"]["issuetype"]["name"] == "Story"
                     and [x for x in issue["fields"]["labels"] if str(x).startswith("aligner:")]
                     == ["aligner:untraced"])
    found: list[float] = []
    for key in stories[:events]:
        project = fo.jira.issues[key]["fields"]["project"]["key"]
        labels = [*fo.jira.issues[key]["fields"]["labels"], f"okr:{project}-Q4-1"]
        fo.clocks_to_now()
        fo.jira.update_fields(key, labels=labels)
        assert deliver(client, key) == 202
        started = time.perf_counter()
        if wait_until(lambda key=key: not flagged(fo, key)):  # type: ignore[misc]
            found.append(time.perf_counter() - started)
    return found


def throughput(svc: LiveService, fo: FakeOrg, client: TestClient,
               deliveries: int) -> dict[str, Any]:
    """Post deliveries for existing tickets back to back; then wait for the worker."""
    keys = sorted(fo.jira.issues)
    before = _observed(svc)
    answers: dict[int, int] = {}
    accepted: set[str] = set()
    started = time.perf_counter()
    for n in range(deliveries):
        key = keys[n % len(keys)]
        status = deliver(client, key)
        answers[status] = answers.get(status, 0) + 1
        if status == 202:
            accepted.add(key)
    seconds = time.perf_counter() - started
    drained = wait_until(lambda: len(svc.queue) == 0 and _observed(svc) - before
                         >= len(accepted), timeout=600)
    return {"deliveries": deliveries, "seconds": seconds,
            "accepted_per_second": answers.get(202, 0) / seconds, "answers": answers,
            "distinct_tickets": len(accepted), "processed": _observed(svc) - before,
            "lost": 0 if drained else len(accepted) - (_observed(svc) - before)}


def _observed(svc: LiveService) -> int:
    """Items the worker has processed (the latency summary's count)."""
    for metric in svc.metrics.latency.collect():
        for sample in metric.samples:
            if sample.name.endswith("_count"):
                return int(sample.value)
    return 0


def live(items: int, seed: int, low: float, high: float, events: int,
         deliveries: int) -> dict[str, Any]:
    org = build_org(items, seed)
    out: dict[str, Any] = {"items": items, "latency": [low, high]}
    for debounce in (2.0, 0.0):
        with tempfile.TemporaryDirectory() as folder:
            fo = build(org, Path(folder), 0.0)
            configure(fo, debounce)
            config = load_config(fo.config)
            with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
                fo.jira.install(rsps)
                fo.linear.install(rsps)
                slow_down(rsps, low, high, seed)
                fo.clocks_to_now()
                svc = LiveService(config, Path(folder) / "state.db",
                                  {**fo.env(), "HOOK_SECRET": SECRET},
                                  today=lambda: date.fromisoformat(AS_OF))
                started = time.perf_counter()
                thread = svc.start()
                assert svc.ready.wait(1800), svc.last_error
                first = time.perf_counter() - started
                with TestClient(create_app(svc, background=False)) as client:
                    found = latencies(fo, client, events)
                    flow = throughput(svc, fo, client, deliveries) if debounce == 0 else None
                svc.stop(thread)
            out[f"debounce_{debounce:g}"] = {
                "first_convergence_seconds": first, "events": events,
                "measured": len(found), "p50": statistics.median(found) if found else None,
                "p95": _p95(found), "max": max(found, default=None)}
            if flow is not None:
                out["throughput"] = flow
    return out


def _p95(values: list[float]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def memory(items: int, seed: int, workdir: Path) -> dict[str, Any]:
    """The worker's working set for a mirror of `items` issues (graph, outcomes, snapshot)."""
    import sqlite3

    from aligner.engine.evaluate import Evaluator
    from aligner.engine.evaluate import _outcome as outcome_of
    from aligner.mirror.backlog import BacklogMirror
    from aligner.sync.check import run_check
    from aligner.sync.mirrored import settle

    from .check_cost import prepare

    folder, manifest = prepare(items, workdir, seed)
    as_of = date.fromisoformat(manifest["as_of"])
    run = run_check(folder / "aligner.yaml", as_of=as_of)
    graph = settle(run.snapshot.graph, {i.source for i in run.snapshot.graph.values()})
    with tempfile.TemporaryDirectory() as scratch:
        db = sqlite3.connect(Path(scratch) / "state.db")
        mirror = BacklogMirror.attach(db)
        mirror.upsert(graph.values())
        mirror.commit()
        del graph, run
        tracemalloc.start()
        loaded = mirror.graph()
        after_load = tracemalloc.get_traced_memory()[0]
        evaluator = Evaluator(load_config(folder / "aligner.yaml"), loaded, as_of)
        outcomes = {k: outcome_of(evaluator.item(i).trace) for k, i in loaded.items()
                    if i.evaluated}
        snapshot = dict(loaded)
        held, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        db.close()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return {"mirror_items": len(snapshot), "evaluated": len(outcomes),
            "graph_bytes": after_load, "held_bytes": held, "peak_bytes": peak,
            "bytes_per_item": held / len(snapshot), "process_rss_peak_bytes": rss}


def render(result: dict[str, Any]) -> str:
    low, high = result["live"]["latency"]
    lines = [f"{result['live']['items']:,} issues on the fakes, {low * 1000:.0f}-"
             f"{high * 1000:.0f} ms per request", "",
             "| debounce s | first convergence s | events | p50 s | p95 s | max s |",
             "|---:|---:|---:|---:|---:|---:|"]
    for debounce in ("2", "0"):
        row = result["live"][f"debounce_{debounce}"]
        lines.append(f"| {debounce} | {row['first_convergence_seconds']:.1f} "
                     f"| {row['measured']}/{row['events']} | {_s(row['p50'])} "
                     f"| {_s(row['p95'])} | {_s(row['max'])} |")
    flow = result["live"]["throughput"]
    lines += ["", f"deliveries: {flow['deliveries']:,} in {flow['seconds']:.1f} s = "
              f"{flow['accepted_per_second']:.0f} accepted/s; answers {flow['answers']}; "
              f"{flow['distinct_tickets']:,} distinct tickets, {flow['processed']:,} processed, "
              f"lost {flow['lost']}"]
    if "memory" in result:
        mem = result["memory"]
        lines += ["", f"memory, {mem['mirror_items']:,}-item mirror ({mem['evaluated']:,} "
                  f"evaluated): graph {mem['graph_bytes'] / 1e6:.0f} MB, graph + outcomes + "
                  f"snapshot {mem['held_bytes'] / 1e6:.0f} MB ({mem['bytes_per_item']:.0f} "
                  f"B/item), tracemalloc peak {mem['peak_bytes'] / 1e6:.0f} MB, process RSS "
                  f"peak {mem['process_rss_peak_bytes'] / 1e6:.0f} MB"]
    return "\n".join(lines)


def _s(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--latency", type=float, default=0.05, help="lowest seconds/request")
    parser.add_argument("--high", type=float, default=0.15, help="highest seconds/request")
    parser.add_argument("--events", type=int, default=20)
    parser.add_argument("--deliveries", type=int, default=2000)
    parser.add_argument("--mirror-items", type=int, default=100_000,
                        help="mirror size for the memory figure (0: skip)")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/aligner-bench"))
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    result: dict[str, Any] = {"live": live(args.items, args.seed, args.latency, args.high,
                                           args.events, args.deliveries)}
    if args.mirror_items:
        result["memory"] = memory(args.mirror_items, args.seed, args.workdir)
    print(json.dumps(result, indent=2) if args.json else render(result))


if __name__ == "__main__":
    main()
