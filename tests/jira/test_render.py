"""aligner's comment in ADF and wiki markup: hostile ticket text stays text."""

from __future__ import annotations

import json
import re

import pytest

from aligner.comment.document import BulletList, Comment, Link, Paragraph, Text
from aligner_adapters.jira.render import escape_wiki, render_adf, render_wiki
from aligner_adapters.jira.state import digest_in_wiki, wiki_marker
from tests.fakes.jira_routes import adf_problem

HOSTILE = [
    "{code}rm -rf /{code} and {noformat}x{noformat}",
    "[click me|https://evil.example] [~admin] [^attachment.txt]",
    "*bold* _it_ -strike- +ins+ ^sup^ ~sub~ ??cite?? {{mono}}",
    "|| head || head ||\n| a | b |",
    "h1. Heading\n* list\n# numbered\n----\nbq. quote",
    "!https://evil.example/pixel.png! {color:red}red{color} {anchor:aligner-state-00}",
    "emoticons :) ;) (y) (n) (/) (!) and a link https://evil.example/x",
    "back\\slash \\\\ forced break \\{escaped}",
    "@here <script>alert(1)</script> &amp; \x00\x07 control",
]


def comment_with(title: str) -> Comment:
    return Comment((
        Paragraph((Text("Item "), Text(title, "strong"), Text(" is untraced."))),
        BulletList(((Text(title, "code"),), (Text(title),))),
        Paragraph((Link(title, "https://aligner.example/rules/AL101"),
                   Link("bad", "javascript:alert(1)"))),
    ))


def _text_nodes(node: dict) -> list[dict]:
    if node.get("type") == "text":
        return [node]
    return [t for child in node.get("content") or [] for t in _text_nodes(child)]


@pytest.mark.parametrize("title", HOSTILE)
def test_adf_keeps_ticket_text_in_plain_text_nodes(title: str) -> None:
    doc = render_adf(comment_with(title))
    assert adf_problem(doc) is None  # what Jira Cloud would accept
    nodes = _text_nodes(doc)
    links = [m["attrs"]["href"] for n in nodes for m in n.get("marks") or ()
             if m["type"] == "link"]
    assert links == ["https://aligner.example/rules/AL101"]  # only the core's link
    assert "mention" not in json.dumps(doc) and "inlineCard" not in json.dumps(doc)
    assert all("\x00" not in n["text"] and "\n" not in n["text"] for n in nodes)


@pytest.mark.parametrize("title", HOSTILE)
def test_wiki_markup_neutralises_every_special(title: str) -> None:
    body = render_wiki(comment_with(title))
    assert "\\\\" not in body  # no forced line break survives from ticket text
    bare = re.sub(r"\\.", "", body)  # what is left once every escaped character is gone
    assert (bare.count("["), bare.count("|"), bare.count("]")) == (1, 1, 1)  # our one link
    assert (bare.count("{"), bare.count("}"), bare.count("*")) == (2, 2, 4)  # {{code}}, bold
    assert not set("!~^#?+-_") & set(bare)
    assert bare.count("://") == 1  # no bare URL from ticket text becomes a link
    for face in (":)", ";)", "(y)", "(n)", "(/)"):
        assert face not in body
    assert not any(re.match(r"(h\d|bq)\.", line) for line in body.splitlines())
    assert "javascript" not in body and body.endswith("]bad")  # a non-http link: text only
    assert not digest_in_wiki(body)[0]  # ticket text can never forge aligner's marker


def test_escape_wiki_reads_back_as_the_same_text() -> None:
    text = "a*b_c{d}[e]|f!g#h-i+j^k~l?m"
    escaped = escape_wiki(text)
    assert escaped.replace("\\", "") == text


def test_the_state_marker_round_trips_and_is_last() -> None:
    body = render_wiki(comment_with("x")) + wiki_marker("AL101,AL203")
    assert digest_in_wiki(body) == (True, "AL101,AL203")
    assert digest_in_wiki(body + "\nsomeone appended text") == (False, None)
    assert digest_in_wiki("quoted {anchor:aligner-state-00} in the middle\nmore") == (
        False, None)


def test_links_only_for_http_urls_and_strong_keeps_spaces_outside() -> None:
    body = render_wiki(Comment((Paragraph((Text("a "), Text(" b ", "strong"), Text("c"))),)))
    assert body == "a  *b* c"
    adf = render_adf(Comment((Paragraph((Link("x", "ftp://host/f"),)),)))
    assert adf["content"][0]["content"] == [{"type": "text", "text": "x"}]
