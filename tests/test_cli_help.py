"""Every command's --help has an Example section, and every example in it parses.

An example is parsed by click exactly as a user's command line would be (options, choices and
value types), without running the command, so an example that names a removed option, a
renamed command or a value the option no longer accepts fails here.
"""

from __future__ import annotations

import re
import shlex

import click
import pytest
from click.testing import CliRunner

from aligner.cli import cli

HEADING = re.compile(r"^(\s*)(?:.*\s)?examples?\b.*:\s*$", re.IGNORECASE)
SHELL_OPERATORS = {">", ">>", "2>", "2>>", "|", "&&", "||", ";", "<"}


def _commands(group: click.Group, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every command path under the group, the group itself first."""
    found = [path]
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            found += _commands(command, (*path, name))
        else:
            found.append((*path, name))
    return found


COMMANDS = _commands(cli)


def help_text(path: tuple[str, ...]) -> str:
    result = CliRunner().invoke(cli, [*path, "--help"])
    assert result.exit_code == 0, result.output
    return result.output


def examples(text: str) -> list[str]:
    """The `aligner …` lines of every Example section: the indented lines under a heading
    that names an example, up to the first blank or less indented line."""
    found: list[str] = []
    depth: int | None = None  # the indentation of the heading we are under, if any
    for line in text.splitlines():
        indent = len(line) - len(line.lstrip())
        if depth is not None and line.strip() and indent > depth:
            if line.strip().startswith("aligner"):
                found.append(line.strip())
            continue
        heading = HEADING.match(line)
        depth = len(heading.group(1)) if heading else None
    return found


def argv(example: str) -> list[str]:
    """The arguments an example passes to aligner: comments and shell redirections dropped."""
    words = shlex.split(example, comments=True)
    assert words[0] == "aligner", example
    cut = next((i for i, word in enumerate(words) if word in SHELL_OPERATORS), len(words))
    return words[1:cut]


def parse(args: list[str]) -> click.Context:
    """Parse a command line as `aligner` would, down to the subcommand, invoking nothing;
    raises click.UsageError (unknown option or command, bad value) like the real run."""
    ctx = cli.make_context("aligner", list(args))
    while isinstance(ctx.command, click.Group):
        rest = [*ctx._protected_args, *ctx.args]  # what Group.invoke hands to a subcommand
        if not rest:
            break
        name, command, rest = ctx.command.resolve_command(ctx, rest)
        assert command is not None and name is not None
        ctx = command.make_context(name, rest, parent=ctx)
    return ctx


@pytest.mark.parametrize("path", COMMANDS, ids=[" ".join(p) or "aligner" for p in COMMANDS])
def test_help_has_examples_that_parse(path: tuple[str, ...]) -> None:
    text = help_text(path)
    found = examples(text)
    assert found, f"`aligner {' '.join(path)} --help` has no Example section:\n{text}"
    for example in found:
        try:
            ctx = parse(argv(example))
        except click.UsageError as error:
            pytest.fail(f"example {example!r} does not parse: {error.format_message()}")
        if path:
            assert ctx.info_name == path[-1], f"{example!r} is not an example of {path}"


def test_the_section_parser_reads_the_examples_and_only_them() -> None:
    text = ("Usage: aligner check\n\n  Does things.\n\n  Examples:\n"
            "    aligner check -c a.yaml   # a comment\n    # a note\n"
            "    aligner check --format json >> out.json\n\n  aligner not-an-example\n")
    assert examples(text) == ["aligner check -c a.yaml   # a comment",
                              "aligner check --format json >> out.json"]
    assert [argv(e) for e in examples(text)] == [["check", "-c", "a.yaml"],
                                                 ["check", "--format", "json"]]
    assert examples("Usage: aligner check\n\n  Does things: aligner check\n") == []


@pytest.mark.parametrize(("args", "problem"), [
    (["check", "--no-such-option"], "No such option"),
    (["check", "--format", "yaml"], "'yaml' is not one of"),
    (["chek"], "No such command"),
    (["-q", "rule"], "Missing argument"),
])
def test_an_example_that_no_longer_parses_is_caught(args: list[str], problem: str) -> None:
    with pytest.raises(click.UsageError) as caught:
        parse(args)
    assert problem in caught.value.format_message()


def test_global_options_before_the_command_parse() -> None:
    ctx = parse(["-q", "check", "-c", "a.yaml", "--fail-on", "never"])
    assert ctx.info_name == "check" and ctx.params["fail_on"] == "never"
    assert ctx.parent is not None and ctx.parent.params["quiet"] is True
