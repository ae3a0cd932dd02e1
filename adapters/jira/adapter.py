"""The Jira adapter (Cloud and Data Center): Jira issues in, write plans out."""

from __future__ import annotations

import logging
from collections.abc import Collection, Iterable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

from aligner.comment.document import Comment
from aligner.engine.items import BacklogItem
from aligner.errors import ConfigError
from aligner.pacing import pacer_for
from aligner.plugins.adapter import AdapterContext, WriteResult
from aligner.plugins.discovery import Discovery
from aligner.sync.plan import CREATE, DELETE, UPDATE, ItemPlan

from . import scope
from .discovery import discover
from .fields import FieldIds
from .jql import minutes_since, scoped
from .mapping import issue_to_item
from .precheck import CommentPrecheck
from .reader import Site, detect_deployment, lookup, resolve_field_ids, search, wanted_fields
from .render import adf_text, fitted_adf, fitted_wiki
from .settings import JiraSettings
from .state import IN_EDIT, with_state_from_comments
from .transport import BadRequest, JiraTransport, build_session, retry_policy
from .writer import JiraWriter

log = logging.getLogger(__name__)


class JiraAdapter:
    """Reads the issues a JQL selects (plus ancestors by key) and applies write plans.

    Per run: the deployment is detected once (unless configured), field ids are resolved once,
    ancestors are fetched once and cached, and every request goes through one retry layer.
    """

    name = "jira"
    incremental = True
    full_reads_open_only = True  # a full read asks for open items only (jql.scoped)
    Settings = JiraSettings

    def __init__(self, settings: JiraSettings, context: AdapterContext) -> None:
        self.settings = settings
        self.context = context
        credentials = settings.credentials(context.env)
        session = context.options.get("jira_session") or build_session(
            settings.url, credentials, settings.timeout_seconds)
        pacer = pacer_for(context.options, settings.concurrency)  # shared by every worker
        self.transport = JiraTransport(settings.url, session,
                                       retry_policy(context.options, pacer),
                                       credentials.secrets(), pacer)
        self._site: Site | None = None
        self._field_ids: FieldIds | None = None
        self._known: dict[str, BacklogItem | None] = {}  # key -> item, None = does not exist
        # DC issues whose comment list the search cut short before aligner's comment: written
        # by reading only; the writer gets a frozen copy and keeps what it learns to itself
        self._listed_short: set[str] = set()
        self._writer: JiraWriter | None = None
        self.skipped = 0  # issues whose payload could not be mapped (each one logged)
        self.expected: int | None = None  # issues the current search will yield (DC says)

    @property
    def request_count(self) -> int:
        return self.transport.requests

    @property
    def site(self) -> Site:
        if self._site is None:
            deployment = self.settings.implied_deployment() or detect_deployment(self.transport)
            self._site = Site(self.transport, deployment)
        return self._site

    @property
    def field_ids(self) -> FieldIds:
        if self._field_ids is None:
            self._field_ids = resolve_field_ids(self.site)
        return self._field_ids

    def _fields(self) -> tuple[str, ...]:
        return wanted_fields(self.site, self.field_ids, self.settings.objective_field)

    def fetch(self, since: datetime | None = None) -> Iterator[BacklogItem]:
        """Stream every issue the JQL selects; with `since`, only those updated since then."""
        now = self.context.options.get("now") or datetime.now(UTC)
        jql = scoped(self.settings.jql, since, now() if callable(now) else now)
        fields = self._fields()
        # `sync --full` on Cloud also looks for duplicate aligner comments (precheck.py)
        look = since is None and bool(self.context.options.get("full")) and self.site.cloud
        held: list[BacklogItem] | None = [] if look else None
        try:
            self.expected = None
            for raw in search(self.site, jql, fields, self.settings.page_size,
                              on_total=self._expect):
                item = self._item(raw)
                if item is not None:
                    self._known[item.key] = item
                    if held is not None and item.flags.comment_id:
                        held.append(item)
                        continue
                    yield item
        except BadRequest as error:
            raise ConfigError(f"trackers.jira.jql: Jira refused the query: "
                              f"{'; '.join(error.messages) or error}") from None
        if held:
            yield from CommentPrecheck(self.site).with_duplicates(held)

    def _expect(self, total: int) -> None:
        self.expected = total

    def fetch_missing(self, keys: Iterable[str]) -> Iterator[BacklogItem]:
        """Ancestors outside the JQL, in batches, once per run; unknown keys are not yielded."""
        wanted = [key for key in dict.fromkeys(keys) if key not in self._known]
        if wanted:
            for raw in lookup(self.site, wanted, self._fields()):
                item = self._item(raw)
                if item is not None:
                    self._known[item.key] = item
            for key in wanted:
                self._known.setdefault(key, None)
        for key in dict.fromkeys(keys):
            found = self._known.get(key)
            if found is not None:
                yield found

    def write_cost(self, plan: ItemPlan) -> int:
        """Write requests `apply` sends for the plan, at most (writer.py): Cloud creates the
        comment inside the one edit; Data Center's edit carries labels only (its state is the
        comment). Duplicates cost one deletion each. Listing comments is a read."""
        if self.site.cloud:
            return cloud_cost(plan) + len(plan.delete_extras)
        return dc_cost(plan) + len(plan.delete_extras)

    def preview(self, comment: Comment) -> str:
        """What the ticket will show: Cloud's ADF as read, or Data Center's wiki markup."""
        if self.site.cloud:
            return adf_text(fitted_adf(comment))
        return fitted_wiki(comment)

    def changed_outside(self, since: datetime) -> Iterator[str]:
        """Keys changed since `since` outside what the scope evaluates (one id search)."""
        now = self.context.options.get("now") or datetime.now(UTC)
        minutes = minutes_since(since, now() if callable(now) else now)
        return scope.changed_outside(self.site, self.settings.jql, minutes)

    def refetch(self, keys: Iterable[str]) -> Iterator[BacklogItem]:
        """The items among `keys` the JQL still selects, open or done (backlog mirror, serve)."""
        for item in scope.refetch_items(self.site, self.settings.jql, keys, self._fields(),
                                        self._item):
            self._known[item.key] = item
            yield item

    def scope_exits(self, labels: Collection[str]) -> Iterator[BacklogItem]:
        """Tickets with aligner's labels that the scope does not evaluate (one search)."""
        return scope.exit_items(self.site, self.settings.jql, labels, self._fields(),
                                self.settings.page_size, self._item)

    def scope_keys(self) -> Iterator[str]:
        """Every key the scope evaluates, ids only (up to 5,000 per page on Cloud)."""
        return scope.scope_keys(self.site, self.settings.jql)

    def discover(self) -> Discovery:
        """Projects, components and open epics for `aligner init --from jira` (read-only).

        Independent of `jql`: the starter drafted from this is what will set it.
        """
        return discover(self.site)

    def apply(self, plans: Sequence[ItemPlan], recover: bool = False) -> Iterator[WriteResult]:
        """Apply plans in order; `recover` (after an interrupted run) checks before commenting.

        On Cloud, planned comment creations are checked first, 100 per read (see precheck.py).
        """
        if self._writer is None:
            self._writer = JiraWriter(self.site)
        return self._writer.apply(plans, recover, frozenset(self._listed_short))

    def _item(self, raw: Any) -> BacklogItem | None:
        if not isinstance(raw, dict):
            self._skip("?", f"an issue that is not an object ({type(raw).__name__})")
            return None
        if not self.site.cloud:
            raw, listed_short = with_state_from_comments(raw)
            if listed_short:
                self._listed_short.add(str(raw.get("key")))
        try:
            return issue_to_item(
                raw, source=self.name, field_ids=self.field_ids, base_url=self.settings.url,
                objective_field=self.settings.objective_field,
                label_prefix=self.context.label_prefix, waive_label=self.context.waive_label)
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            # one odd payload never stops the run, and never disappears silently either
            self._skip(str(raw.get("key", "?")), f"{type(error).__name__}: {error}")
            return None

    def _skip(self, key: str, reason: str) -> None:
        self.skipped += 1
        log.warning("Jira: skipped issue %s: its payload could not be read (%s)", key, reason)


def cloud_cost(plan: ItemPlan) -> int:
    """Cloud: the comment's own request (update or delete), then the edit, sent when labels or
    the state property (digest, comment id) change. A creation rides in the edit: one write
    with labels and state. (A comment a killed run left without state is adopted instead,
    and updated only if it differs: recovery, not counted here.)"""
    flags = plan.item.flags
    if plan.comment == CREATE or (plan.comment == UPDATE and flags.comment_id is None):
        return 1
    state_moves = plan.digest != flags.digest or (
        plan.comment == UPDATE and flags.comment_id == IN_EDIT)  # the edit names the real id
    if plan.comment == DELETE and flags.comment_id is not None:
        return 2  # the deletion, then the edit that drops the id from the state
    edit = plan.changes_labels or state_moves
    return int(plan.comment == UPDATE) + int(edit)


def dc_cost(plan: ItemPlan) -> int:
    """Data Center: the edit only when labels change, then the comment (which carries the
    state) created, updated or deleted."""
    comment = plan.comment in (CREATE, UPDATE) or (
        plan.comment == DELETE and plan.item.flags.comment_id is not None)
    return int(plan.changes_labels) + int(comment)
