"""Read a CSV backlog into aligner's tracker-neutral items (read-only: no `apply`)."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime

from aligner.engine.items import BacklogItem, HolderRef
from aligner.errors import ConfigError
from aligner.plugins.adapter import AdapterContext, TrackerSettings

COLUMNS = ("key", "title", "status", "parent", "board", "labels")


class SheetSettings(TrackerSettings):
    """`trackers.sheet`: the CSV file (relative to the model file) and which statuses are done."""

    path: str
    done: tuple[str, ...] = ("done", "closed")


class SheetAdapter:
    """Streams the rows of one CSV file; a snapshot, so every run reads it whole."""

    name = "sheet"
    incremental = False

    def __init__(self, settings: SheetSettings, context: AdapterContext,
                 holder: Callable[[str], HolderRef]) -> None:
        self.path = context.base_dir / settings.path
        self.done = {status.casefold() for status in settings.done}
        self.holder = holder
        self.skipped = 0

    @property
    def request_count(self) -> int:
        return 0

    def fetch(self, since: datetime | None = None) -> Iterator[BacklogItem]:
        try:
            with self.path.open(newline="", encoding="utf-8") as handle:
                rows = csv.DictReader(handle)
                missing = set(COLUMNS) - set(rows.fieldnames or ())
                if missing:
                    raise ConfigError(f"{self.path.name}: missing columns {sorted(missing)}")
                for row in rows:
                    yield self._item(row)
        except OSError as error:
            raise ConfigError(f"trackers.sheet.path: cannot read {self.path}: "
                              f"{error.strerror}") from None

    def fetch_missing(self, keys: Iterable[str]) -> Iterator[BacklogItem]:
        return iter(())  # the sheet holds what it holds: anything else is a broken link

    def _item(self, row: dict[str, str]) -> BacklogItem:
        board = (row["board"] or "").strip()
        return BacklogItem(
            key=row["key"].strip(), source="sheet", tracker="sheet",
            title=row["title"] or "", open=(row["status"] or "").casefold() not in self.done,
            parents=(row["parent"].strip(),) if row["parent"].strip() else (),
            labels=tuple(x.strip() for x in (row["labels"] or "").split(";") if x.strip()),
            holders=(self.holder(board),) if board else (),
        )
