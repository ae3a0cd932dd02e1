"""What an earlier run left on a Linear issue, read from the same page as the issue.

aligner's state travels on the ticket: the managed labels (by label id) and aligner's own
comment, whose last line carries the digest of the findings it shows:

    `aligner-state:AL101%2CAL203`

The marker is visible text in a code span (Markdown comments or HTML would not survive
Linear's Markdown round trip); the digest is percent-encoded so it reads back exactly.
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


def comment_body(comment: Comment, digest: str | None) -> str:
    """The Markdown body: the escaped document (summarised past COMMENT_LIMIT), then the
    state marker."""
    marker = f"`{STATE_MARKER}{quote(digest or '', safe='')}`"
    fitted = summarise(comment, COMMENT_LIMIT, lambda c: len(render_markdown(c)))
    return f"{render_markdown(fitted)}\n\n{marker}"


def digest_of(body: str) -> str | None:
    """The digest recorded in a comment body (the last marker wins); None without one."""
    found = _DIGEST.findall(body or "")
    if not found:
        return None
    return unquote(found[-1]) or None


def own_comment(node: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """(comment id, digest) of aligner's comment in an issue node's filtered comments."""
    comments = node.get("comments")
    nodes = comments.get("nodes") if isinstance(comments, Mapping) else None
    for comment in nodes or ():
        if isinstance(comment, Mapping) and comment.get("id"):
            return str(comment["id"]), digest_of(str(comment.get("body") or ""))
    return None, None


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
    comment_id, digest = own_comment(node)
    return TicketFlags(labels=frozenset(m for m in managed if m), comment_id=comment_id,
                       digest=digest)
