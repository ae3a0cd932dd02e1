"""aligner's ticket comment as a tracker-neutral document, and its Markdown rendering.

Adapters render the same document as Markdown (Linear), wiki markup (Jira Data Center) or
Atlassian Document Format (Jira Cloud). Ticket and model text is always a `Text` part, so each
renderer escapes it and nothing in a title can inject markup, links or mentions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from aligner.report.escape import escape_markdown  # the one Markdown escaper, shared with reports


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


# C0 and C1 controls (tab and line breaks stay: renderers fold them into spaces) and the
# bidirectional formatting characters that make text display other than it reads (U+202E)
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f"
                       "\u202a-\u202e\u2066-\u2069]")


def without_controls(text: str) -> str:
    """Ticket text with control and bidi formatting characters removed; every renderer of
    the comment (Markdown, plain, ADF, wiki) passes text through it first."""
    return _CONTROLS.sub("", text)


def _inline_markdown(part: Inline) -> str:
    text = without_controls(part.text)
    if isinstance(part, Link):
        url = without_controls(part.url).replace(")", "%29")
        return f"[{escape_markdown(text)}]({url})"
    if part.style == "code":
        flat = " ".join(text.split()).replace("`", "'")
        return f"`{flat}`"
    escaped = escape_markdown(text)
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
            out.append(without_controls("".join(p.text for p in block.parts)))
        else:
            out.extend("  - " + without_controls("".join(p.text for p in item))
                       for item in block.items)
    return "\n".join(out)
