"""Wall time of a full sync against slow trackers, one request at a time vs concurrent (#15).

    python -m benchmarks.sync_latency                       # 5,000 issues, 100 ms per request
    python -m benchmarks.sync_latency --items 20000 --latency 0.05 --high 0.15

The same synthetic organisation (benchmarks.generate, seeded) is served twice by fresh
stateful fakes (tests/fakes, answering after `--latency`..`--high` seconds): once synced with
`--concurrency 1`, once with each tracker's default. Per tracker: wall seconds, requests made
beside the minimum (benchmarks.api_economy), 429s seen, whether the final tickets (managed
labels and aligner comments of every issue) are identical, and for Linear the complexity
points the answers reported (X-Complexity) for the full sync and an unchanged incremental one.
Figures are printed, never asserted: timing belongs to benchmarks, not tests.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

import responses

from aligner.sync.run import run_sync
from tests.fakes.jira import FakeJira
from tests.fakes.latency import slow_down

from .api_economy import jira_minimum, linear_minimum, made
from .fake_orgs import JQL_TAIL, FakeOrg, build
from .generate import jira_issue, model, write_yaml
from .org import AS_OF, Org
from .workgraph import build_org

TRACKERS = ("jira", "jira-dc", "linear")  # jira-dc: the same Jira half on a Data Center fake


def datacenter(org: Org, fo: FakeOrg, folder: Path) -> FakeOrg:
    """The organisation's Jira half on a Data Center fake (PAT, `/search` with startAt)."""
    fake = FakeJira("datacenter", base_url="https://jira.bench.example", now=fo.jira.now,
                    global_record=False)
    for node in org.issues("jira"):
        fake.add_raw(jira_issue(node))
    projects = ", ".join(t.key for t in org.teams if t.tracker == "jira")
    data = model(org, {"jira": {**fake.settings(f"project in ({projects}) AND {JQL_TAIL}"),
                                "page_size": 100}})
    data["writeback"] = {"max_writes": 1_000_000}
    config = folder / "dc" / "aligner.yaml"
    config.parent.mkdir(parents=True, exist_ok=True)
    write_yaml(config, data)
    return FakeOrg(org, fake, fo.linear, config)


def tickets(fo: FakeOrg) -> dict[str, Any]:
    """Every issue's managed labels and aligner comment bodies, on both fakes."""
    jira = {key: (sorted(label for label in issue["fields"]["labels"]
                         if label.startswith("aligner:")),
                  [c["body"] for c in issue["comments"] if "aligner" in str(c["body"])])
            for key, issue in fo.jira.issues.items()}
    names = {lid: label["name"] for lid, label in fo.linear.store.labels.items()}
    bot = fo.linear.store.viewer_id
    linear = {issue["identifier"]: (
        sorted(names[lid] for lid in issue["labelIds"] if names[lid].startswith("aligner:")),
        sorted(c["body"].split("aligner-state:")[-1] for c in
               fo.linear.comments_on(issue["identifier"]) if c["userId"] == bot))
        for issue in fo.linear.store.issues.values()}
    return {"jira": jira, "linear": linear}


def sync(fo: FakeOrg, tracker: str, state: Path, concurrency: int | None) -> dict[str, Any]:
    """One sync of `tracker` (a source name, "jira" or "linear") against `fo`'s fakes."""
    fo.clocks_to_now()
    since = {"jira": len(fo.jira.requests), "linear": len(fo.linear.requests)}
    labels = {label["name"] for label in fo.linear.store.labels.values()}
    start = time.perf_counter()
    outcome = run_sync(fo.config, sources=(tracker,), as_of=date.fromisoformat(AS_OF),
                       state_path=state, env=fo.env(), concurrency=concurrency)
    seconds = time.perf_counter() - start
    if not outcome.complete:
        raise RuntimeError(f"{tracker}: the sync did not complete")
    fake_requests: list[Any] = (fo.jira.requests if tracker == "jira"
                                else fo.linear.requests)[since[tracker]:]
    minimum = (linear_minimum(fo, outcome, labels) if tracker == "linear"
               else jira_minimum(fo, outcome) if fo.jira.cloud else None)
    return {"seconds": seconds, "made": made(fo, since)[tracker], "minimum": minimum,
            "throttled": sum(getattr(r, "status", None) == 429 for r in fake_requests),
            "points": sum(getattr(r, "complexity", 0) or 0 for r in fake_requests)}


def measure(items: int, low: float, high: float, seed: int,
            concurrency: int | None) -> dict[str, Any]:
    """One full sync and one unchanged rerun per tracker, on a fresh copy of the org."""
    org = build_org(items, seed)
    with tempfile.TemporaryDirectory() as folder:
        fo = build(org, Path(folder), 0.0)
        dc = datacenter(org, fo, Path(folder))
        orgs = {"jira": fo, "jira-dc": dc, "linear": fo}
        with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
            fo.jira.install(rsps)
            dc.jira.install(rsps)
            fo.linear.install(rsps)
            slow_down(rsps, low, high, seed)
            def each() -> dict[str, Any]:
                return {name: sync(orgs[name], name.split("-")[0], Path(folder) / f"{name}.db",
                                   concurrency) for name in TRACKERS}

            runs = each()
            again = each()  # unchanged: an incremental sync
        found = tickets(fo)
        return {"full": runs, "incremental": again,
                "tickets": {**found, "jira-dc": tickets(dc)["jira"]}}


def render(items: int, low: float, high: float, one: dict[str, Any],
           default: dict[str, Any]) -> str:
    lines = [f"{items:,} issues, {low * 1000:.0f}-{high * 1000:.0f} ms per request", "",
             "| tracker | wall s, concurrency 1 | wall s, default | speed-up | requests 1 "
             "| requests default | minimum | 429s | same tickets |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---|"]
    for name in TRACKERS:
        a, b = one["full"][name], default["full"][name]
        total = sum(a["made"][k] for k in ("reads", "writes"))
        total_b = sum(b["made"][k] for k in ("reads", "writes"))
        floor = "-" if a["minimum"] is None else a["minimum"]["reads"] + a["minimum"]["writes"]
        same = one["tickets"][name] == default["tickets"][name]
        lines.append(f"| {name} | {a['seconds']:.1f} | {b['seconds']:.1f} "
                     f"| {a['seconds'] / max(b['seconds'], 1e-9):.1f}x | {total} | {total_b} "
                     f"| {floor} | {a['throttled'] + b['throttled']} | {same} |")
    points = default["full"]["linear"]["points"], default["incremental"]["linear"]["points"]
    lines += ["", f"Linear complexity points: full sync {points[0]:,.0f}, unchanged "
              f"incremental sync {points[1]:,.0f}"]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=5000, help="issues across both trackers")
    parser.add_argument("--latency", type=float, default=0.1, help="seconds per request")
    parser.add_argument("--high", type=float, default=None, help="latency up to (uniform)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    high = args.high if args.high is not None else args.latency
    one = measure(args.items, args.latency, high, args.seed, 1)
    default = measure(args.items, args.latency, high, args.seed, None)
    if args.json:
        print(json.dumps({"one": {k: v for k, v in one.items() if k != "tickets"},
                          "default": {k: v for k, v in default.items() if k != "tickets"}},
                         indent=2))
    else:
        print(render(args.items, args.latency, high, one, default))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
