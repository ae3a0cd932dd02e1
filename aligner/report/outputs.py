"""Where a run's reports go: the main output (`--format`, `-o`) and each `--report FORMAT:FILE`.

One fetch, several reports: `aligner check --report json:out.json --report markdown:summary.md`.
A path without `--format` names its format by its extension (`-o report.json`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from aligner.errors import ConfigError
from aligner.report.formats import FORMATS, format_for


@dataclass(frozen=True, slots=True)
class ReportTarget:
    """One report to write: its format and its file (None: standard output)."""

    fmt: str
    path: Path | None = None

    @property
    def on_terminal_text(self) -> bool:
        """The text report on stdout: it shows the gate verdict and errors itself."""
        return self.fmt == "text" and self.path is None


def parse_report_spec(spec: str) -> ReportTarget:
    """`json:out.json` -> ReportTarget("json", Path("out.json")); ValueError when malformed."""
    fmt, colon, path = spec.partition(":")
    if not colon or not path or fmt not in FORMATS:
        raise ValueError(f"expected FORMAT:FILE with FORMAT one of {', '.join(FORMATS)}, "
                         f"e.g. json:report.json (got {spec!r})")
    return ReportTarget(fmt, Path(path))


def report_targets(fmt: str | None, output: Path | None,
                   reports: tuple[ReportTarget, ...] = ()) -> list[ReportTarget]:
    """The main report (`--format`, else the extension of `-o`, else text) and the others.

    Two reports into the same file would overwrite each other: a usage error.
    """
    targets = [ReportTarget(fmt or format_for(output), output), *reports]
    paths = [t.path.resolve() for t in targets if t.path is not None]
    if len(paths) != len(set(paths)):
        raise ConfigError("two reports name the same file: give each --report its own file")
    return targets
