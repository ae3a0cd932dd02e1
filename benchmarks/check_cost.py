"""What `aligner check` costs beside merely parsing the export it reads (DESIGN §10).

    python -m benchmarks.check_cost                       # 1k, 10k, 100k items
    python -m benchmarks.check_cost --sizes 1000 --repeat 1 --json
    python -m benchmarks.check_cost --tree /tmp/aligner-old    # another checkout's code

For each size, a synthetic organisation is generated once (deterministic, cached in --workdir),
then measured in fresh subprocesses so one size's heap never pollutes another's:

- parse: `json.load` of the Jira and the Linear export, both held at the end (the baseline the
  issue names: a default interpreter, cyclic GC on);
- parse, GC paused: the same with `gc.disable()` around it, the fastest plain parse there is;
- check: `aligner check -c aligner.yaml --format json -o /dev/null`, through `aligner.cli.main`
  in-process (what the `aligner` command runs, minus interpreter start-up and imports).

Each is run --repeat times, each time in a fresh process (a CLI run is always a first run),
alternating kinds so a burst of load elsewhere hits them alike. Wall and CPU time are the best
of the runs; CPU time is the steadier figure on a busy machine. Peak memory is the growth of the
process's maximum RSS over its size right before the work (after every import), the worst of
the runs and, unless --no-tracemalloc, the Python heap peak under tracemalloc in one more run.
Ratio = check / parse.

--tree measures the aligner code of another checkout (`git worktree add /tmp/aligner-old SHA`)
with these benchmarks, on the same data: how before/after figures are taken.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from .generate import GENERATOR_VERSION, MANIFEST_FILE, write_org

DEFAULT_SIZES = (1_000, 10_000, 100_000)
DEFAULT_WORKDIR = Path("/tmp/aligner-bench")
ROOT = Path(__file__).resolve().parent.parent


def _max_rss() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux reports KiB


def _parse_paused(folder: Path, manifest: dict[str, Any]) -> object:
    import gc

    gc.disable()
    try:
        return _parse(folder, manifest)
    finally:
        gc.enable()


def _parse(folder: Path, manifest: dict[str, Any]) -> object:
    files = manifest["files"]
    held = []
    for name in (files["jira"], files["linear"]):
        with (folder / name).open("rb") as handle:
            held.append(json.load(handle))
    return held


def _check(folder: Path, manifest: dict[str, Any]) -> object:
    from aligner.cli import main

    argv = sys.argv
    sys.argv = ["aligner", "check", "-c", str(folder / manifest["files"]["model"]), "--as-of",
                manifest["as_of"], "--format", "json", "-o", os.devnull, "--fail-on", "never"]
    try:
        main()
    except SystemExit as done:
        if done.code not in (0, None):
            raise RuntimeError(f"aligner check exited {done.code}") from None
    finally:
        sys.argv = argv
    return None


def measure(kind: str, folder: Path, repeat: int, traced: bool) -> dict[str, Any]:
    """Run one kind of work `repeat` times in this process; called in a fresh subprocess."""
    import gc
    import tracemalloc

    import aligner.cli  # imported before the baseline, like json

    code = str(Path(aligner.cli.__file__).resolve().parent.parent)  # which checkout ran

    manifest = json.loads((folder / MANIFEST_FILE).read_text())
    work = {"parse": _parse, "parse-paused": _parse_paused, "check": _check}[kind]
    if traced:
        tracemalloc.start()
        work(folder, manifest)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        return {"heap_peak_bytes": peak, "code": code}
    baseline = _max_rss()
    walls, cpus = [], []
    for _ in range(repeat):
        gc.collect()
        wall, cpu = time.perf_counter(), time.process_time()
        result = work(folder, manifest)
        cpus.append(time.process_time() - cpu)
        walls.append(time.perf_counter() - wall)
        del result
    return {"seconds": min(walls), "cpu_seconds": min(cpus),
            "rss_peak_bytes": _max_rss() - baseline, "code": code}


def source_shim(tree: Path, workdir: Path) -> Path:
    """A directory whose `aligner`, plugins and `benchmarks` resolve to `tree`'s code and ours.

    A child started there finds them first on sys.path (before the editable install's finder).
    """
    shim = workdir / "trees" / hashlib.sha1(str(tree.resolve()).encode()).hexdigest()[:12]
    shim.mkdir(parents=True, exist_ok=True)
    links = {"aligner": tree / "aligner", "aligner_adapters": tree / "adapters",
             "aligner_rules": tree / "rules", "benchmarks": ROOT / "benchmarks"}
    for name, target in links.items():
        if not (shim / name).exists():
            (shim / name).symlink_to(target.resolve(), target_is_directory=True)
    return shim


def _in_subprocess(kind: str, folder: Path, repeat: int, traced: bool,
                   cwd: Path = ROOT) -> dict[str, Any]:
    command = [sys.executable, "-m", "benchmarks.check_cost", "--measure", kind,
               "--dir", str(folder), "--repeat", str(repeat)] + (["--traced"] if traced else [])
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def prepare(size: int, workdir: Path, seed: int) -> tuple[Path, dict[str, Any]]:
    """The organisation for `size`, generated unless an identical one is already there."""
    folder = workdir / f"org-{size}-s{seed}"
    manifest_path = folder / MANIFEST_FILE
    if manifest_path.exists():
        manifest: dict[str, Any] = json.loads(manifest_path.read_text())
        if (manifest.get("items"), manifest.get("seed"), manifest.get("generator")) == (
                size, seed, GENERATOR_VERSION):
            return folder, manifest
    return folder, write_org(size, folder, seed)


def run_size(size: int, workdir: Path, seed: int, repeat: int, traced: bool,
             cwd: Path = ROOT) -> dict[str, Any]:
    folder, manifest = prepare(size, workdir, seed)
    runs: dict[str, list[dict[str, Any]]] = {"parse": [], "parse-paused": [], "check": []}
    for _ in range(repeat):
        for kind, results in runs.items():
            results.append(_in_subprocess(kind, folder, 1, False, cwd))
    best = {kind: {"seconds": min(r["seconds"] for r in results),
                   "cpu_seconds": min(r["cpu_seconds"] for r in results),
                   "rss_peak_bytes": max(r["rss_peak_bytes"] for r in results)}
            for kind, results in runs.items()}
    parse, paused, check = best["parse"], best["parse-paused"], best["check"]
    row: dict[str, Any] = {
        "items": size, "code": runs["check"][0]["code"],
        "export_bytes": sum((folder / manifest["files"][k]).stat().st_size
                            for k in ("jira", "linear")),
        "parse_seconds": parse["seconds"], "check_seconds": check["seconds"],
        "ratio": check["seconds"] / parse["seconds"],
        "parse_cpu_seconds": parse["cpu_seconds"], "check_cpu_seconds": check["cpu_seconds"],
        "cpu_ratio": check["cpu_seconds"] / parse["cpu_seconds"],
        "parse_paused_cpu_seconds": paused["cpu_seconds"],
        "cpu_ratio_paused": check["cpu_seconds"] / paused["cpu_seconds"],
        "parse_rss_peak_bytes": parse["rss_peak_bytes"],
        "check_rss_peak_bytes": check["rss_peak_bytes"],
    }
    if traced:
        row["parse_heap_peak_bytes"] = _in_subprocess("parse", folder, 1, True, cwd)[
            "heap_peak_bytes"]
        row["check_heap_peak_bytes"] = _in_subprocess("check", folder, 1, True, cwd)[
            "heap_peak_bytes"]
    return row


def machine() -> dict[str, Any]:
    """Python version, CPU count and RAM (from /proc/meminfo where there is one)."""
    ram = None
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        for line in meminfo.read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram = int(line.split()[1]) * 1024
    cpu = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        names = [ln.split(":", 1)[1].strip() for ln in cpuinfo.read_text().splitlines()
                 if ln.startswith("model name")]
        cpu = names[0] if names else cpu
    return {"python": platform.python_version(), "implementation": platform.python_implementation(),
            "platform": platform.platform(), "cpu": cpu, "cpus": os.cpu_count(),
            "ram_bytes": ram}


def _mb(value: int | None) -> str:
    return "-" if value is None else f"{value / 2**20:.1f}"


def render(rows: list[dict[str, Any]], info: dict[str, Any]) -> str:
    ram = f"{info['ram_bytes'] / 2**30:.1f} GiB" if info["ram_bytes"] else "unknown RAM"
    lines = [f"Python {info['python']} · {info['cpu']} · {info['cpus']} CPUs · {ram}", "",
             "| items | export MB | parse s | check s | ratio | parse CPU s | check CPU s "
             "| ratio (CPU) | ratio (CPU) vs GC-paused parse | parse RSS MB | check RSS MB "
             "| check heap MB | check heap B/item |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        heap = r.get("check_heap_peak_bytes")
        per_item = f"{heap / r['items']:,.0f}" if heap else "-"
        lines.append(
            f"| {r['items']:,} | {_mb(r['export_bytes'])} | {r['parse_seconds']:.2f} "
            f"| {r['check_seconds']:.2f} | {r['ratio']:.2f}× | {r['parse_cpu_seconds']:.2f} "
            f"| {r['check_cpu_seconds']:.2f} | {r['cpu_ratio']:.2f}× "
            f"| {r['cpu_ratio_paused']:.2f}× | {_mb(r['parse_rss_peak_bytes'])} "
            f"| {_mb(r['check_rss_peak_bytes'])} | {_mb(heap)} | {per_item} |")
    heaps = [(r["items"], r["check_heap_peak_bytes"]) for r in rows
             if r.get("check_heap_peak_bytes")]
    if len(heaps) >= 2:
        (n0, h0), (n1, h1) = heaps[-2], heaps[-1]
        lines += ["", f"Marginal check heap per item from {n0:,} to {n1:,} items: "
                      f"{(h1 - h0) / (n1 - n0):,.0f} bytes."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(DEFAULT_SIZES))
    parser.add_argument("--repeat", type=int, default=3, help="fresh-process runs of each kind")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workdir", type=Path, default=DEFAULT_WORKDIR)
    parser.add_argument("--no-tracemalloc", dest="traced", action="store_false")
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    parser.add_argument("--tree", type=Path, help="measure the aligner code of this checkout")
    parser.add_argument("--measure", choices=("parse", "parse-paused", "check"),
                        help=argparse.SUPPRESS)
    parser.add_argument("--dir", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--traced", action="store_true", dest="traced_child",
                        help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:  # the child side of one measurement
        print(json.dumps(measure(args.measure, args.dir, args.repeat, args.traced_child)))
        return
    cwd = source_shim(args.tree, args.workdir) if args.tree else ROOT
    rows = []
    for size in args.sizes:
        rows.append(run_size(size, args.workdir, args.seed, args.repeat, args.traced, cwd))
        if not args.json:
            print(f"measured {size:,} items", file=sys.stderr)
    info = machine()
    if args.json:
        print(json.dumps({"machine": info, "rows": rows}, indent=2))
    else:
        print(render(rows, info))


if __name__ == "__main__":
    main()
