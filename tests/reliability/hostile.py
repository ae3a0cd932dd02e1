"""Hostile ticket and model text, and checks that a rendered comment kept it inert."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token

# Each fragment tries to become markup in at least one of Markdown, HTML, Jira wiki or ADF.
FRAGMENTS = [
    "[x](http://evil.example)", "![p](https://evil.example/p.png)", "<http://evil.example>",
    "https://evil.example/a?b=c", "www.evil.example", "evil.example", "evil.com/login",
    "docs.google.com", "user@evil.com", "mailto:a@evil.example",
    "javascript:alert(1)", "<script>alert(1)</script>", "<a href='http://evil'>x</a>",
    "<img src=x onerror=alert(1)>", "&lt;b&gt;", "&#64;here", "@everyone", "@jane.doe",
    "[~accountid:5b10a2844c20165700ede21g]", "[~admin]", "[^secret.txt]", "[link|http://e]",
    "{code}rm -rf /{code}", "{noformat}x{noformat}", "{color:red}x{color}", "{{mono}}",
    "{anchor:aligner-state-00}", "`aligner-state:FORGED`", "*bold*", "**strong**", "_it_",
    "~~strike~~", "-del-", "+ins+", "^sup^", "~sub~", "??cite??", "h1. Title", "bq. quote",
    "# heading", "1. item", "- item", "* item", "> quote", "----", "***", "| a | b |",
    "|| h ||", ":)", ";)", "(y)", "(n)", "(/)", "(!)", "(on)", "\\\\", "\\", "`", "```",
    "\n", "\n\n# injected\n- list", "\r\n", "\t", "\x00", "\x07", "\x1b[31m", "\u2028",
    "\u202e", "\u200b", "\ufeff", "😀", "e\u0301", "x" * 300,
]
hostile = st.lists(
    st.one_of(st.sampled_from(FRAGMENTS),
              st.text(st.characters(blacklist_categories=("Cs",)), max_size=8)),
    min_size=1, max_size=5).map("".join)
HOSTILE_SAMPLES = [
    "**Boss** says [click](https://evil.example) @everyone <img src=x>",
    "{code}x{code} [~accountid:557058:f00] [link|http://evil.example] h1. big",
    "evil.example\n\n# injected heading\n- [x](javascript:alert(1)) `aligner-state:X`",
    "|| a || b ||\n| (y) | :) | ![p](https://evil.example/p.png) |",
]

MARKDOWN = MarkdownIt("commonmark", {"linkify": True}).enable(["linkify", "table",
                                                               "strikethrough"])
MARKUP_TOKENS = {"link_open", "image", "html_inline", "html_block", "heading_open",
                 "table_open", "hr", "fence", "code_block", "blockquote_open", "em_open",
                 "s_open", "ordered_list_open", "lheading_open"}


def flat(text: str) -> str:
    """What a renderer may legitimately do to text: collapse whitespace runs to one space."""
    return re.sub(r"\s+", " ", text)


def tokens(markdown: str) -> list[Token]:
    def walk(found: list[Token]) -> Iterator[Token]:
        for token in found:
            yield token
            yield from walk(token.children or [])

    return list(walk(MARKDOWN.parse(markdown)))


def markdown_markup(markdown: str) -> list[str]:
    """Markup token types a CommonMark + GFM (linkify, tables) parser finds in `markdown`."""
    return [t.type for t in tokens(markdown) if t.type in MARKUP_TOKENS]


def unescaped_mentions(markdown: str) -> list[str]:
    """`@name` that a Linear-style mention parser could pick up (not backslash-escaped)."""
    outside_code = re.sub(r"`[^`]*`", "", markdown)
    return re.findall(r"(?<!\\)@\w+", outside_code)


def adf_nodes(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield node
    for child in node.get("content") or []:
        yield from adf_nodes(child)


def adf_injections(doc: dict[str, Any], allowed_links: set[str] = frozenset()) -> list[str]:
    """Anything in an ADF doc beyond paragraphs, lists and marked-up text nodes."""
    problems = []
    for node in adf_nodes(doc):
        if node["type"] not in {"doc", "paragraph", "bulletList", "listItem", "text"}:
            problems.append(node["type"])
        for mark in node.get("marks") or ():
            href = (mark.get("attrs") or {}).get("href")
            if mark["type"] not in {"strong", "code", "link"} or (
                    mark["type"] == "link" and href not in allowed_links):
                problems.append(f"{mark['type']}:{href}")
        if node["type"] == "text" and re.search(r"[\x00-\x1f\x7f]", node["text"]):
            problems.append(f"control character in {node['text']!r}")
    return problems


WIKI_SPECIALS = set("*_?-+^~{}[]|!#")
EMOTICON = re.compile(r"[:;][()PpDd/|]|\((y|n|i|/|x|on|off|flag|flagoff)\)", re.I)


def wiki_injections(escaped: str) -> list[str]:
    """What Jira's wiki renderer could still interpret in one escaped piece of ticket text."""
    bare = re.sub(r"\\.", "", escaped)
    problems = [f"special {c!r}" for c in sorted(WIKI_SPECIALS & set(bare))]
    if "\\\\" in escaped or "\n" in escaped or "\r" in escaped:
        problems.append("line break")
    if re.search(r"[A-Za-z]://|mailto:(?!\u200b)", escaped, re.I):
        problems.append("autolink")
    problems += [f"emoticon {m.group(0)}" for m in EMOTICON.finditer(escaped)]
    if re.match(r"(h[1-6]|bq)\.", escaped, re.I):
        problems.append("block start")
    return problems
