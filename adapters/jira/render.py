"""aligner's comment as Jira wants it: ADF for Cloud (REST v3), wiki markup for Data Center.

Every `Text` part is ticket or model text and is escaped: in ADF it only ever becomes a plain
text node (never a mention, link or other mark); in wiki markup every special character is
neutralised so `{code}`, `[link|..]`, `[~mention]`, `*bold*`, `|tables|` and emoticons stay text.
Only `Link` parts, which the core builds, become links, and only for http(s) URLs. Control
characters and bidi overrides (U+202E) are dropped from all of it.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import quote, urlsplit

from aligner.comment.document import (
    BulletList,
    Comment,
    Inline,
    Link,
    Paragraph,
    without_controls,
)
from aligner.comment.limits import summarise

ZWSP = "\u200b"  # breaks a pattern (emoticon, autolink) without changing what readers see
_WIKI_SPECIAL = re.compile(r"([*_?\-+^~{}\[\]|!#])")
_EMOTICON = re.compile(r"([:;])(?=[()PpDd/|])|\((?=(?:y|n|i|/|x|on|off|flag|flagoff)\))",
                       re.IGNORECASE)
_AUTOLINK = re.compile(r"(?<=[A-Za-z]):(?=//)|(?<=mailto):", re.IGNORECASE)
_BLOCK_START = re.compile(r"^(h[1-6]|bq)(?=\.)", re.IGNORECASE)


def _flat(text: str) -> str:
    """One line: control and bidi characters dropped, whitespace runs collapsed (edges kept)."""
    return re.sub(r"\s+", " ", without_controls(text))


def _safe_url(url: str) -> str | None:
    parts = urlsplit(url)
    return url if parts.scheme in ("http", "https") and parts.netloc else None


# --- Atlassian Document Format (Cloud) ---------------------------------------------------


def _adf_inline(part: Inline) -> dict[str, Any] | None:
    text = _flat(part.text)
    if not text:
        return None  # ADF refuses empty text nodes
    node: dict[str, Any] = {"type": "text", "text": text}
    if isinstance(part, Link):
        url = _safe_url(without_controls(part.url))
        if url:
            node["marks"] = [{"type": "link", "attrs": {"href": url}}]
    elif part.style == "strong":
        node["marks"] = [{"type": "strong"}]
    elif part.style == "code":
        node["marks"] = [{"type": "code"}]
    return node


def _adf_paragraph(parts: tuple[Inline, ...]) -> dict[str, Any]:
    content = [node for node in map(_adf_inline, parts) if node]
    return {"type": "paragraph", "content": content}


def render_adf(comment: Comment) -> dict[str, Any]:
    """The document as an ADF `doc` (version 1)."""
    content: list[dict[str, Any]] = []
    for block in comment.blocks:
        if isinstance(block, Paragraph):
            content.append(_adf_paragraph(block.parts))
        elif isinstance(block, BulletList) and block.items:
            content.append({"type": "bulletList", "content": [
                {"type": "listItem", "content": [_adf_paragraph(item)]} for item in block.items
            ]})
    return {"type": "doc", "version": 1, "content": content}


# --- Wiki markup (Data Center) -----------------------------------------------------------


def escape_wiki(text: str) -> str:
    """Make ticket text inert in Jira wiki markup."""
    flat = _flat(text).replace("\\", "\u29f5")  # a lone "\" escapes, "\\" breaks the line
    flat = _WIKI_SPECIAL.sub(r"\\\1", flat)
    flat = _EMOTICON.sub(lambda m: m.group(0) + ZWSP, flat)
    flat = _AUTOLINK.sub(":" + ZWSP, flat)
    return _BLOCK_START.sub(lambda m: m.group(1)[0] + ZWSP + m.group(1)[1:], flat)


def _wrap(text: str, start: str, end: str) -> str:
    """`*bold*` only works without inner edge spaces: keep those outside the markers."""
    inner = text.strip()
    if not inner:
        return text
    lead = " " if text[0] == " " else ""
    trail = " " if text[-1] == " " else ""
    return f"{lead}{start}{inner}{end}{trail}"


def _wiki_inline(part: Inline) -> str:
    text = escape_wiki(part.text)
    if not text:
        return ""
    if isinstance(part, Link):
        url = _safe_url(without_controls(part.url))
        if not url:
            return text
        return _wrap(text, "[", "|" + quote(url, safe=":/?&=%#@+;,.~-_!$*()") + "]")
    if part.style == "strong":
        return _wrap(text, "*", "*")
    if part.style == "code":
        return _wrap(text, "{{", "}}")
    return text


def render_wiki(comment: Comment) -> str:
    """The document as wiki markup: paragraphs apart by a blank line, bullets as `* `."""
    out: list[str] = []
    for block in comment.blocks:
        if isinstance(block, Paragraph):
            line = "".join(map(_wiki_inline, block.parts))
            if line:
                out.append(line)
        elif isinstance(block, BulletList) and block.items:
            out.append("\n".join("* " + "".join(map(_wiki_inline, item))
                                 for item in block.items))
    return "\n\n".join(out)



# --- The size limit ----------------------------------------------------------------------

# Jira refuses a comment over 32,767 characters (for ADF: its JSON); the margin leaves room
# for aligner's state marker and for Jira's own serialisation of the document.
COMMENT_LIMIT = 32_767 - 767


def adf_size(comment: Comment) -> int:
    """The ADF document's JSON length, non-ASCII escaped (never less than Jira counts)."""
    return len(json.dumps(render_adf(comment)))


def wiki_size(comment: Comment) -> int:
    return len(render_wiki(comment))


def fitted_adf(comment: Comment) -> dict[str, Any]:
    """The ADF document, summarised if the whole would pass Jira's limit."""
    return render_adf(summarise(comment, COMMENT_LIMIT, adf_size))


def fitted_wiki(comment: Comment) -> str:
    """The wiki markup, summarised if the whole would pass Jira's limit."""
    return render_wiki(summarise(comment, COMMENT_LIMIT, wiki_size))


def adf_text(doc: dict[str, Any]) -> str:
    """An ADF document as a person reads it once Jira renders it: paragraphs, `•` bullets,
    links as `text <url>` (for `--dry-run --show-comments`; the ADF itself is posted)."""
    return "\n\n".join(_adf_block_text(block) for block in doc.get("content", ()))


def _adf_block_text(block: dict[str, Any]) -> str:
    if block.get("type") == "bulletList":
        return "\n".join("• " + _adf_block_text(item["content"][0])
                         for item in block.get("content", ()))
    return "".join(_adf_node_text(node) for node in block.get("content", ()))


def _adf_node_text(node: dict[str, Any]) -> str:
    text = str(node.get("text", ""))
    for mark in node.get("marks", ()):
        if mark.get("type") == "link":
            return f"{text} <{mark['attrs']['href']}>"
        if mark.get("type") == "code":
            return f"`{text}`"
    return text
