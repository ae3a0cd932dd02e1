"""Applying write plans to Jira: aligner's comment, and ONE edit for labels and state.

Jira Cloud creates the comment inside that edit (`update.comment: [{add: …}]`, state.py): the
comment and the state that names it are one atomic write, so no instant of death leaves an
aligner comment without its state, and a creation costs one write. Data Center edits first and
posts the comment after, the comment carrying the state (its search returns comments).

A write that creates a comment is the only one that is not idempotent. When its outcome is
unknown (timeout, dropped connection, 5xx) it is never re-sent before listing the issue's
comments and looking for aligner's own; in recovery mode (after an interrupted run) that check
comes first. On Cloud, every 100 planned creations are first checked in one read
(precheck.py): an aligner comment no state names is adopted, not created again. Wherever the
comments are listed, duplicates of aligner's comment (two runs with separate state at once)
are deleted, keeping the one the state names, else the newest.
"""

from __future__ import annotations

import logging
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
from .state import (
    IN_EDIT,
    comment_property,
    issue_state,
    keep_one,
    mark_adf,
    own_comments,
    wiki_marker,
)
from .transport import BadRequest, Forbidden, NotFound, OutcomeUnknown

EMPTY = Comment(())
log = logging.getLogger(__name__)


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
                repaired = self.apply_one(plan, look_first=recover or
                                          plan.item.key in listed_short)
            except Forbidden as error:
                yield WriteResult(plan.item.key, self.transport.writes - before,
                                  error=f"{error} (needs Edit issues and comment permissions)",
                                  refused=True)
                continue
            except BadRequest as error:  # e.g. a label Jira will not hold: same answer next run
                yield WriteResult(plan.item.key, self.transport.writes - before,
                                  error=str(error), refused=True)
                continue
            except AuthError:
                raise
            except TrackerError as error:
                yield WriteResult(plan.item.key, self.transport.writes - before,
                                  error=str(error))
                continue
            yield WriteResult(plan.item.key, self.transport.writes - before, repaired=repaired)

    def apply_one(self, plan: ItemPlan, look_first: bool) -> int:
        """One ticket's plan; `look_first`: list the comments before creating. Returns how
        many duplicate comments were deleted."""
        if self.site.cloud:
            return self.apply_cloud(plan, look_first)
        return self.apply_dc(plan, look_first)

    def apply_dc(self, plan: ItemPlan, look_first: bool) -> int:
        """Data Center: the edit (labels) first, then the comment, which carries the state.

        A kill between the two leaves labels without a comment: the next run's plan (from the
        labels and the comments its search returns) finishes or undoes it, whatever the PM did
        meanwhile. A ticket that refuses the edit never gets a comment (never one created and
        deleted on every run).
        """
        self.edit(plan, plan.item.flags.comment_id)
        repaired = self.delete_extras(plan.item.key, plan.delete_extras)
        self.write_comment(plan, look_first)
        return repaired

    def apply_cloud(self, plan: ItemPlan, look_first: bool) -> int:
        """Cloud: the comment operation, then ONE edit for labels and state — which also
        creates the comment when one is to be created (state.py: one atomic write).

        A comment that fails never blocks the labels: the edit still goes, recording the state
        as it was, so the next run tries the comment again (then re-raised, so the item is
        reported).
        """
        flags = plan.item.flags
        extras = list(plan.delete_extras)
        failure: Exception | None = None
        create = False
        try:
            comment_id, create, found = self.comment_before_edit(plan, look_first)
            extras += [c for c in found if c not in extras]
        except Forbidden as error:
            comment_id, failure = flags.comment_id, error
        except AuthError:
            raise
        except TrackerError as error:
            comment_id, failure = flags.comment_id, error
        repaired = self.delete_extras(plan.item.key, tuple(extras))
        if failure is None:
            self.edit(plan, comment_id, create)
            return repaired
        self.edit(replace(plan, digest=flags.digest), flags.comment_id)
        raise failure

    def comment_before_edit(self, plan: ItemPlan, look_first: bool) -> tuple[
            str | None, bool, tuple[str, ...]]:
        """Update or delete aligner's comment as planned, before the edit.

        Returns the id the state should name, whether the edit must create the comment, and
        duplicates found on the way. An id the state does not know (`IN_EDIT`), or a creation
        that must look first, lists the issue's comments once.
        """
        key, action = plan.item.key, plan.comment
        comment_id = plan.item.flags.comment_id
        if action == CREATE and key in self.posted:
            adopted = self.adopt(key, self.posted.pop(key), plan)
            return adopted, adopted is None, ()
        must_list = (action == CREATE and (look_first or key in self.unsure)) or (
            action in (UPDATE, DELETE) and comment_id == IN_EDIT)
        extras: tuple[str, ...] = ()
        if must_list:
            named = None if comment_id == IN_EDIT else comment_id
            found, extras = keep_one(self.list_own(key), named)
            comment_id = found[0] if found else None
            if found and action != DELETE and found[1] == plan.digest:
                return comment_id, False, extras  # already says this (an earlier attempt)
        if action in (CREATE, UPDATE) and comment_id:
            kept = self.update_comment(key, comment_id, plan.body or EMPTY, plan.digest)
            return kept, kept is None, extras
        if action in (CREATE, UPDATE):
            return None, True, extras
        if action == DELETE and comment_id:
            self.delete_comment(key, comment_id)
            return None, False, extras
        return comment_id, False, extras

    def write_comment(self, plan: ItemPlan, look_first: bool) -> str | None:
        """Data Center: create, update or delete aligner's comment as planned; the id it ends
        with."""
        key = plan.item.key
        comment_id = plan.item.flags.comment_id
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

    def delete_extras(self, key: str, extras: Sequence[str]) -> int:
        """Delete duplicate aligner comments (two runs with separate state each posted one)."""
        for comment_id in extras:
            self.delete_comment(key, comment_id)
        if extras:
            log.info("Jira: %s carried %d duplicate aligner comment(s); deleted %s", key,
                     len(extras), ", ".join(extras))
        return len(extras)

    # --- the issue edit -----------------------------------------------------------------

    def edit_body(self, plan: ItemPlan, comment_id: str | None,
                  create: bool = False) -> dict[str, Any]:
        """Labels by add/remove, the state property, and (`create`) the new comment."""
        body: dict[str, Any] = {}
        update: dict[str, Any] = {}
        ops = [{"add": label} for label in plan.add_labels]
        ops += [{"remove": label} for label in plan.remove_labels]
        if ops:
            update["labels"] = ops  # add/remove: never replace the label set
        if create:
            comment_id = IN_EDIT
            update["comment"] = [{"add": {"body": mark_adf(fitted_adf(plan.body or EMPTY))}}]
        if update:
            body["update"] = update
        flags = plan.item.flags
        if self.site.cloud and (plan.digest, comment_id) != (flags.digest, flags.comment_id):
            body["properties"] = [{"key": STATE_PROPERTY,
                                   "value": issue_state(plan.digest, comment_id)}]
        return body

    def edit(self, plan: ItemPlan, comment_id: str | None, create: bool = False) -> None:
        body = self.edit_body(plan, comment_id, create)
        if not body:
            return
        path = f"{self.site.api}/issue/{plan.item.key}"
        if not create:
            self._quietly(lambda params: self.transport.call(
                "PUT", path, params=params, body=body, what=f"editing {plan.item.key}"))
            return
        try:
            self.edit_creating(plan.item.key, path, body)
        except (BadRequest, Forbidden):
            # refused for sure, so nothing was written: the labels still go, without the
            # comment and with the state as it was; the item is reported and retried next run
            self.edit(replace(plan, digest=plan.item.flags.digest), plan.item.flags.comment_id)
            raise

    def edit_creating(self, key: str, path: str, body: dict[str, Any]) -> None:
        """The edit that creates the comment: not idempotent. After an unknown outcome it is
        sent again only if the issue carries no aligner comment (the edit is atomic: a comment
        there means it was applied, state included)."""
        must_check = False

        def attempt() -> None:
            nonlocal must_check
            if must_check and self.list_own(key):
                return
            try:
                self._quietly(lambda params: self.transport.send(
                    "PUT", path, params=params, body=body, idempotent=False))
            except OutcomeUnknown as error:
                must_check = True
                raise RetriableError(f"{error} (will look for the comment before editing "
                                     "again)") from None

        self.transport.retrying(attempt, f"editing {key}")

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

    def adopt(self, key: str, posted: Posted, plan: ItemPlan) -> str | None:
        """aligner's comment that no property names yet: kept, and edited if it differs."""
        body = plan.body or EMPTY
        if posted.body == self.payload(body, plan.digest)["body"]:
            return posted.comment_id
        return self.update_comment(key, posted.comment_id, body, plan.digest)

    def update_comment(self, key: str, comment_id: str, body: Comment,
                       digest: str | None) -> str | None:
        """Edit in place. If a person deleted it meanwhile: on Data Center post a new one; on
        Cloud None (the edit that follows creates it)."""
        payload = self.payload(body, digest)
        try:
            self.transport.retrying(lambda: self._put_comment(key, comment_id, payload),
                                    f"updating the comment on {key}")
        except NotFound:
            if self.site.cloud:
                return None
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
        """aligner's comment on the issue (the newest, if several), or None."""
        found, _ = keep_one(self.list_own(key), None)
        return found

    def list_own(self, key: str) -> list[tuple[str, str | None]]:
        """(id, digest) of every aligner comment on the issue, oldest first: pages through
        its comments (one attempt each: we are inside a retry)."""
        params: dict[str, Any] = {"maxResults": 100, "orderBy": "created"}
        me: str | None = None
        if self.site.cloud:
            params["expand"] = "properties"
            me = self.precheck.me()  # comments created in an edit carry no property
        pages = offset_pages(lambda start: self.transport.send(
            "GET", self.comments_path(key), params={**params, "startAt": start}), "comments")
        return [found for page in pages for found in own_comments(page, me)]
