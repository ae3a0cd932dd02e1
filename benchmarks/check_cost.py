"""What `aligner check` costs beside merely parsing the export it reads (DESIGN §10).

    python -m benchmarks.check_cost                       # 1k, 10k, 100k items
    python -m benchmarks.check_cost --sizes 1000 --repeat 1 --json

For each size, a synthetic organisation is generated once (deterministic, cached in --workdir),
then measured in fresh subprocesses so one size's heap never pollutes another's:

- parse: `json.load` of the Jira and the Linear export, both held at the end;
- check: `aligner check -c aligner.yaml --format json -o /dev/null`, the CLI in-process.

Wall time is the best of --repeat runs. Peak memory is the growth of the process's maximum RSS
over its size right before the work (after every import), and, unless --no-tracemalloc, the
Python heap peak under tracemalloc in one more run. Ratio = check time / parse time.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from .generate import MANIFEST_FILE, write_org

DEFAULT_SIZES = (1_000, 10_000, 100_000)
DEFAULT_WORKDIR = Path("/tmp/aligner-bench")


def _max_rss() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux reports KiB


def _parse(folder: Path, manifest: dict[str, Any]) -> object:
    files = manifest["files"]
    held = []
    for name in (files["jira"], files["linear"]):
        with (folder / name).open("rb") as handle:
            held.append(json.load(handle))
    return held


def _check(folder: Path, manifest: dict[str, Any]) -> object:
    from aligner.cli import cli

    args = ["check", "-c", str(folder / manifest["files"]["model"]), "--as-of",
            manifest["as_of"], "--format", "json", "-o", os.devnull, "--fail-on", "never"]
    try:
        cli.main(args, standalone_mode=False)
    except SystemExit as done:
        if done.code not in (0, None):
            raise RuntimeError(f"aligner check exited {done.code}") from None
    return None


def measure(kind: str, folder: Path, repeat: int, traced: bool) -> dict[str, Any]:
    """Run one kind of work `repeat` times in this process; called in a fresh subprocess."""
    import gc
    import tracemalloc

    import aligner.cli  # noqa: F401  imported before the baseline, like json

    manifest = json.loads((folder / MANIFEST_FILE).read_text())
    work = _parse if kind == "parse" else _check
    if traced:
        tracemalloc.start()
        work(folder, manifest)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        return {"heap_peak_bytes": peak}
    baseline = _max_rss()
    times = []
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        result = work(folder, manifest)
        times.append(time.perf_counter() - start)
        del result
    return {"seconds": min(times), "rss_peak_bytes": _max_rss() - baseline}


def _in_subprocess(kind: str, folder: Path, repeat: int, traced: bool) -> dict[str, Any]:
    command = [sys.executable, "-m", "benchmarks.check_cost", "--measure", kind,
               "--dir", str(folder), "--repeat", str(repeat)] + (["--traced"] if traced else [])
    root = Path(__file__).resolve().parent.parent
    done = subprocess.run(command, cwd=root, capture_output=True, text=True, check=False)
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
        if manifest.get("items") == size and manifest.get("seed") == seed:
            return folder, manifest
    return folder, write_org(size, folder, seed)


def run_size(size: int, workdir: Path, seed: int, repeat: int, traced: bool) -> dict[str, Any]:
    folder, manifest = prepare(size, workdir, seed)
    parse = _in_subprocess("parse", folder, repeat, False)
    check = _in_subprocess("check", folder, repeat, False)
    row: dict[str, Any] = {
        "items": size,
        "export_bytes": sum((folder / manifest["files"][k]).stat().st_size
                            for k in ("jira", "linear")),
        "parse_seconds": parse["seconds"], "check_seconds": check["seconds"],
        "ratio": check["seconds"] / parse["seconds"] if parse["seconds"] else None,
        "parse_rss_peak_bytes": parse["rss_peak_bytes"],
        "check_rss_peak_bytes": check["rss_peak_bytes"],
    }
    if traced:
        row["parse_heap_peak_bytes"] = _in_subprocess("parse", folder, 1, True)[
            "heap_peak_bytes"]
        row["check_heap_peak_bytes"] = _in_subprocess("check", folder, 1, True)[
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
             "| items | export MB | parse s | check s | ratio | parse RSS MB | check RSS MB "
             "| check heap MB | check heap B/item |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        heap = r.get("check_heap_peak_bytes")
        per_item = f"{heap / r['items']:,.0f}" if heap else "-"
        lines.append(
            f"| {r['items']:,} | {_mb(r['export_bytes'])} | {r['parse_seconds']:.3f} "
            f"| {r['check_seconds']:.3f} | {r['ratio']:.2f}× | {_mb(r['parse_rss_peak_bytes'])} "
            f"| {_mb(r['check_rss_peak_bytes'])} | {_mb(heap)} | {per_item} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(DEFAULT_SIZES))
    parser.add_argument("--repeat", type=int, default=3, help="best of N wall times")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workdir", type=Path, default=DEFAULT_WORKDIR)
    parser.add_argument("--no-tracemalloc", dest="traced", action="store_false")
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    parser.add_argument("--measure", choices=("parse", "check"), help=argparse.SUPPRESS)
    parser.add_argument("--dir", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--traced", action="store_true", dest="traced_child",
                        help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:  # the child side of one measurement
        print(json.dumps(measure(args.measure, args.dir, args.repeat, args.traced_child)))
        return
    rows = []
    for size in args.sizes:
        rows.append(run_size(size, args.workdir, args.seed, args.repeat, args.traced))
        if not args.json:
            print(f"measured {size:,} items", file=sys.stderr)
    info = machine()
    if args.json:
        print(json.dumps({"machine": info, "rows": rows}, indent=2))
    else:
        print(render(rows, info))


if __name__ == "__main__":
    main()
