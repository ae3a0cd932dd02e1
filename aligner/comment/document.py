"""aligner's ticket comment as a tracker-neutral document, and its Markdown rendering.

Adapters render the same document as Markdown (Linear), wiki markup (Jira Data Center) or
Atlassian Document Format (Jira Cloud). Ticket and model text is always a `Text` part, so each
renderer escapes it and nothing in a title can inject markup, links or mentions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True, slots=True)
class Text:
    text: str
    style: Literal["plain", "strong", "code"] = "plain"


@dataclass(frozen=True, slots=True)
class Link:
    text: str
    url: str


Inline = Text | Link


@dataclass(frozen=True, slots=True)
class Paragraph:
    parts: tuple[Inline, ...]


@dataclass(frozen=True, slots=True)
class BulletList:
    items: tuple[tuple[Inline, ...], ...]


Block = Paragraph | BulletList


@dataclass(frozen=True, slots=True)
class Comment:
    blocks: tuple[Block, ...]


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#!|<>~@&=$])")
_LINE_START = re.compile(r"^(\s*)([-+]|\d+(?=[.)]))")
_AUTOLINK = re.compile(r"(?<=[A-Za-z]):(?=//)|(?<=\w)\.(?=\w)")  # http://, evil.com


def escape_markdown(text: str) -> str:
    """Backslash-escape everything Markdown (and Linear's mentions) could interpret.

    Whitespace runs (newlines included) collapse to one space, so no text can start a new
    block; list and heading markers are escaped where they could open one.
    """
    flat = re.sub(r"\s+", " ", text)
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", flat)
    escaped = _AUTOLINK.sub(lambda m: "\\" + m.group(0), escaped)  # no bare-URL autolinks
    return _LINE_START.sub(_escape_marker, escaped)


def _escape_marker(match: re.Match[str]) -> str:
    lead, marker = match.group(1), match.group(2)
    return f"{lead}\\{marker}" if marker in "-+" else f"{lead}{marker}\\"


def _inline_markdown(part: Inline) -> str:
    if isinstance(part, Link):
        return f"[{escape_markdown(part.text)}]({part.url.replace(')', '%29')})"
    if part.style == "code":
        flat = " ".join(part.text.split()).replace("`", "'")
        return f"`{flat}`"
    escaped = escape_markdown(part.text)
    inner = escaped.strip()
    if part.style != "strong" or not inner:
        return escaped
    # `**Fix: **` is not bold in CommonMark: edge spaces go outside the markers
    lead = escaped[:len(escaped) - len(escaped.lstrip())]
    return f"{lead}**{inner}**{escaped[len(escaped.rstrip()):]}"


def render_markdown(comment: Comment) -> str:
    """Render the document as Markdown, every text part escaped."""
    out: list[str] = []
    for block in comment.blocks:
        if isinstance(block, Paragraph):
            out.append("".join(_inline_markdown(p) for p in block.parts))
        else:
            out.append("\n".join("- " + "".join(map(_inline_markdown, i)) for i in block.items))
    return "\n\n".join(out)


def render_plain(comment: Comment) -> str:
    """Render the document as plain text (dry-run output, logs)."""
    out: list[str] = []
    for block in comment.blocks:
        if isinstance(block, Paragraph):
            out.append("".join(p.text for p in block.parts))
        else:
            out.extend("  - " + "".join(p.text for p in item) for item in block.items)
    return "\n".join(out)
