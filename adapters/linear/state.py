"""What an earlier run left on a Linear issue, read from the same page as the issue.

aligner's state travels on the ticket: the managed labels (by label id) and aligner's own
comment, whose last line carries the digest of the findings it shows, hidden in the URL of a
link whose only text is a zero-width space:

    [\u200b](https://aligner.invalid/#aligner-state:AL101%2CAL203)

Why a link: Linear keeps comments as Markdown through its editor, which drops Markdown
comments and raw HTML, but keeps links (CommonMark: a link's text may be any inline content,
and U+200B is not whitespace, so the link is neither empty nor trimmed away). Nothing shows:
the link's only text has no width. The URL is in the reserved `.invalid` domain (RFC 2606), so
it can lead nowhere, and its fragment keeps the `aligner-state:` marker, so the issue page's
filter (`body contains "aligner-state:"`) finds old and new comments alike. Comments written
before (a visible `` `aligner-state:…` `` code span, issue #18) still read back: the digest is
the text after the last marker, percent-encoded either way, and is rewritten with the next
update.

Two runs with separate local state at once may each post a comment: the page asks for two
own comments (`first: 2`), and any beyond the first are listed as duplicates for the next
write to delete.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote, unquote

from aligner.comment.document import Comment, render_markdown
from aligner.comment.limits import summarise
from aligner.engine.items import TicketFlags

from .documents import STATE_MARKER

# Linear publishes no comment size limit; a comment this long is far past readable, and well
# inside what comment bodies are known to hold, so summarising here never meets a refusal.
COMMENT_LIMIT = 16_000
_DIGEST = re.compile(re.escape(STATE_MARKER) + r"([A-Za-z0-9_.~%-]*)")


STATE_URL = "https://aligner.invalid/#"
HIDDEN_TEXT = "\u200b"  # zero-width space: the link's only text, so nothing shows


def state_marker(digest: str | None) -> str:
    """The invisible last line that records `digest`."""
    return f"[{HIDDEN_TEXT}]({STATE_URL}{STATE_MARKER}{quote(digest or '', safe='')})"


def comment_body(comment: Comment, digest: str | None) -> str:
    """The Markdown body: the escaped document (summarised past COMMENT_LIMIT), then the
    hidden state marker."""
    marker = state_marker(digest)
    fitted = summarise(comment, COMMENT_LIMIT, lambda c: len(render_markdown(c)))
    return f"{render_markdown(fitted)}\n\n{marker}"


def digest_of(body: str) -> str | None:
    """The digest recorded in a comment body (the last marker wins); None without one."""
    found = _DIGEST.findall(body or "")
    if not found:
        return None
    return unquote(found[-1]) or None


def own_comments(node: Mapping[str, Any]) -> list[tuple[str, str | None]]:
    """(comment id, digest) of each of aligner's comments in an issue node's filtered
    comments (own comments with the marker), in the order Linear listed them."""
    comments = node.get("comments")
    nodes = comments.get("nodes") if isinstance(comments, Mapping) else None
    return [(str(c["id"]), digest_of(str(c.get("body") or ""))) for c in nodes or ()
            if isinstance(c, Mapping) and c.get("id")]


def own_comment(node: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """(comment id, digest) of aligner's comment in an issue node's filtered comments (the
    first listed; any others are duplicates, see `ticket_flags`)."""
    found = own_comments(node)
    return found[0] if found else (None, None)


def managed_name(name: str, prefix: str, waive_label: str) -> str | None:
    """The managed label `name` stands for, ignoring case as Linear does; None if not managed.

    `Aligner:Untraced` made by hand counts as `aligner:untraced`, so it is neither added again
    nor left behind: the result is spelled as aligner spells its labels (prefix + lower case).
    """
    folded, folded_prefix = name.casefold(), prefix.casefold()
    if not folded.startswith(folded_prefix) or folded == waive_label.casefold():
        return None
    return prefix + folded[len(folded_prefix):]


def ticket_flags(node: Mapping[str, Any], label_names: Mapping[str, str], *,
                 prefix: str, waive_label: str) -> TicketFlags:
    """The managed labels present (waive label excluded), aligner's comment and its digest."""
    names = (label_names.get(str(label_id)) for label_id in node.get("labelIds") or ())
    managed = (managed_name(n, prefix, waive_label) for n in names if n)
    found = own_comments(node)
    comment_id, digest = found[0] if found else (None, None)
    return TicketFlags(labels=frozenset(m for m in managed if m), comment_id=comment_id,
                       digest=digest, extra_comments=tuple(c for c, _ in found[1:]))
