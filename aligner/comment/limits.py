"""Keeping aligner's comment within a tracker's size limit (DESIGN §6).

A ticket with a hundred findings (or one finding naming a hundred components) renders a
comment the tracker refuses: Jira Cloud and Data Center take at most 32,767 characters. The
limit applies to the rendered body, which only the adapter can measure (ADF JSON, wiki text,
Markdown), so the adapter passes its `measure` and `limit`; this module knows the document
shape only. Past the limit the comment summarises: the counts per rule, the first findings
that fit, and "… and N more".
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from aligner.comment.document import Block, BulletList, Comment, Inline, Paragraph, Text

Measure = Callable[[Comment], int]
LONG_TEXT = 400  # characters of one text part kept once the comment is summarised


@dataclass(frozen=True, slots=True)
class _Shape:
    """The comment as compose.build_comment lays it out: a header, findings, a tail."""

    head: tuple[Block, ...]
    findings: tuple[tuple[Paragraph, BulletList], ...]
    tail: tuple[Block, ...]


def summarise(comment: Comment, limit: int, measure: Measure) -> Comment:
    """`comment` if it fits in `limit` (as `measure` counts), else a summary that fits.

    The summary keeps the header, counts the findings per rule, shows as many findings as
    fit (long texts cut), says how many more there are, and keeps the trace and waiver
    lines. A comment that cannot fit even then is cut to its header and counts.
    """
    if measure(comment) <= limit:
        return comment
    shape = _shape(comment)
    counts = _counts(shape)
    for shown in range(len(shape.findings), -1, -1):
        candidate = _summary(shape, counts, shown)
        if measure(candidate) <= limit:
            return candidate
    return Comment((*(_cut_block(b) for b in shape.head), counts))


def _shape(comment: Comment) -> _Shape:
    blocks = comment.blocks
    pairs: list[tuple[Paragraph, BulletList]] = []
    index = 1
    while index + 1 < len(blocks):
        first, second = blocks[index], blocks[index + 1]
        if not (isinstance(first, Paragraph) and isinstance(second, BulletList)):
            break
        pairs.append((first, second))
        index += 2
    return _Shape(blocks[:1], tuple(pairs), blocks[index:])


def _title(finding: Paragraph) -> str:
    first = finding.parts[0] if finding.parts else None
    return first.text if isinstance(first, Text) else "finding"


def _counts(shape: _Shape) -> BulletList:
    tally = Counter(_title(paragraph) for paragraph, _ in shape.findings)
    return BulletList(tuple((Text(title, "strong"), Text(f": {count}"))
                            for title, count in sorted(tally.items())))


def _summary(shape: _Shape, counts: BulletList, shown: int) -> Comment:
    total = len(shape.findings)
    note = Paragraph((Text(f"This comment is summarised to stay within the tracker's size "
                           f"limit: {total} findings by rule below, the first {shown} "
                           "shown."),))
    blocks: list[Block] = [*(_cut_block(b) for b in shape.head), note, counts]
    for paragraph, bullets in shape.findings[:shown]:
        blocks += [_cut_block(paragraph), _cut_block(bullets)]
    if shown < total:
        blocks.append(Paragraph((Text(f"… and {total - shown} more."),)))
    blocks += [_cut_block(b) for b in shape.tail]
    return Comment(tuple(blocks))


def _cut_block(block: Block) -> Block:
    if isinstance(block, Paragraph):
        return Paragraph(_cut_parts(block.parts))
    return BulletList(tuple(_cut_parts(item) for item in block.items))


def _cut_parts(parts: Sequence[Inline]) -> tuple[Inline, ...]:
    return tuple(Text(p.text[:LONG_TEXT] + "…", p.style)
                 if isinstance(p, Text) and len(p.text) > LONG_TEXT else p for p in parts)
