"""Where `aligner check` spends its time: phases and the hottest functions, under cProfile.

    python -m benchmarks.profile_check --items 100000 [--top 25] [--sort tottime]

Runs the same in-process `aligner check --format json -o /dev/null` as `check_cost`, on the
same cached organisation, under cProfile. Phases are the cumulative time of the core's entry
points (model loading, fetching, evaluating); "report" is the rest of the command. Profiling
inflates times (most in many small calls): compare phases with each other, not with
`check_cost`.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
from pathlib import Path

from .check_cost import DEFAULT_WORKDIR, _check, prepare

PHASES = (("model", "config.py", "load_config"), ("fetch", "collect.py", "collect"),
          ("evaluate", "engine.py", "evaluate"))


def phase_times(stats: pstats.Stats) -> dict[str, float]:
    """Cumulative seconds of each phase's entry point, and the whole command."""
    raw = stats.stats  # type: ignore[attr-defined]
    found: dict[str, float] = {}
    total = 0.0
    for (file, _line, name), (_cc, _nc, _tt, cumulative, _callers) in raw.items():
        for phase, suffix, function in PHASES:
            if name == function and file.endswith(suffix):
                found[phase] = found.get(phase, 0.0) + cumulative
        if name == "_check" and file.endswith("check_cost.py"):
            total = cumulative
    found["report"] = total - sum(found.values())
    found["total"] = total
    return found


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workdir", type=Path, default=DEFAULT_WORKDIR)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--sort", default="tottime", choices=("tottime", "cumulative"))
    args = parser.parse_args(argv)
    folder, manifest = prepare(args.items, args.workdir, args.seed)
    profiler = cProfile.Profile()
    profiler.runcall(_check, folder, manifest)
    stats = pstats.Stats(profiler)
    phases = phase_times(stats)
    print(f"aligner check on {args.items:,} items, under cProfile:")
    for phase, seconds in phases.items():
        share = seconds / phases["total"] if phases["total"] else 0.0
        print(f"  {phase:<9} {seconds:7.2f} s  {share:6.1%}")
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(args.sort).print_stats(args.top)
    print(out.getvalue())


if __name__ == "__main__":
    main()
