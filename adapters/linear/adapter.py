"""The Linear adapter: reads issues, projects and initiatives; writes flags back."""

from __future__ import annotations

import time
from collections.abc import Collection, Iterable, Iterator, Sequence
from datetime import datetime

from aligner.comment.document import Comment, render_markdown
from aligner.comment.limits import summarise
from aligner.engine.items import BacklogItem
from aligner.pacing import pacer_for
from aligner.plugins.adapter import AdapterContext, WriteResult
from aligner.plugins.discovery import Discovery
from aligner.retry import RetryPolicy
from aligner.sync.plan import ItemPlan

from .discovery import discovery
from .labels import LabelBook
from .operations import Sender
from .reader import LinearReader
from .settings import LinearSettings
from .state import COMMENT_LIMIT
from .transport import LinearHTTP
from .writer import Writer


class LinearAdapter:
    """`trackers.linear`: one instance per run; the workspace is read once and cached."""

    name = "linear"
    incremental = True
    full_reads_open_only = True  # a full read filters on state type (see reader.issues)
    Settings = LinearSettings

    def __init__(self, settings: LinearSettings, context: AdapterContext) -> None:
        options = context.options
        credential = settings.api_key_env or settings.oauth_token_env or ""
        pacer = pacer_for(options, settings.concurrency)  # shared by every worker
        self._http = LinearHTTP(settings.url, settings.authorization(context.env),
                                timeout=settings.timeout, credential=credential,
                                clock=options.get("clock", time.time), pacer=pacer)
        policy = options.get("retry_policy") or RetryPolicy(sleep=pacer.sleep)
        self._reader = LinearReader(self._http, policy, list(settings.teams), self.name,
                                    context.label_prefix, context.waive_label)
        sender = Sender(self._http, policy, readback=self._reader)
        self._writer = Writer(self._reader, sender, LabelBook(self._reader, sender))

    def fetch(self, since: datetime | None = None) -> Iterator[BacklogItem]:
        """Initiatives and projects (all, every run), then the teams' issues page by page."""
        yield from self._reader.containers()
        yield from self._reader.issues(since)

    def fetch_missing(self, keys: Iterable[str]) -> Iterator[BacklogItem]:
        """Parent issues (`ENG-42`), `project:<id>` and `initiative:<id>` keys, batched."""
        yield from self._reader.missing(keys)

    def refetch(self, keys: Iterable[str]) -> Iterator[BacklogItem]:
        """Issues among `keys` in the configured teams, open or done (mirror, serve)."""
        return self._reader.refetch(keys)

    def scope_exits(self, labels: Collection[str]) -> Iterator[BacklogItem]:
        """Issues with aligner's labels that are done or outside the teams (one filter)."""
        return self._reader.scope_exits(labels)

    def scope_keys(self) -> Iterator[str]:
        """Identifiers of the open issues in the teams, lean pages (the mirror's reconcile)."""
        return self._reader.scope_keys()

    def changed_outside(self, since: datetime) -> Iterator[str]:
        """Identifiers updated since `since` that are done or outside the teams (lean pages):
        the mirror re-reads the ancestors it holds among them (another team's parent)."""
        return self._reader.changed_outside(since)

    def apply(self, plans: Sequence[ItemPlan], recover: bool = False) -> Iterator[WriteResult]:
        """Apply plans, many items per request; `recover` re-reads comments before creating."""
        yield from self._writer.apply(plans, recover=recover)

    def write_cost(self, plan: ItemPlan) -> int:
        """Write mutations `apply` sends for the plan, at most (writer.py): one label change,
        one comment mutation (which carries the state), one deletion per duplicate; several
        share a request. Creating a missing label (once per run and team) is not counted."""
        return (int(plan.changes_labels) + int(plan.comment is not None)
                + len(plan.delete_extras))

    def preview(self, comment: Comment) -> str:
        """The Markdown Linear will receive, less the state marker at its end."""
        return render_markdown(summarise(comment, COMMENT_LIMIT,
                                         lambda c: len(render_markdown(c))))

    def discover(self) -> Discovery:
        """Every team the credential can see (not just `teams:`), projects, initiatives."""
        return discovery(self._reader.everywhere().workspace())

    @property
    def request_count(self) -> int:
        return self._http.requests

    @property
    def skipped(self) -> int:
        """Issues dropped because their payload could not be mapped (each one logged)."""
        return self._reader.skipped
