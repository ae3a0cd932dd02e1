"""The command line: parse, call the library, render. Errors become one line and an exit code.

Shared options live in `aligner.cli.options`, the edge (reports, errors, progress) in
`aligner.cli.output`; this module holds the commands.
"""

from __future__ import annotations

import json
import os
import sys
from datetime import date
from pathlib import Path
from typing import Any

import click

from aligner import __version__
from aligner.cli.options import (
    config_option,
    gate_option,
    global_flags,
    report_options,
    run_options,
)
from aligner.cli.output import (
    as_date,
    cli_progress,
    emit,
    failure_reports,
    gate_notice,
    internal_error,
    one_line_errors,
    printable,
    write_reports,
)
from aligner.errors import EXIT_USAGE
from aligner.init.discovered import render_discovered
from aligner.init.starter import offline_starter, write_starter
from aligner.init.trackers import discover, draftable, starter_section
from aligner.logs import configure_logging
from aligner.mirror.history import load_history, recent_runs, record_check
from aligner.model.item_ref import item_key
from aligner.model.json_schema import model_schema
from aligner.model.load import load_config
from aligner.plugins.discovery import InitOptions
from aligner.plugins.registry import rule_classes
from aligner.report.explain import render_explain
from aligner.report.formats import build_report
from aligner.report.history import render_history, render_history_json
from aligner.report.outputs import ReportTarget, report_targets
from aligner.report.rule_docs import render_rule, render_rule_table
from aligner.report.summary import summary
from aligner.sync.check import check_item, run_check
from aligner.sync.run import DEFAULT_STATE, run_sync


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="aligner")
@click.option("--quiet", "-q", is_flag=True, help="Only errors on stderr; no progress.")
@click.option("--verbose", "-v", count=True,
              help="Log more on stderr: -v request counts and timings, -vv debug.")
@click.pass_context
def cli(ctx: click.Context, quiet: bool, verbose: int) -> None:
    """Check that every backlog item traces through a team objective to company strategy.

    \b
    Start with the offline example:
      aligner check -c examples/acme/aligner.yaml --as-of 2026-11-15
    """
    ctx.ensure_object(dict).update(quiet=quiet, verbose=verbose)
    configure_logging(-1 if quiet else verbose)


@cli.command()
@run_options
@report_options
@gate_option
@click.option("--state", "state_path", type=click.Path(dir_okay=False, path_type=Path),
              default=DEFAULT_STATE, show_default=True,
              help="The state store whose run history gives the trend; the check is recorded "
                   "there when its folder exists, and reads through its backlog mirror.")
@click.option("--no-history", is_flag=True,
              help="Neither read nor record the run history (no trend).")
@one_line_errors
def check(config: Path, sources: tuple[str, ...], as_of: Any, fmt: str | None,
          output: Path | None, reports: tuple[ReportTarget, ...], fail_on: str,
          min_aligned: float | None, state_path: Path, no_history: bool) -> None:
    """Report alignment and findings; never writes to trackers. The planning gate.

    \b
    Exit codes: 0 clean, 1 findings at or above --fail-on or aligned share below
    --min-aligned, 2 usage or model error, 3 tracker error or incomplete run.

    \b
    Examples:
      aligner check -c examples/acme/aligner.yaml
      aligner check --min-aligned 80% --format markdown >> "$GITHUB_STEP_SUMMARY"
      aligner check -o report.json --fail-on warning      # format from the extension
      aligner check --report json:out.json --report junit:junit.xml   # one fetch
      aligner check --format html -o report.html    # the leaders' view
    """
    targets = report_targets(fmt, output, reports)
    with failure_reports(targets):
        # an existing state store is read through (its mirror: only changes are fetched)
        run = run_check(config, sources=sources, as_of=as_date(as_of), progress=cli_progress(),
                        state_path=None if no_history else state_path)
    history = [] if no_history else recent_runs(state_path)
    report = build_report(run.config, run.evaluation, fail_on, min_aligned, history=history)
    write_reports(report, targets)
    if not no_history:
        explicit = click.get_current_context().get_parameter_source("state_path")
        record_check(state_path, sorted(run.snapshot.fetched), summary(run.evaluation),
                     explicit=explicit is click.core.ParameterSource.COMMANDLINE)
    gate_notice(report, targets)
    sys.exit(report.exit_code)


@cli.command()
@run_options
@report_options
@click.option("--dry-run", is_flag=True, help="Print the plan; write nothing.")
@click.option("--max-writes", type=click.IntRange(min=0), default=None,
              help="Write budget for this run (default: writeback.max_writes).")
@click.option("--full", is_flag=True, help="Ignore incremental cursors; read everything.")
@click.option("--state", "state_path", type=click.Path(dir_okay=False, path_type=Path),
              default=DEFAULT_STATE, show_default=True, help="The local state store.")
@click.option("--show-comments", is_flag=True, help="With --dry-run: print each comment too.")
@click.option("--concurrency", type=click.IntRange(min=1, max=32), default=None,
              help="Requests in flight per tracker (default: trackers.<name>.concurrency; "
                   "1: one at a time).")
@one_line_errors
def sync(config: Path, sources: tuple[str, ...], as_of: Any, fmt: str | None,
         output: Path | None, reports: tuple[ReportTarget, ...], fail_on: str, dry_run: bool,
         max_writes: int | None, full: bool, state_path: Path,
         show_comments: bool, concurrency: int | None) -> None:
    """Check, then write flags (labels and one comment) onto the tickets, and clear fixed ones.

    \b
    Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage or model error,
    3 tracker error or incomplete run (budget, failed writes, another sync running).

    \b
    Examples:
      aligner sync --dry-run --show-comments       # print exactly what would change
      aligner sync --max-writes 200 --fail-on never   # a scheduled job
    """
    targets = report_targets(fmt, output, reports)
    with failure_reports(targets):
        outcome = run_sync(config, sources=sources, as_of=as_date(as_of), dry_run=dry_run,
                           max_writes=max_writes, full=full, state_path=state_path,
                           concurrency=concurrency,
                           progress=cli_progress())
    # every format carries the plan (text, JSON `sync`, Markdown "Planned changes")
    history = recent_runs(state_path)  # a real run is its last record: "this run" instead
    report = build_report(outcome.config, outcome.evaluation, fail_on, sync=outcome,
                          show_comments=show_comments,
                          history=history if outcome.dry_run else history[:-1])
    write_reports(report, targets)
    sys.exit(report.exit_code)


@cli.command()
@click.argument("item")
@run_options
@one_line_errors
def explain(item: str, config: Path, sources: tuple[str, ...], as_of: Any) -> None:
    """Show ITEM's trace, where it stopped, and each finding with its fix.

    ITEM is a key (CHK-45) or a ticket's URL from either tracker.

    \b
    Example:
      aligner explain CHK-45 -c examples/acme/aligner.yaml
      aligner explain https://acme.atlassian.net/browse/CHK-45
    """
    item = item_key(item)
    found = check_item(config, item, sources=sources, as_of=as_date(as_of))
    click.echo(printable(render_explain(item, found)))


@cli.command("rules")
def rules_command() -> None:
    """List every installed rule: code, name, default severity, summary.

    \b
    Example:
      aligner rules
    """
    click.echo(render_rule_table(rule_classes()))


@cli.command("rule")
@click.argument("code")
@one_line_errors
def rule_command(code: str) -> None:
    """Print one rule's documentation (by code or name).

    \b
    Examples:
      aligner rule AL101
      aligner rule untraced
    """
    click.echo(render_rule(code, rule_classes()))


@cli.command()
@config_option
@one_line_errors
def validate(config: Path) -> None:
    """Validate the model file only (no tracker is contacted).

    \b
    Example:
      aligner validate -c examples/acme/aligner.yaml
    """
    loaded = load_config(config)
    model = loaded.model
    click.echo(f"{config}: valid — {len(model.strategy)} strategies, {len(model.bets)} bets, "
               f"{len(model.objectives)} objectives, {len(model.teams)} teams, "
               f"{len(loaded.rule_set.rules)} rules, trackers: "
               f"{', '.join(loaded.trackers) or 'none'}")


class DraftableTracker(click.ParamType[str, Any]):
    """`init --from`'s choices: the installed trackers that can draft a starter."""

    name = "tracker"

    def get_metavar(self, param: click.Parameter, ctx: click.Context) -> str:
        return "[" + "|".join(draftable()) + "]"

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> str:
        choices = draftable()
        if value not in choices:
            self.fail(f"{value!r} is not one of {', '.join(map(repr, choices))}.", param, ctx)
        return str(value)


@cli.command()
@click.option("--config", "-c", "config", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("aligner.yaml"), show_default=True, help="The file to write.")
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
@click.option("--from", "tracker", type=DraftableTracker(), default=None,
              help="Draft teams, objectives and strategy from this tracker (read-only).")
@click.option("--url", envvar="ALIGNER_INIT_URL", default=None,
              help="The tracker's site or API URL (some trackers require it).")
@click.option("--email-env", default=None,
              help="Env var holding the account email, where the tracker signs in with one "
                   "[default: the tracker's usual name].")
@click.option("--token-env", default=None,
              help="Env var holding the API token [default: the tracker's usual name].")
@click.option("--pat-env", default=None,
              help="Env var holding a personal access token, where the tracker accepts one "
                   "instead of email and token.")
@click.option("--api-key-env", default=None,
              help="Env var holding the API key [default: the tracker's usual name].")
@one_line_errors
def init(config: Path, force: bool, tracker: str | None, url: str | None,
         email_env: str | None, token_env: str | None, pat_env: str | None,
         api_key_env: str | None) -> None:
    """Write a starter aligner.yaml with comments on what to fill in.

    \b
    Examples:
      aligner init                                   # offline template
      aligner init --from jira --url https://acme.atlassian.net
      aligner init --from linear --api-key-env LINEAR_API_KEY -c aligner.yaml --force
    """
    if tracker is None:
        text = offline_starter()
    else:
        given = {"email": email_env, "token": token_env, "pat": pat_env, "api_key": api_key_env}
        options = InitOptions(url, {role: name for role, name in given.items() if name})
        section = starter_section(tracker, options)
        found = discover(tracker, section, options, os.environ, config.parent)
        text = render_discovered(found, section, date.today())
    write_starter(config, text, force)
    click.echo(f"wrote {config}: fill in the TODOs, then `aligner validate -c {config}`")


@cli.command()
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the schema to this file instead of stdout.")
def schema(output: Path | None) -> None:
    """Print the JSON Schema of aligner.yaml, for editor completion.

    \b
    Example (YAML language server, e.g. VS Code's YAML extension):
      aligner schema -o aligner.schema.json
      # then, as the first line of aligner.yaml:
      # yaml-language-server: $schema=aligner.schema.json
    """
    emit(json.dumps(model_schema(), indent=2, ensure_ascii=False), output)


@cli.command()
@click.option("--state", "state_path", type=click.Path(dir_okay=False, path_type=Path),
              default=DEFAULT_STATE, show_default=True, help="The state store sync writes.")
@click.option("--config", "-c", type=click.Path(path_type=Path), expose_value=False,
              help="Accepted like every command's -c; history reads only the state store.")
@global_flags
@click.option("--limit", type=click.IntRange(min=1), default=10, show_default=True,
              help="How many recent runs to show.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Output format.")
@one_line_errors
def history(state_path: Path, limit: int, fmt: str) -> None:
    """Show the aligned share per team across past sync runs.

    \b
    Examples:
      aligner history
      aligner history --state /var/lib/aligner/state.db --limit 30 --format json
    """
    records = load_history(state_path, limit)
    text = render_history_json(records) if fmt == "json" else render_history(records, state_path)
    click.echo(text, nl=False)


@cli.command()
@config_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=8787, show_default=True,
              help="Port to listen on.")
@click.option("--state", "state_path", type=click.Path(dir_okay=False, path_type=Path),
              default=DEFAULT_STATE, show_default=True,
              help="The state store (the backlog mirror lives there; sync's lock is taken).")
@click.option("--check", "check_only", is_flag=True,
              help="Validate settings and secrets, read each tracker once, and exit.")
@one_line_errors
def serve(config: Path, host: str, port: int, state_path: Path, check_only: bool) -> None:
    """Keep flags current from tracker webhooks (live mode), until SIGTERM.

    \b
    Exit codes (--check): 0 ready to serve, 2 settings or secret missing, 3 tracker
    unreachable.

    \b
    Examples:
      aligner serve --check                         # before the first start
      aligner serve --host 0.0.0.0 --port 8787 --state /var/lib/aligner/state.db
    """
    from aligner.serve import run  # Starlette and uvicorn load only for this command

    if check_only:
        for line in run.check(config):
            click.echo(line)
        return
    run.serve(config, host, port, state_path)

def main() -> None:
    try:
        cli(standalone_mode=True)
    except click.exceptions.Exit as done:
        sys.exit(done.exit_code)
    except Exception as error:  # outside a command's own handling (a plugin failing to load)
        internal_error(error)


__all__ = ["EXIT_USAGE", "cli", "main"]
