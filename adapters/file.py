"""The `file` adapter: exported Jira or Linear snapshots, read offline, never written.

Accepted shapes, told apart by content: a Jira search response (`{"issues": [...]}`, with an
optional `names` map from `expand=names`), a JSON list of Jira issues (REST v2/v3, or the Agile
shape with a `fields.epic` object), one Jira issue, and a Linear issues GraphQL response
(`{"data": {"issues": {"nodes": [...]}}}`) or a list of its nodes.
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, field_validator

from aligner.engine.items import BacklogItem
from aligner.errors import ConfigError, TrackerError
from aligner.plugins.adapter import AdapterContext, TrackerSettings
from aligner.plugins.tracker import Claim, LinkScheme

from .jira import mapping as jira_mapping
from .jira.fields import FieldIds, resolve_from_names
from .linear import mapping as linear_mapping


class FileSettings(TrackerSettings):
    model_config = ConfigDict(extra="forbid")

    path: tuple[str, ...]
    epic_link_field: str | None = None  # for Jira exports without a `names` map
    parent_link_field: str | None = None
    team_field: str | None = None

    @field_validator("path", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return (value,) if isinstance(value, str) else value


class FileAdapter:
    """Reads snapshots; `fetch` streams every item of every file. Read-only: no `apply`, so
    it is an `Adapter` but not a `WritableAdapter`, and sync plans nothing for its items."""

    name = "file"
    incremental = False  # a snapshot has no "changed since": every run reads it whole
    skipped = 0  # an unreadable issue stops the run with its file and index instead
    Settings = FileSettings

    def __init__(self, settings: FileSettings, context: AdapterContext) -> None:
        self.settings = settings
        self.context = context
        self.paths = [context.base_dir / p for p in settings.path]

    @property
    def request_count(self) -> int:
        return 0

    def fetch(self, since: datetime | None = None) -> Iterator[BacklogItem]:
        for path in self.paths:
            yield from self._read(path)

    def fetch_missing(self, keys: Iterable[str]) -> Iterator[BacklogItem]:
        return iter(())  # a snapshot holds what it holds: the rest is a broken link

    def _read(self, path: Path) -> Iterator[BacklogItem]:
        data = _load(path)
        if isinstance(data, Mapping) and isinstance(data.get("data"), Mapping):
            yield from self._linear(path, _linear_nodes(path, data))
        elif isinstance(data, Mapping) and isinstance(data.get("issues"), list):
            yield from self._jira(path, data["issues"], data.get("names") or {})
        elif isinstance(data, Mapping) and "key" in data and "fields" in data:
            yield from self._jira(path, [data], {})
        elif isinstance(data, list) and all(isinstance(n, Mapping) for n in data):
            is_linear = bool(data) and "identifier" in data[0]
            yield from (self._linear(path, data) if is_linear else self._jira(path, data, {}))
        else:
            raise ConfigError(f"{path}: not a Jira or Linear export (expected a Jira search "
                              "response, a list of Jira issues, or a Linear issues response)")

    def _jira(self, path: Path, issues: list[Any], names: Mapping[str, str]) -> Iterator[
            BacklogItem]:
        found = resolve_from_names(names) if names else FieldIds()
        s = self.settings
        field_ids = FieldIds(s.epic_link_field or found.epic_link,
                             s.parent_link_field or found.parent_link, s.team_field or found.team,
                             found.story_points)
        for index, raw in enumerate(issues):
            try:
                yield jira_mapping.issue_to_item(
                    raw, source=self.name, field_ids=field_ids,
                    base_url=jira_mapping.site_of(raw), objective_field=s.objective_field,
                    label_prefix=self.context.label_prefix, waive_label=self.context.waive_label)
            except (KeyError, TypeError, AttributeError, ValueError) as error:
                raise TrackerError(f"{path.name}: issue #{index}: unreadable Jira issue "
                                   f"({type(error).__name__}: {error})") from None

    def _linear(self, path: Path, nodes: list[Any]) -> Iterator[BacklogItem]:
        seen: set[str] = set()
        projects: set[str | None] = set()  # each issue nests its project: map it only once
        for index, node in enumerate(nodes):
            try:
                project_id = _project_id(node)
                if project_id not in projects:
                    for container in linear_mapping.containers_of(node, source=self.name):
                        if container.key not in seen:
                            seen.add(container.key)
                            yield container
                    if project_id is not None:
                        projects.add(project_id)
                yield linear_mapping.issue_to_item(node, source=self.name)
            except (KeyError, TypeError, AttributeError, ValueError) as error:
                raise TrackerError(f"{path.name}: issue #{index}: unreadable Linear issue "
                                   f"({type(error).__name__}: {error})") from None


def _load(path: Path) -> Any:
    """The export's JSON, from a regular file only: a FIFO or `/dev/zero` would never end."""
    try:  # non-blocking: opening a FIFO would otherwise wait for a writer forever
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except FileNotFoundError:
        raise ConfigError(f"{path}: snapshot file not found (trackers.file.path)") from None
    except OSError as error:
        raise ConfigError(f"{path}: cannot read the snapshot: {error.strerror}") from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise ConfigError(f"{path}: not a regular file (trackers.file.path names an "
                          "exported JSON file, not a device, pipe or folder)")
    os.set_blocking(fd, True)
    with os.fdopen(fd, "rb") as handle:
        try:
            return json.load(handle)
        except (OSError, ValueError) as error:
            raise ConfigError(f"{path}: not valid JSON: {error}") from None
        except RecursionError:
            raise ConfigError(f"{path}: JSON nested too deeply to be a tracker export") from None


def _project_id(node: Any) -> str | None:
    """The id of the project nested in an exported issue; None when absent or odd."""
    project = node.get("project") if isinstance(node, Mapping) else None
    project_id = project.get("id") if isinstance(project, Mapping) else None
    return project_id if isinstance(project_id, str) else None


def _linear_nodes(path: Path, data: Mapping[str, Any]) -> list[Any]:
    issues = data["data"].get("issues") if isinstance(data["data"], Mapping) else None
    nodes = issues.get("nodes") if isinstance(issues, Mapping) else None
    if not isinstance(nodes, list):
        raise ConfigError(f"{path}: a GraphQL response without data.issues.nodes")
    return nodes


class FileTracker:
    """The `file` tracker plugin: exported snapshots, read-only.

    Items keep the tracker they were exported from (`jira`, `linear`), so links and ownership
    come from those trackers' plugins; this one contributes none of its own.
    """

    name = "file"
    link_schemes: tuple[LinkScheme, ...] = ()
    section_example = ("file:                  # exported Jira or Linear snapshots, read offline\n"
                       "  path: backlog.json\n")  # commented in the offline `aligner init`
    owns: type[BaseModel] | None = None

    def claims(self, owns: BaseModel) -> Iterable[Claim]:
        return ()

    def settings(self) -> type[TrackerSettings]:
        return FileSettings

    def adapter(self, settings: TrackerSettings, context: AdapterContext) -> FileAdapter:
        assert isinstance(settings, FileSettings)
        return FileAdapter(settings, context)


tracker = FileTracker()
