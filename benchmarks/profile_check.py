"""Where `aligner check` spends its time: phases, then the hottest functions under cProfile.

    python -m benchmarks.profile_check --items 100000 [--top 25] [--sort tottime]

Runs the same in-process `aligner check --format json -o /dev/null` as `check_cost`, on the
same cached organisation. First without a profiler, timing the core's entry points as
`run_check` calls them (model loading, fetching, evaluating; "report" is the rest of the
command), then under cProfile, which inflates many-small-call code: compare the profile's
functions with each other, and the unprofiled phases with `check_cost`.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .check_cost import DEFAULT_WORKDIR, _check, prepare

PHASES = (("model", "load.py", "load_config"), ("fetch", "read.py", "read"),
          ("evaluate", "evaluate.py", "evaluate"))


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


@contextmanager
def _timing(module: Any, names: tuple[str, ...], into: dict[str, float],
            clock: Callable[[], float]) -> Iterator[None]:
    """Wrap `module.<name>` for each name with a `clock` accumulator; restore afterwards."""
    originals = {name: getattr(module, name) for name in names}

    def wrap(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            start = clock()
            try:
                return function(*args, **kwargs)
            finally:
                into[name] = into.get(name, 0.0) + clock() - start
        return timed

    for name, function in originals.items():
        setattr(module, name, wrap(name, function))
    try:
        yield
    finally:
        for name, function in originals.items():
            setattr(module, name, function)


def unprofiled_phases(folder: Path, manifest: dict[str, Any],
                      clock: Callable[[], float] = time.process_time) -> dict[str, float]:
    """Unprofiled time of each phase of one check, as `run_check` calls them."""
    import aligner.sync.check as check_module

    spent: dict[str, float] = {}
    start = clock()
    with _timing(check_module, ("load_config", "read", "evaluate"), spent, clock):
        _check(folder, manifest)
    total = clock() - start
    phases = {"model": spent.get("load_config", 0.0), "fetch": spent.get("read", 0.0),
              "evaluate": spent.get("evaluate", 0.0)}
    phases["report"] = total - sum(phases.values())
    phases["total"] = total
    return phases


def _print_phases(title: str, phases: dict[str, float]) -> None:
    print(title)
    for phase, seconds in phases.items():
        share = seconds / phases["total"] if phases["total"] else 0.0
        print(f"  {phase:<9} {seconds:7.2f} s  {share:6.1%}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workdir", type=Path, default=DEFAULT_WORKDIR)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--sort", default="tottime", choices=("tottime", "cumulative"))
    parser.add_argument("--no-profile", dest="profile", action="store_false")
    args = parser.parse_args(argv)
    folder, manifest = prepare(args.items, args.workdir, args.seed)
    _print_phases(f"aligner check on {args.items:,} items, CPU time:",
                  unprofiled_phases(folder, manifest))
    if not args.profile:
        return
    profiler = cProfile.Profile()
    profiler.runcall(_check, folder, manifest)
    _print_phases("under cProfile:", phase_times(pstats.Stats(profiler)))
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(args.sort).print_stats(args.top)
    print(out.getvalue())


if __name__ == "__main__":
    main()
