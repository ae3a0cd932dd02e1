"""Markdown: the team table against the bar, coverage, folded findings, escaped ticket text."""

from __future__ import annotations

from aligner.report.markdown import escape, render_markdown
from tests.report_factory import HOSTILE, finding, outcome, report


def test_hostile_text_cannot_inject_markup_or_break_the_table() -> None:
    run = report([finding("A-1", message=HOSTILE, url="https://x.example/browse/A-1 (x)")],
                 [outcome("A-1", "alpha", False)])
    text = render_markdown(run)
    row = next(line for line in text.splitlines() if line.startswith("| [A-1]"))
    assert "<script>" not in text and "\\<script\\>" in row
    assert row.count(" | ") == 3  # four cells: the message's pipe is escaped
    assert "\\|" in row and "\\[link\\]" in row and "\\`code\\`" in row
    assert "(https://x.example/browse/A-1%20%28x%29)" in row
    assert "http\\://evil" in row  # a bare URL in ticket text is not autolinked by GitHub


def test_report_and_ticket_comment_share_one_markdown_escaper() -> None:
    from aligner.comment.document import Comment, Paragraph, Text
    from aligner.comment.document import render_markdown as render_comment

    hostile = "see www.evil.com or mail me@evil.com, $x$ @here"
    comment = render_comment(Comment((Paragraph((Text(hostile),)),)))
    assert escape(hostile) == comment
    assert "evil\\.com" in comment and "\\@here" in comment and "\\$x\\$" in comment


def test_escape_flattens_newlines() -> None:
    assert escape("a\nb\r\nc") == "a b c"


def test_team_marks_against_the_gate_bar_without_al301() -> None:
    outcomes = [outcome("A-1", "alpha", True, ("O-1",)), outcome("B-1", "beta", False),
                outcome("B-2", "beta", True, ("O-2",))]
    text = render_markdown(report([], outcomes, min_aligned=0.6))
    assert "| alpha | 1 | 1 | 100% | ✅ |" in text
    assert "| beta | 2 | 1 | 50% | ❌ |" in text
    assert "**Gate ✅ passed:** 66.7%" in text
    assert "Nothing to fix. ✅" in text


def test_coverage_names_where_nobody_is_working() -> None:
    outcomes = [outcome("A-1", "alpha", True, ("O-1",))]
    text = render_markdown(report([], outcomes))
    assert "**Nobody is working on:** strategy idle-pillar; bet bet-idle; objectives O-2, O-idle." \
        in text
    assert "| ↳ bet bet-a | 1 | 1 |" in text


def test_findings_fold_per_team() -> None:
    run = report([finding("A-1"), finding("B-1", team="beta"), finding("C-1", team=None)],
                 [outcome("A-1", "alpha", False), outcome("B-1", "beta", False),
                  outcome("C-1", None, False)])
    text = render_markdown(run)
    assert text.count("<details>") == 3 and text.count("</details>") == 3
    assert "<summary><b>(no team)</b> — 1 finding</summary>" in text
    assert "| (no team) | 1 | 0 | 0% | – |" in text
