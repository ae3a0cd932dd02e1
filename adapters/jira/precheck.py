"""Jira Cloud: before posting comments, find the ones a killed run posted but never recorded.

aligner creates its comment inside the issue edit that records it (state.py), so a kill no
longer leaves a comment no property names. Two cases still can: a comment an older aligner
posted before it was killed between its POST and its edit, and a comment another run with
separate local state created after this run read the issue (the race of two runs at once).
A creation there would post a second comment. Data Center is immune: its search pages carry
the comments, and aligner's state with them.

So before posting, up to 100 planned creations at a time are checked with ONE
`POST /rest/api/3/issue/bulkfetch` asking only for the `comment` field. That field carries no
comment properties (only `GET …/comment?expand=properties` does), so aligner's comment is
recognised by two things together:

- its ADF body ends with aligner's invisible marker (`state.ADF_MARKER`), and
- its author is the API user: the accountId from `GET /rest/api/3/myself`, asked once per run
  and only once a marked comment turns up (an edit's answer names no author).

Either alone is not enough: a person quoting aligner's comment copies the invisible marker
along, and the API user may be a person's own account, whose comments aligner must not touch.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from aligner.engine.items import BacklogItem
from aligner.errors import AuthError, TrackerError
from aligner.sync.plan import CREATE, ItemPlan

from .reader import BATCH, Site
from .state import IN_EDIT, keep_one, marked_adf, own_comments
from .transport import Forbidden

MYSELF = "/rest/api/3/myself"


@dataclass(frozen=True, slots=True)
class Posted:
    """aligner's comment found on an issue: its id, and its body as Jira holds it."""

    comment_id: str
    body: Any


def windows(plans: Sequence[ItemPlan], size: int = BATCH) -> Iterator[list[ItemPlan]]:
    """The plans in order, cut so that each part holds at most `size` comment creations."""
    window: list[ItemPlan] = []
    creations = 0
    for plan in plans:
        if plan.comment == CREATE:
            if creations == size:
                yield window
                window, creations = [], 0
            creations += 1
        window.append(plan)
    if window:
        yield window


def author_id(comment: Any) -> str | None:
    author = comment.get("author") if isinstance(comment, Mapping) else None
    found = author.get("accountId") if isinstance(author, Mapping) else None
    return str(found) if found else None


class CommentPrecheck:
    """Looks for aligner's comments on Cloud issues, a batch of up to 100 at a time."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self.account_id: str | None = None  # the API user's

    def learn(self, answer: Any) -> None:
        """Remember the API user's accountId from the answer to a comment aligner posted."""
        self.account_id = self.account_id or author_id(answer)

    def look(self, keys: Sequence[str]) -> tuple[dict[str, Posted], set[str]]:
        """aligner's comment per issue that has one, and the keys still in doubt: those whose
        comment list came back cut short, or whose batch could not be read. Those must list
        every comment before posting (as after a lost answer)."""
        found: dict[str, Posted] = {}
        unsure: set[str] = set()
        for start in range(0, len(keys), BATCH):
            batch = keys[start:start + BATCH]
            try:
                for issue in self._fetch(batch):
                    key = str(issue.get("key"))
                    posted, cut_short = self._own_comment(issue)
                    if posted:
                        found[key] = posted
                    elif cut_short:
                        unsure.add(key)
            except Forbidden:
                unsure.update(batch)
            except AuthError:
                raise
            except TrackerError:  # the check failed: the per-issue check will decide
                unsure.update(batch)
        return found, unsure

    def _fetch(self, keys: Sequence[str]) -> list[Mapping[str, Any]]:
        body = {"issueIdsOrKeys": list(keys), "fields": ["comment"]}
        transport = self.site.transport
        answer = transport.retrying(
            lambda: transport.send("POST", "/rest/api/3/issue/bulkfetch", body=body),
            "looking for comments aligner already posted")
        issues = answer.get("issues") if isinstance(answer, Mapping) else None
        return [i for i in issues or () if isinstance(i, Mapping)]

    def _own_comment(self, issue: Mapping[str, Any]) -> tuple[Posted | None, bool]:
        """(aligner's oldest comment, whether the list was cut short without it)."""
        fields = issue.get("fields")
        block = fields.get("comment") if isinstance(fields, Mapping) else None
        block = block if isinstance(block, Mapping) else {}
        comments = [c for c in block.get("comments") or () if isinstance(c, Mapping)]
        for comment in comments:
            if (comment.get("id") is not None and marked_adf(comment.get("body"))
                    and author_id(comment) == self.me()):
                return Posted(str(comment["id"]), comment.get("body")), False
        total = block.get("total")
        return None, isinstance(total, int) and total > len(comments)

    def me(self) -> str:
        """The API user's accountId, asked for once, when first needed."""
        if self.account_id is None:
            answer = self.site.transport.call("GET", MYSELF, what="reading the API user")
            self.learn({"author": answer})
            if self.account_id is None:
                raise TrackerError(f"GET {MYSELF}: the answer carried no accountId")
        return self.account_id

    def with_duplicates(self, items: Sequence[BacklogItem]) -> Iterator[BacklogItem]:
        """The items (that carry aligner's comment), each with the duplicates of that comment
        its issue holds as `flags.extra_comments`: one bulkfetch of the `comment` field per
        100 issues. Cloud's search does not return comments, so only a full read
        (`sync --full`, a first run) looks: two runs with separate state at once can leave
        two comments on a ticket, and nothing else would find the second."""
        for start in range(0, len(items), BATCH):
            batch = {i.key: i for i in items[start:start + BATCH]}
            for key, extras in self._duplicates(batch.values()).items():
                item = batch[key]
                batch[key] = replace(item, flags=replace(item.flags, extra_comments=extras))
            yield from batch.values()

    def _duplicates(self, items: Iterable[BacklogItem]) -> dict[str, tuple[str, ...]]:
        named = {i.key: i.flags.comment_id for i in items}
        found: dict[str, tuple[str, ...]] = {}
        for issue in self._fetch(list(named)):
            key = str(issue.get("key"))
            fields = issue.get("fields")
            block = fields.get("comment") if isinstance(fields, Mapping) else None
            comments = block.get("comments") if isinstance(block, Mapping) else None
            marked = [c for c in comments or () if isinstance(c, Mapping)
                      and marked_adf(c.get("body"))]
            if len(marked) < 2 or key not in named:
                continue  # one comment at most: nothing to repair (and no need to ask who)
            keep = named[key] if named[key] != IN_EDIT else None
            _, extras = keep_one(own_comments(marked, self.me()), keep)
            if extras:
                found[key] = extras
        return found

