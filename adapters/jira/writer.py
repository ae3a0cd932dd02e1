"""Applying write plans to Jira: the comment and ONE edit for labels and state.

A comment POST is the only write that is not idempotent. When its outcome is unknown
(timeout, dropped connection, 5xx) it is never re-sent before listing the issue's comments and
looking for aligner's own; in recovery mode (after an interrupted run) that check comes first.
On Cloud, every 100 planned creations are first checked in one read (precheck.py): a comment a
killed run posted but never recorded is adopted, not posted again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import suppress
from dataclasses import replace
from typing import Any

from aligner.comment.document import Comment
from aligner.errors import AuthError, RetriableError, TrackerError
from aligner.plugins.adapter import WriteResult
from aligner.sync.plan import CREATE, DELETE, UPDATE, ItemPlan
from aligner.workers import ordered

from .mapping import STATE_PROPERTY
from .paging import offset_pages
from .precheck import CommentPrecheck, Posted, windows
from .reader import Site
from .render import fitted_adf, fitted_wiki
from .state import comment_property, issue_state, mark_adf, own_comment, wiki_marker
from .transport import Forbidden, NotFound, OutcomeUnknown

EMPTY = Comment(())


class JiraWriter:
    """Writes for one run; remembers whether the site refuses `notifyUsers=false`."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self.transport = site.transport
        self.unsure: set[str] = set()  # comment lists the precheck could not read whole
        self.notify_param = True
        self.precheck = CommentPrecheck(site)
        self.posted: dict[str, Posted] = {}  # found by the precheck, not yet recorded

    def apply(self, plans: Sequence[ItemPlan], recover: bool = False,
              listed_short: frozenset[str] = frozenset()) -> Iterator[WriteResult]:
        """One result per plan, in order. A refused credential (401) stops the run.

        `listed_short`: issues whose comments the read returned only in part, without
        aligner's: a creation there lists the comments first.
        """
        for window in windows(plans):
            if self.site.cloud and not recover:  # recovery lists each issue's comments anyway
                self.look_before_posting(window, listed_short)
            # one worker applies one ticket's plan, in order; results stay in plan order
            yield from ordered(self.transport.pacer.ceiling, lambda plan: next(
                self.apply_window([plan], recover, listed_short)), window, first_alone=True)

    def look_before_posting(self, plans: Sequence[ItemPlan],
                            listed_short: frozenset[str] = frozenset()) -> None:
        """Find the comments a killed run posted on issues this window would comment on."""
        keys = [p.item.key for p in plans if p.comment == CREATE and p.item.key not in
                self.unsure and p.item.key not in listed_short]
        if keys:
            found, unsure = self.precheck.look(keys)
            self.posted.update(found)
            self.unsure.update(unsure)

    def apply_window(self, plans: Sequence[ItemPlan], recover: bool,
                     listed_short: frozenset[str] = frozenset()) -> Iterator[WriteResult]:
        for plan in plans:
            before = self.transport.writes
            try:
                self.apply_one(plan, look_first=recover or plan.item.key in listed_short)
            except Forbidden as error:
                yield WriteResult(plan.item.key, self.transport.writes - before,
                                  error=f"{error} (needs Edit issues and comment permissions)")
                continue
            except AuthError:
                raise
            except TrackerError as error:
                yield WriteResult(plan.item.key, self.transport.writes - before,
                                  error=str(error))
                continue
            yield WriteResult(plan.item.key, self.transport.writes - before)

    def apply_one(self, plan: ItemPlan, look_first: bool) -> None:
        """The comment and one edit for labels and state; `look_first`: list the comments
        before creating.

        A comment that fails never blocks the labels: the edit still goes, recording the
        state as it was, so the next run tries the comment again (then re-raised, so the
        item is reported). Data Center edits first: its state lives in the comment, so a
        ticket that refuses the edit never gets a comment (and never one created and deleted
        on every run). On Cloud the edit records the new comment's id, so it comes second;
        a refused edit keeps the comment, which the next run adopts (precheck.py) instead
        of posting again: no comment is created and deleted on every run.
        """
        if not self.site.cloud:
            self.edit(plan, plan.item.flags.comment_id)
        failure: Exception | None = None
        try:
            comment_id = self.write_comment(plan, look_first)
        except Forbidden as error:
            comment_id, failure = None, error
        except AuthError:
            raise
        except TrackerError as error:
            comment_id, failure = None, error
        if self.site.cloud and failure is None:
            self.edit(plan, comment_id)
        elif self.site.cloud:  # labels now; the state as it was, so the comment is retried
            flags = plan.item.flags
            self.edit(replace(plan, digest=flags.digest), flags.comment_id)
        if failure is not None:
            raise failure

    def write_comment(self, plan: ItemPlan, look_first: bool) -> str | None:
        """Create, update or delete aligner's comment as planned; the id it ends with."""
        key = plan.item.key
        comment_id = plan.item.flags.comment_id
        if plan.comment == CREATE and key in self.posted:
            return self.adopt(key, self.posted.pop(key), plan)
        if plan.comment == CREATE:
            check = look_first or key in self.unsure
            return self.create_comment(key, plan.body or EMPTY, plan.digest, check)
        if plan.comment == UPDATE and comment_id:
            return self.update_comment(key, comment_id, plan.body or EMPTY, plan.digest)
        if plan.comment == UPDATE:
            return self.create_comment(key, plan.body or EMPTY, plan.digest, True)
        if plan.comment == DELETE and comment_id:
            self.delete_comment(key, comment_id)
            return None
        return comment_id

    # --- the issue edit -----------------------------------------------------------------

    def edit_body(self, plan: ItemPlan, comment_id: str | None) -> dict[str, Any]:
        body: dict[str, Any] = {}
        ops = [{"add": label} for label in plan.add_labels]
        ops += [{"remove": label} for label in plan.remove_labels]
        if ops:
            body["update"] = {"labels": ops}  # add/remove: never replace the label set
        flags = plan.item.flags
        if self.site.cloud and (plan.digest, comment_id) != (flags.digest, flags.comment_id):
            body["properties"] = [{"key": STATE_PROPERTY,
                                   "value": issue_state(plan.digest, comment_id)}]
        return body

    def edit(self, plan: ItemPlan, comment_id: str | None) -> None:
        body = self.edit_body(plan, comment_id)
        if not body:
            return
        path = f"{self.site.api}/issue/{plan.item.key}"
        self._quietly(lambda params: self.transport.call(
            "PUT", path, params=params, body=body, what=f"editing {plan.item.key}"))

    def _quietly(self, send: Callable[[dict[str, str] | None], Any]) -> Any:
        """Ask for `notifyUsers=false`; some sites refuse it to non-admins (403): then send
        once more without it, and stop asking for the rest of the run."""
        if self.notify_param:
            try:
                return send({"notifyUsers": "false"})
            except Forbidden:
                pass
        answer = send(None)
        self.notify_param = False
        return answer

    # --- the comment ----------------------------------------------------------------------

    def payload(self, body: Comment, digest: str | None) -> dict[str, Any]:
        if self.site.cloud:
            return {"body": mark_adf(fitted_adf(body)), "properties": [comment_property(digest)]}
        return {"body": fitted_wiki(body) + wiki_marker(digest)}

    def comments_path(self, key: str) -> str:
        return f"{self.site.api}/issue/{key}/comment"

    def create_comment(self, key: str, body: Comment, digest: str | None, check: bool) -> str:
        """POST the comment; after an unknown outcome, look before posting again."""
        payload = self.payload(body, digest)
        must_check = check

        def attempt() -> str:
            nonlocal must_check
            if must_check:
                found = self.find_own_comment(key)
                if found:
                    if found[1] != digest:
                        self._put_comment(key, found[0], payload)
                    return found[0]
            try:
                answer = self.transport.send("POST", self.comments_path(key), body=payload,
                                             idempotent=False)
            except OutcomeUnknown as error:
                must_check = True
                raise RetriableError(f"{error} (will look for the comment before posting "
                                     "again)") from None
            found = answer.get("id") if isinstance(answer, dict) else None
            self.precheck.learn(answer)
            if not found:  # a 2xx without the new comment's id: it may exist all the same
                must_check = True
                raise RetriableError(f"commenting on {key}: the answer carried no comment id "
                                     "(will look for the comment before posting again)")
            return str(found)

        return self.transport.retrying(attempt, f"commenting on {key}")

    def adopt(self, key: str, posted: Posted, plan: ItemPlan) -> str:
        """aligner's comment that no property names yet: kept, and edited if it differs."""
        body = plan.body or EMPTY
        if posted.body == self.payload(body, plan.digest)["body"]:
            return posted.comment_id
        return self.update_comment(key, posted.comment_id, body, plan.digest)

    def update_comment(self, key: str, comment_id: str, body: Comment,
                       digest: str | None) -> str:
        """Edit in place; if a person deleted it meanwhile, post a new one."""
        payload = self.payload(body, digest)
        try:
            self.transport.retrying(lambda: self._put_comment(key, comment_id, payload),
                                    f"updating the comment on {key}")
        except NotFound:
            return self.create_comment(key, body, digest, check=False)
        return comment_id

    def _put_comment(self, key: str, comment_id: str, payload: dict[str, Any]) -> None:
        path = f"{self.comments_path(key)}/{comment_id}"
        if not self.site.cloud:  # DC's comment edit takes no notifyUsers
            self.transport.send("PUT", path, body=payload)
            return
        self._quietly(lambda params: self.transport.send("PUT", path, params=params,
                                                         body=payload))

    def delete_comment(self, key: str, comment_id: str) -> None:
        with suppress(NotFound):  # already gone: that is what we wanted
            self.transport.call("DELETE", f"{self.comments_path(key)}/{comment_id}",
                                what=f"deleting the comment on {key}")

    def find_own_comment(self, key: str) -> tuple[str, str | None] | None:
        """Page through the issue's comments (one attempt each: we are inside a retry)."""
        params: dict[str, Any] = {"maxResults": 100, "orderBy": "created"}
        if self.site.cloud:
            params["expand"] = "properties"
        pages = offset_pages(lambda start: self.transport.send(
            "GET", self.comments_path(key), params={**params, "startAt": start}), "comments")
        for page in pages:
            found = own_comment(page)
            if found:
                return found
        return None
