"""Options shared by commands, as reusable decorators (config discovery, reports, gate)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from aligner.logs import configure_logging
from aligner.model.locate import locate_config
from aligner.report.formats import FORMATS
from aligner.report.outputs import ReportTarget, parse_report_spec
from aligner.report.summary import FAIL_ON


def _locate(ctx: click.Context, param: click.Parameter, value: Path | None) -> Path:
    return locate_config(value)


def _log_flag(ctx: click.Context, param: click.Parameter, value: Any) -> None:
    """-q/-v after the subcommand count as before it (`aligner check -q`)."""
    settings = ctx.find_root().ensure_object(dict)
    if param.name == "quiet":
        settings["quiet"] = bool(settings.get("quiet")) or bool(value)
    else:
        settings["verbose"] = int(settings.get("verbose") or 0) + int(value or 0)
    configure_logging(-1 if settings.get("quiet") else int(settings.get("verbose") or 0))


def global_flags(f: Callable[..., Any]) -> Callable[..., Any]:
    """The group's -q/-v, accepted after a subcommand too."""
    f = click.option("--quiet", "-q", is_flag=True, expose_value=False, callback=_log_flag,
                     help="Only errors on stderr; no progress.")(f)
    return click.option("--verbose", "-v", count=True, expose_value=False, callback=_log_flag,
                        help="Log more on stderr (-v, -vv).")(f)


def config_option(f: Callable[..., Any]) -> Callable[..., Any]:
    f = global_flags(f)
    return click.option("--config", "-c", "config", type=click.Path(path_type=Path),
                        default=None, callback=_locate,
                        help="The operating-model file [default: $ALIGNER_CONFIG, else "
                             "aligner.yaml here or in the nearest parent].")(f)


def run_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """Options shared by commands that read trackers."""
    f = click.option("--source", "sources", multiple=True, metavar="NAME",
                     help="Only read this tracker (repeatable): its name under `trackers:`.")(f)
    f = click.option("--as-of", "as_of", type=click.DateTime(["%Y-%m-%d"]), default=None,
                     help="Judge objective periods on this date (default: today).")(f)
    return config_option(f)


def _report_specs(ctx: click.Context, param: click.Parameter,
                  values: tuple[str, ...]) -> tuple[ReportTarget, ...]:
    """`--report FORMAT:FILE`, each parsed or a usage error."""
    try:
        return tuple(parse_report_spec(value) for value in values)
    except ValueError as error:
        raise click.BadParameter(str(error), ctx, param) from None


def _share(ctx: click.Context, param: click.Parameter, value: str | None) -> float | None:
    """A share as 0.8 or 80% (reports print percentages, so both read back)."""
    if value is None:
        return None
    text = value.strip()
    try:
        share = float(text.removesuffix("%").strip()) / (100 if text.endswith("%") else 1)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a share: give 0.8 or 80%", ctx,
                                 param) from None
    if not 0.0 <= share <= 1.0:
        raise click.BadParameter(f"{value!r} is not between 0 and 1 (or 0% and 100%)", ctx,
                                 param)
    return share


def report_options(f: Callable[..., Any]) -> Callable[..., Any]:
    f = click.option("--format", "fmt", type=click.Choice(FORMATS), default=None,
                     help="Report format [default: from the -o file's extension "
                          "(.json .md .xml .csv .html .txt), else text].")(f)
    f = click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
                     help="Write the report to this file instead of stdout.")(f)
    f = click.option("--report", "reports", multiple=True, metavar="FORMAT:FILE",
                     callback=_report_specs,
                     help="Also write a report in FORMAT to FILE, from the same fetch "
                          "(repeatable): --report json:out.json --report markdown:summary.md")(f)
    return click.option("--fail-on", type=click.Choice(FAIL_ON), default="error",
                        show_default=True,
                        help="Exit 1 when a finding at or above this severity remains.")(f)


def gate_option(f: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--min-aligned", default=None, metavar="SHARE", callback=_share,
                        help="Exit 1 when the overall aligned share of open items is below "
                             "SHARE (0.8 or 80%), whatever --fail-on says.")(f)
