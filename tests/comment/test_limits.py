"""Summarising a comment past the tracker's limit (#13 item 3, DESIGN §6)."""

from __future__ import annotations

from aligner.comment.document import BulletList, Comment, Paragraph, Text, render_markdown
from aligner.comment.limits import summarise


def big_comment(findings: int, message: str = "x" * 300) -> Comment:
    """Laid out as compose.build_comment does: header, finding pairs, trace, waiver."""
    blocks: list[Paragraph | BulletList] = [Paragraph((Text("aligner: ", "strong"),
                                                       Text(f"{findings} problems.")))]
    for n in range(findings):
        name = "AL301 component-unowned" if n % 3 else "AL101 untraced"
        blocks += [Paragraph((Text(name, "strong"), Text(f": {n} {message}."))),
                   BulletList(((Text("Fix: ", "strong"), Text("do it")),))]
    blocks += [Paragraph((Text("Trace so far: ", "strong"), Text("CHK-1 → (none)"))),
               Paragraph((Text("To waive: add the label "), Text("aligner:waive", "code")))]
    return Comment(tuple(blocks))


def size(comment: Comment) -> int:
    return len(render_markdown(comment))


def test_a_comment_within_the_limit_is_left_alone() -> None:
    comment = big_comment(3)
    assert summarise(comment, 10_000, size) is comment


def test_past_the_limit_it_counts_per_rule_shows_the_first_and_says_how_many_more() -> None:
    comment = big_comment(120)
    assert size(comment) > 32_767
    short = summarise(comment, 8_000, size)
    text = render_markdown(short)
    assert size(short) <= 8_000
    assert "**AL101 untraced**: 40" in text and "**AL301 component-unowned**: 80" in text
    assert ": 0 xxx" in text and "more." in text and "aligner:waive" in text
    shown = text.count("**Fix:**")
    assert 0 < shown < 120 and f"… and {120 - shown} more." in text


def test_one_huge_finding_is_cut_to_fit() -> None:
    comment = big_comment(1, message="component " * 5_000)
    short = summarise(comment, 4_000, size)
    assert size(short) <= 4_000 and "AL101 untraced" in render_markdown(short)
