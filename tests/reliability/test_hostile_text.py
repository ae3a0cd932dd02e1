"""Hostile ticket and model text stays text in every comment renderer (no link, mention or
markup survives), checked with a real CommonMark + GFM parser for Markdown, by walking the
ADF tree for Jira Cloud, and by a wiki-markup scan for Jira Data Center."""

from __future__ import annotations

import re

from hypothesis import given, settings

from aligner.comment.document import BulletList, Comment, Paragraph, Text, render_markdown
from aligner_adapters.jira.render import escape_wiki, render_adf, render_wiki

from .hostile import (
    adf_injections,
    flat,
    hostile,
    markdown_markup,
    tokens,
    unescaped_mentions,
    wiki_injections,
)

SETTINGS = settings(max_examples=150, deadline=None)
# dropped from every comment (issue #13): C0 but tab and line breaks, DEL, C1, bidi controls
CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f"
                      "\u202a-\u202e\u2066-\u2069]")


def comment_of(text: str) -> Comment:
    """Ticket text where build_comment puts it: plain parts in paragraphs and bullets."""
    return Comment((
        Paragraph((Text("aligner: ", "strong"), Text("start "), Text(text), Text(" end"))),
        BulletList(((Text("AL101 untraced", "strong"), Text(": "), Text(text)),
                    (Text("Fix: ", "strong"), Text(text)))),
        Paragraph((Text("To waive: add the label "), Text("aligner:waive", "code"),
                   Text(". Trace so far: "), Text(text))),
    ))


@SETTINGS
@given(text=hostile)
def test_markdown_keeps_hostile_text_as_text(text: str) -> None:
    body = render_markdown(comment_of(text))
    assert markdown_markup(body) == []
    assert unescaped_mentions(body) == []
    found = tokens(body)
    assert [t.type for t in found if t.type == "strong_open"] == ["strong_open"] * 3
    assert [t.content for t in found if t.type == "code_inline"] == ["aligner:waive"]
    assert sum(t.type == "paragraph_open" for t in found) == 4  # 2 paragraphs + 2 bullets
    # and nothing was lost: the reader sees the text itself, whitespace collapsed
    first = next(t for t in found if t.type == "inline")
    shown = "".join(c.content for c in first.children or [] if c.type == "text")
    expected = flat(CONTROLS.sub("", text))
    assert shown == f"aligner: start {expected} end"


@SETTINGS
@given(text=hostile)
def test_adf_keeps_hostile_text_in_plain_text_nodes(text: str) -> None:
    doc = render_adf(comment_of(text))
    assert adf_injections(doc) == []
    first = doc["content"][0]["content"]
    shown = "".join(node["text"] for node in first)
    assert shown == "aligner: start " + flat(CONTROLS.sub("", text)) + " end"


@SETTINGS
@given(text=hostile)
def test_wiki_escaping_leaves_nothing_to_interpret(text: str) -> None:
    escaped = escape_wiki(text)
    assert wiki_injections(escaped) == []
    body = render_wiki(comment_of(text))
    assert escaped in body
    read_back = re.sub(r"\\(.)", r"\1", escaped).replace("\u200b", "").replace("\u29f5", "\\")
    # "\" is shown as its lookalike U+29F5, so a literal U+29F5 reads back as "\" too
    expected = flat(CONTROLS.sub("", text)).replace("\u200b", "").replace("\u29f5", "\\")
    assert read_back == expected
