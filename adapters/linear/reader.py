"""Reading Linear: the workspace once per run, then lean issue pages, then missing ancestors."""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from aligner.engine.items import BacklogItem
from aligner.errors import ConfigError, TrackerError
from aligner.retry import RetryPolicy, call_with_retry
from aligner.workers import ordered

from . import documents as docs
from .mapping import CLOSED_STATES, initiative_to_item, issue_to_item, project_to_item
from .state import own_comment, ticket_flags
from .transport import LinearHTTP

log = logging.getLogger(__name__)
OPEN_STATES: Node = {"type": {"nin": sorted(CLOSED_STATES)}}  # what aligner evaluates
OVERLAP = timedelta(minutes=5)  # incremental reads go back this far: clocks and commits skew
_IDENTIFIER = re.compile(r"^([A-Za-z0-9_]+)-(\d+)$")
Node = dict[str, Any]


@dataclass(frozen=True)
class Label:
    id: str
    name: str
    team_id: str | None  # None: a workspace label


@dataclass
class Workspace:
    """What one run reads once: teams by key, labels by id, projects and initiatives."""

    teams: dict[str, str]  # key -> id
    labels: dict[str, Label]
    projects: list[Node]
    initiatives: list[Node]
    team_names: dict[str, str] = field(default_factory=dict)  # key -> name

    def label_names(self) -> dict[str, str]:
        return {label.id: label.name for label in self.labels.values()}


@dataclass(frozen=True)
class IssueMeta:
    """What the writer needs about a fetched issue without reading it again."""

    team_id: str | None
    label_ids: tuple[str, ...]


@dataclass
class LinearReader:
    http: LinearHTTP
    policy: RetryPolicy
    team_keys: list[str] | None  # None: every team visible to the credential (discovery)
    source: str
    prefix: str
    waive_label: str
    issues_seen: dict[str, IssueMeta] = field(default_factory=dict)  # issue id -> meta
    skipped: int = 0  # issues whose payload could not be mapped (each one logged)
    _workspace: Workspace | None = None

    def query(self, source: str, variables: Mapping[str, Any]) -> Node:
        """One read, retried within the policy; errors in the answer are fatal."""
        reply = call_with_retry(self.policy, lambda: self.http.post(source, variables),
                                "Linear read")
        if reply.data is None:
            raise TrackerError("Linear read: the answer carried no data")
        return reply.data

    def connection(self, source: str, variables: Mapping[str, Any], root: str) -> Node:
        return _connection(self.query(source, variables), root)

    def pages(self, source: str, variables: Mapping[str, Any], root: str,
              first: Node | None = None,
              seen: set[str] | None = None) -> Iterator[list[Node]]:
        """Every page of the `root` connection; `first` is a page already read elsewhere;
        `seen` holds cursors of other streams of the same read (none may come back here)."""
        seen = set() if seen is None else seen
        connection = first if first is not None else self.connection(source, variables, root)
        while True:
            yield [n for n in connection.get("nodes") or () if isinstance(n, dict)]
            info = connection.get("pageInfo") or {}
            cursor = info.get("endCursor")
            if not info.get("hasNextPage"):
                return
            if not cursor or cursor in seen:
                raise TrackerError(f"Linear {root}: the page cursor repeated; stopping")
            seen.add(cursor)
            connection = self.connection(source, {**variables, "after": cursor}, root)

    def workspace(self) -> Workspace:
        """Teams, labels, projects and initiatives: read once per run, first pages together."""
        if self._workspace is None:
            self._workspace = self._read_workspace()
        return self._workspace

    def everywhere(self) -> LinearReader:
        """A reader of every team visible to the credential, on the same HTTP and policy."""
        return LinearReader(self.http, self.policy, None, self.source, self.prefix,
                            self.waive_label)

    def _team_filter(self) -> Node | None:
        return None if self.team_keys is None else {"key": {"in": self.team_keys}}

    def _read_workspace(self) -> Workspace:
        team_filter = self._team_filter()
        label_filter: Node = {"team": {"null": True}}  # workspace labels
        project_filter: Node | None = None
        if team_filter:  # else every team: its labels are read by id when issues name them
            label_filter = {"or": [label_filter, {"team": team_filter}]}
            project_filter = {"accessibleTeams": {"some": team_filter}}
        data = self.query(docs.WORKSPACE, {"teamFilter": team_filter,
                                           "labelFilter": label_filter,
                                           "projectFilter": project_filter})
        team_nodes = self._all(docs.TEAMS_PAGE, team_filter, "teams", _connection(data, "teams"))
        teams = {str(t["key"]): str(t["id"]) for t in team_nodes}
        unknown = [key for key in self.team_keys or () if key not in teams]
        if unknown:
            raise ConfigError(f"trackers.linear.teams: no Linear team with key "
                              f"{', '.join(map(repr, unknown))} is visible to this credential")
        labels: dict[str, Label] = {}
        for page in self.pages(docs.LABELS_PAGE, {"filter": label_filter}, "issueLabels",
                               _connection(data, "issueLabels")):
            labels.update((label.id, label) for label in map(_label, page))
        projects = self._all(docs.PROJECTS_PAGE, project_filter, "projects",
                             _connection(data, "projects"))
        initiatives = self._all(docs.INITIATIVES_PAGE, None, "initiatives",
                                _connection(data, "initiatives"))
        names = {str(t["key"]): str(t.get("name") or "") for t in team_nodes}
        return Workspace(teams, labels, projects, initiatives, names)

    def _all(self, source: str, filter_: Node | None, root: str, first: Node) -> list[Node]:
        return [n for page in self.pages(source, {"filter": filter_}, root, first) for n in page]

    def containers(self) -> Iterator[BacklogItem]:
        """Initiatives (with their parents) and projects (with their initiatives)."""
        ws = self.workspace()
        for node in ws.initiatives:
            yield initiative_to_item(node, source=self.source)
        for node in ws.projects:
            yield project_to_item(node, source=self.source)

    def issues(self, since: datetime | None) -> Iterator[BacklogItem]:
        """The teams' issues, page by page: a full read asks only for open ones (closed
        issues are never evaluated; flagged ones are found by `scope_exits`); an incremental
        read (`since`) asks for done ones too, so the backlog mirror learns what closed."""
        team_filter = self._team_filter()
        issue_filter: Node = {"team": team_filter} if team_filter else {}
        if since is not None:
            issue_filter["updatedAt"] = {"gte": _start(since)}
        else:
            issue_filter["state"] = OPEN_STATES
        first = self.connection(docs.ISSUES_PAGE, {"filter": issue_filter}, "issues")
        workers = self.http.pacer.ceiling
        more = bool((first.get("pageInfo") or {}).get("hasNextPage"))
        pages = (self.pages(docs.ISSUES_PAGE, {"filter": issue_filter}, "issues", first)
                 if workers <= 1 or not more
                 else self._split_pages(issue_filter, first, workers))
        for page in pages:
            yield from self._map_page(page)

    def _split_pages(self, issue_filter: Node, first: Node,
                     workers: int) -> Iterator[list[Node]]:
        """The first page, then the rest of the scope as disjoint streams read concurrently.

        Linear's pages follow one cursor, so parallel reads need several cursors: one per
        split of the filter (`splits`). The first page is read alone, so a scope that fits in
        it (most incremental syncs, small backlogs) costs what it did; the splits leave out
        the issues it held, so the cost of going parallel is one partial page per split.
        An issue that moves between splits while they are read (a team or state change) may
        be read twice (kept once) or not at all; it was then updated after the run started,
        and the cursor never passes the run's start, so the next incremental read has it.
        """
        page = [n for n in first.get("nodes") or () if isinstance(n, dict)]
        yield page
        seen = {str(node.get("id")) for node in page}
        # a cursor met twice, in any stream, means a tracker stuck on one page
        cursors = {str((first.get("pageInfo") or {}).get("endCursor"))}
        rest = [{"and": [issue_filter, split, {"id": {"nin": sorted(seen)}}]}
                for split in splits(self.team_keys, workers)]

        def stream(split_filter: Node) -> list[list[Node]]:
            return list(self.pages(docs.ISSUES_PAGE, {"filter": split_filter}, "issues",
                                   seen=cursors))

        for pages in ordered(workers, stream, rest):
            for nodes in pages:
                fresh = [n for n in nodes if str(n.get("id")) not in seen]
                seen.update(str(n.get("id")) for n in fresh)
                yield fresh

    def refetch(self, keys: Iterable[str]) -> Iterator[BacklogItem]:
        """Issues among `keys` (`ENG-42`) in the configured teams, open or done."""
        teams = None if self.team_keys is None else set(self.team_keys)
        identifiers = [(team, number) for team, number in _identifiers(keys)
                       if teams is None or team in teams]
        for chunk in _chunks(identifiers, docs.ISSUE_PAGE_SIZE):
            for page in self.pages(docs.ISSUES_PAGE, {"filter": _identifier_filter(chunk)},
                                   "issues"):
                yield from self._map_page(page)

    def scope_exits(self, labels: Collection[str]) -> Iterator[BacklogItem]:
        """Issues with any of aligner's `labels` that are done or outside the teams."""
        if not labels:
            return
        issue_filter = {"and": [{"labels": {"some": {"name": {"in": sorted(labels)}}}},
                                self._outside()]}
        for page in self.pages(docs.ISSUES_PAGE, {"filter": issue_filter}, "issues"):
            for item in self._map_page(page):
                yield replace(item, in_scope=False)

    def changed_outside(self, since: datetime) -> Iterator[str]:
        """Identifiers of issues updated since `since` (less the overlap) that the scope does
        not evaluate (done, or outside the teams): lean pages, one for most runs."""
        issue_filter = {"and": [{"updatedAt": {"gte": _start(since)}}, self._outside()]}
        for page in self.pages(docs.CHANGED_OUTSIDE, {"filter": issue_filter}, "issues"):
            yield from (str(node["identifier"]) for node in page if node.get("identifier"))

    def _outside(self) -> Node:
        """What the scope does not evaluate: done or canceled issues, other teams' issues."""
        outside: list[Node] = [{"state": {"type": {"in": sorted(CLOSED_STATES)}}}]
        if self.team_keys is not None:
            outside.append({"team": {"key": {"nin": self.team_keys}}})
        return {"or": outside}

    def scope_keys(self) -> Iterator[str]:
        """Identifiers of the open issues in the teams: lean pages, ids only."""
        team_filter = self._team_filter()
        issue_filter: Node = {"team": team_filter} if team_filter else {}
        issue_filter["state"] = OPEN_STATES
        for page in self.pages(docs.ISSUE_KEYS, {"filter": issue_filter}, "issues"):
            yield from (str(node["identifier"]) for node in page if node.get("identifier"))

    def _map_page(self, page: list[Node]) -> Iterator[BacklogItem]:
        self._learn_labels({str(i) for node in page for i in node.get("labelIds") or ()})
        names = self.workspace().label_names()
        for node in page:
            try:
                item = issue_to_item(node, source=self.source, label_names=names, flags=(
                    ticket_flags(node, names, prefix=self.prefix, waive_label=self.waive_label)))
            except (KeyError, TypeError, ValueError, AttributeError) as error:
                self.skipped += 1
                log.warning("Linear: skipped issue %s with an odd payload (%s: %s)",
                            node.get("identifier", "?"), type(error).__name__, error)
                continue
            self.issues_seen[str(node["id"])] = IssueMeta(
                self._team_id(node), tuple(str(i) for i in node.get("labelIds") or ()))
            yield item

    def _team_id(self, node: Node) -> str | None:
        """The issue's team id: from the page if it has one, else from its identifier's prefix
        (issue pages do not ask for the team; a team outside the workspace read gives None)."""
        team = node.get("team")
        if isinstance(team, dict) and team.get("id"):
            return str(team["id"])
        return self.workspace().teams.get(str(node["identifier"]).rsplit("-", 1)[0])

    def _learn_labels(self, label_ids: set[str]) -> None:
        """Labels outside the workspace read (another team's, or new): read them by id."""
        ws = self.workspace()
        unknown = sorted(label_ids - ws.labels.keys())
        for chunk in _chunks(unknown, docs.LABEL_PAGE_SIZE):
            for page in self.pages(docs.LABELS_PAGE, {"filter": {"id": {"in": chunk}}},
                                   "issueLabels"):
                ws.labels.update((label.id, label) for label in map(_label, page))

    def missing(self, keys: Iterable[str]) -> Iterator[BacklogItem]:
        """Issues (`ENG-42`), projects and initiatives by key, batched; unknown keys vanish."""
        keys = list(dict.fromkeys(keys))
        projects = [k.removeprefix("project:") for k in keys if k.startswith("project:")]
        initiatives = [k.removeprefix("initiative:") for k in keys
                       if k.startswith("initiative:")]
        identifiers = list(_identifiers(keys))
        yield from self._by_id(docs.PROJECTS_PAGE, "projects", projects, project_to_item)
        yield from self._by_id(docs.INITIATIVES_PAGE, "initiatives", initiatives,
                               initiative_to_item)
        for chunk in _chunks(identifiers, docs.ISSUE_PAGE_SIZE):
            for page in self.pages(docs.ISSUES_PAGE, {"filter": _identifier_filter(chunk)},
                                   "issues"):
                yield from self._map_page(page)

    def _by_id(self, source: str, root: str, ids: list[str],
               to_item: Callable[..., BacklogItem]) -> Iterator[BacklogItem]:
        for chunk in _chunks(ids, 100):
            for page in self.pages(source, {"filter": {"id": {"in": chunk}}}, root):
                for node in page:
                    yield to_item(node, source=self.source)

    def own_comments(self, issue_ids: Iterable[str]) -> dict[str, tuple[str | None, str | None]]:
        """Issue id -> (comment id, digest) of aligner's comment, read again after a doubt."""
        found: dict[str, tuple[str | None, str | None]] = {}
        for chunk in _chunks(sorted(set(issue_ids)), docs.ISSUE_PAGE_SIZE):
            for page in self.pages(docs.OWN_COMMENTS, {"ids": chunk}, "issues"):
                found.update((str(node["id"]), own_comment(node)) for node in page)
        return found

    def labels_by_id(self, label_ids: Iterable[str]) -> dict[str, Label]:
        """Labels that exist among `label_ids` (after a label creation of unknown outcome)."""
        self._learn_labels(set(label_ids))
        labels = self.workspace().labels
        return {i: labels[i] for i in label_ids if i in labels}


# State types by the share of open work they usually hold; one more split takes every other
# type (`nin`), so a type Linear adds later is still read.
SPLIT_STATES = ("backlog", "started", "unstarted")


def splits(team_keys: list[str] | None, workers: int) -> list[Node]:
    """Disjoint filters covering every issue: one per team; a single team by state type.

    Teams first: a partition the configuration names, needing no sampling and no request, and
    teams usually carry comparable work. State types only when there is one team (or every
    team): each split costs up to one partial page, which several teams already read
    concurrently rarely win back. State types rather than `updatedAt` ranges: even ranges
    need the distribution of update times, which only a further request could tell, while
    state types are a fixed, complete cover. Never more splits than workers.
    """
    if team_keys and len(team_keys) > 1:
        return [{"team": {"key": {"eq": team}}} for team in team_keys]
    singles = list(SPLIT_STATES[:max(0, min(workers, len(SPLIT_STATES) + 1) - 1)])
    if not singles:
        return [{}]
    return [*({"state": {"type": {"eq": state}}} for state in singles),
            {"state": {"type": {"nin": singles}}}]


def _start(since: datetime) -> str:
    """Where a read from the cursor `since` starts: the overlap earlier, in UTC."""
    start = (since if since.tzinfo else since.replace(tzinfo=UTC)) - OVERLAP
    return start.astimezone(UTC).isoformat()


def _connection(data: Node, root: str) -> Node:
    connection = data.get(root)
    if not isinstance(connection, dict) or not isinstance(connection.get("nodes"), list):
        raise TrackerError(f"Linear read: the answer has no {root} list")
    return connection


def _identifiers(keys: Iterable[str]) -> Iterator[tuple[str, int]]:
    """(team key, number) of each issue identifier among `keys`, once each."""
    for key in dict.fromkeys(keys):
        if match := _IDENTIFIER.match(key):
            yield match.group(1), int(match.group(2))


def _identifier_filter(identifiers: list[tuple[str, int]]) -> Node:
    by_team: dict[str, list[int]] = defaultdict(list)
    for team, number in identifiers:
        by_team[team].append(number)
    return {"or": [{"team": {"key": {"eq": team}}, "number": {"in": numbers}}
                   for team, numbers in sorted(by_team.items())]}


def _label(node: Node) -> Label:
    team = node.get("team")
    return Label(str(node["id"]), str(node.get("name") or ""),
                 str(team["id"]) if isinstance(team, dict) and team.get("id") else None)


def _chunks(values: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(values), size):
        yield values[start:start + size]
