"""What aligner leaves on a ticket so it needs no local state, and how it finds it again.

Cloud: the issue property `aligner` = {"v": 1, "digest": ..., "comment": <id>} is set in the same
edit as the labels and read back by the search (`properties=aligner`). aligner creates its
comment INSIDE that edit (`update.comment: [{add: ...}]`), so the comment and the state that
names it are one atomic write: no instant of death leaves a comment without its state. Jira
does not say which id the edit gave the comment, so the property then records `IN_EDIT`
("created by the edit, id not yet known"); a later update or deletion lists the issue's comments
once to find it (by the ADF body's invisible marker and the API user as author, as in
precheck.py) and records the id with its own edit. Comments posted by older versions carry a
comment property `aligner` too.

Data Center: its search cannot return issue properties, so the comment itself carries the state:
an invisible `{anchor:aligner-state-<hex digest>}` as its last line, read back from the search's
`comment` field in the same page.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from .mapping import STATE_PROPERTY

STATE_VERSION = 1
IN_EDIT = "in-edit"  # the property's comment: created by the issue edit, id not yet known
_ANCHOR = re.compile(r"\n\{anchor:aligner-state-([0-9a-f]*)\}\s*$")
# Word joiner, zero-width space, word joiner: invisible wherever Jira shows the comment. Plain
# text, because Jira validates ADF and may refuse or drop unknown attributes and node types.
ADF_MARKER = "\u2060\u200b\u2060"


def issue_state(digest: str | None, comment_id: str | None) -> dict[str, Any]:
    """The issue property value (Cloud)."""
    return {"v": STATE_VERSION, "digest": digest, "comment": comment_id}


def comment_property(digest: str | None) -> dict[str, Any]:
    """The comment property that marks aligner's own comment (Cloud)."""
    return {"key": STATE_PROPERTY, "value": {"v": STATE_VERSION, "digest": digest}}


def wiki_marker(digest: str | None) -> str:
    """The last line of aligner's wiki comment (Data Center): invisible once rendered."""
    return "\n{anchor:aligner-state-" + (digest or "").encode().hex() + "}"


def mark_adf(doc: dict[str, Any]) -> dict[str, Any]:
    """aligner's ADF comment with the marker as the last text of its last paragraph."""
    content = [dict(block) for block in doc.get("content") or ()]
    marker = {"type": "text", "text": ADF_MARKER}
    if content and content[-1].get("type") == "paragraph":
        content[-1]["content"] = [*(content[-1].get("content") or ()), marker]
    else:
        content.append({"type": "paragraph", "content": [marker]})
    return {**doc, "content": content}


def _adf_text(node: Any) -> str:
    if not isinstance(node, Mapping):
        return ""
    if node.get("type") == "text":
        return str(node.get("text") or "")
    children = node.get("content")
    return "".join(map(_adf_text, children)) if isinstance(children, list) else ""


def marked_adf(body: Any) -> bool:
    """Whether an ADF body ends with aligner's marker.

    By the document's text as a whole: Jira may merge adjacent text nodes with the same marks.
    """
    return _adf_text(body).rstrip().endswith(ADF_MARKER)


def digest_in_wiki(body: Any) -> tuple[bool, str | None]:
    """(is aligner's comment, recorded digest) from a wiki body."""
    if not isinstance(body, str):
        return False, None
    match = _ANCHOR.search(body)
    if not match:
        return False, None
    try:
        digest = bytes.fromhex(match.group(1)).decode()
    except ValueError:
        return True, None
    return True, digest or None


def _comment_props(comment: Mapping[str, Any]) -> Mapping[str, Any]:
    """Comment properties as a {key: value} map (Jira sends a list of {key, value})."""
    raw = comment.get("properties")
    if isinstance(raw, Mapping):
        return raw
    if isinstance(raw, list):
        return {str(p["key"]): p.get("value") for p in raw
                if isinstance(p, Mapping) and p.get("key") is not None}
    return {}


def _author(comment: Mapping[str, Any]) -> str | None:
    author = comment.get("author")
    found = author.get("accountId") if isinstance(author, Mapping) else None
    return str(found) if found else None


def _recognised(comment: Any, me: str | None) -> tuple[str, str | None] | None:
    """(id, digest) if this is aligner's comment: by comment property (Cloud, older
    versions), by the wiki anchor (DC), or by the ADF marker written by the API user `me`."""
    if not isinstance(comment, Mapping) or comment.get("id") is None:
        return None
    prop = _comment_props(comment).get(STATE_PROPERTY)
    if isinstance(prop, Mapping):
        digest = prop.get("digest")
        return str(comment["id"]), str(digest) if digest else None
    mine, digest = digest_in_wiki(comment.get("body"))
    if mine:
        return str(comment["id"]), digest
    if me is not None and _author(comment) == me and marked_adf(comment.get("body")):
        return str(comment["id"]), None
    return None


def own_comments(comments: Iterable[Any], me: str | None = None) -> list[tuple[str, str | None]]:
    """(id, digest) of every comment aligner wrote, oldest first (see `_recognised`).

    A person's comment quoting aligner's copies the marker but not the author: never taken.
    """
    return [found for c in comments if (found := _recognised(c, me)) is not None]


def own_comment(comments: Iterable[Any]) -> tuple[str, str | None] | None:
    """(id, digest) of the oldest comment aligner wrote, by property (Cloud) or marker (DC)."""
    found = own_comments(comments)
    return found[0] if found else None


def keep_one(found: list[tuple[str, str | None]], named: str | None) -> tuple[
        tuple[str, str | None] | None, tuple[str, ...]]:
    """Of several aligner comments: the one to keep (the one the state names, else the
    newest) and the ids of the duplicates to delete."""
    if not found:
        return None, ()
    kept = next((f for f in found if f[0] == named), found[-1])
    return kept, tuple(f[0] for f in found if f[0] != kept[0])


def with_state_from_comments(raw: Mapping[str, Any]) -> tuple[dict[str, Any], bool]:
    """A DC issue with its `properties.aligner` filled in from aligner's comment (the newest,
    when two runs with separate state left several; the others are listed as `extra`).

    Returns the issue and whether the comment list was cut short without aligner's comment in
    it (then a create must check the full list first).
    """
    fields = raw.get("fields") or {}
    block = fields.get("comment") if isinstance(fields, Mapping) else None
    comments = list(block.get("comments") or ()) if isinstance(block, Mapping) else []
    found, extras = keep_one(own_comments(comments), None)
    total = block.get("total") if isinstance(block, Mapping) else None
    truncated = isinstance(total, int) and total > len(comments)
    issue = dict(raw)
    if found:
        state = issue_state(found[1], found[0])
        issue["properties"] = {STATE_PROPERTY: {**state, "extra": list(extras)} if extras
                               else state}
    return issue, truncated and not found
