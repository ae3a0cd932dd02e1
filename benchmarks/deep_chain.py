"""How `aligner check` scales with the depth of one parent chain (issue #13, item 8).

    python -m benchmarks.deep_chain                   # chains of 1k, 4k and 16k items
    python -m benchmarks.deep_chain --sizes 1000 2000

Each size writes one Jira export where issue N's parent is issue N-1 (a single chain, the worst
case for trace resolution: every item has every other item above it) and an `aligner.yaml`
whose objective links the top of the chain, then times `aligner check` on it in-process. Trace
resolution must stay linear in the number of items: doubling the chain should roughly double
the time, never quadruple it.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

DEFAULT_SIZES = (1_000, 4_000, 16_000)
AS_OF = "2026-11-15"


def chain_export(size: int) -> dict[str, Any]:
    """A Jira search response: CHK-1 ← CHK-2 ← … ← CHK-<size>, each the parent of the next."""
    issues = []
    for n in range(1, size + 1):
        fields: dict[str, Any] = {
            "summary": f"Item {n}", "labels": [], "components": [],
            "status": {"name": "In Progress", "statusCategory": {"key": "indeterminate"}},
            "issuetype": {"name": "Epic" if n == 1 else "Story", "subtask": False},
            "project": {"key": "CHK"}, "updated": "2026-11-01T10:00:00.000+0000"}
        if n > 1:
            fields["parent"] = {"key": f"CHK-{n - 1}"}
        issues.append({"id": str(10000 + n), "key": f"CHK-{n}", "fields": fields})
    return {"isLast": True, "issues": issues}


def chain_model(export: str) -> dict[str, Any]:
    """One strategy, one objective linking the top of the chain, one team owning CHK."""
    return {
        "version": 1,
        "strategy": [{"id": "grow", "name": "Grow", "status": "active"}],
        "objectives": [{"id": "CHK-Q4-1", "name": "Ship", "team": "checkout",
                        "supports": "grow", "links": ["jira:CHK-1"],
                        "period": {"start": "2026-10-01", "end": "2026-12-31"}}],
        "teams": [{"id": "checkout", "name": "Checkout", "owns": {"jira": {"projects": ["CHK"]}}}],
        "trackers": {"file": {"path": [export]}},
    }


def write_chain(size: int, folder: Path) -> Path:
    """Write the export and the model into `folder`; returns the model's path."""
    (folder / "chain.json").write_text(json.dumps(chain_export(size)), encoding="utf-8")
    config = folder / "aligner.yaml"
    config.write_text(yaml.safe_dump(chain_model("chain.json"), sort_keys=False),
                      encoding="utf-8")
    return config


def time_check(config: Path) -> float:
    """Seconds for one in-process `aligner check --format json` (output discarded)."""
    from aligner.cli import cli

    started = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):
        cli(["check", "-c", str(config), "--as-of", AS_OF, "--format", "json",
             "-o", "/dev/null", "--fail-on", "never"], standalone_mode=True)
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> None:
    """Print one line per chain size: items, seconds, microseconds per item."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(DEFAULT_SIZES))
    args = parser.parse_args(argv)
    print(f"{'items':>8}  {'seconds':>8}  {'µs/item':>8}")
    for size in args.sizes:
        with tempfile.TemporaryDirectory(prefix="aligner-chain-") as folder:
            seconds = time_check(write_chain(size, Path(folder)))
        print(f"{size:>8}  {seconds:8.2f}  {1e6 * seconds / size:8.0f}", flush=True)


if __name__ == "__main__":
    main()
