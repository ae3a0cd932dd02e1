"""The `sheet` tracker plugin: what a spreadsheet backlog contributes to the model."""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import BaseModel, ConfigDict, Field

from aligner.engine.items import HolderRef
from aligner.plugins.adapter import AdapterContext, TrackerSettings
from aligner.plugins.tracker import HOLDER, Claim, LinkScheme

from .adapter import SheetAdapter, SheetSettings


class SheetOwnership(BaseModel):
    """`teams[].owns.sheet`: the boards (the `board` column) a team holds."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    boards: tuple[str, ...] = Field(default=(), description="Board names this team holds.")


def board_holder(board: str) -> HolderRef:
    """The handle an item on `board` carries; a team claims it through `owns.sheet.boards`."""
    return HolderRef(f"sheet:board:{board}".casefold(), f"board {board}")


class SheetTracker:
    """A CSV backlog: `key,title,status,parent,board,labels` (labels separated by `;`)."""

    name = "sheet"
    link_schemes = (LinkScheme("sheet", r"[A-Za-z][A-Za-z0-9_]*-\d+", "sheet:ROW-1"),)
    owns: type[BaseModel] | None = SheetOwnership

    def claims(self, owns: BaseModel) -> Iterator[Claim]:
        assert isinstance(owns, SheetOwnership)
        for board in owns.boards:
            yield Claim(board_holder(board).key, HOLDER)

    def settings(self) -> type[TrackerSettings]:
        return SheetSettings

    def adapter(self, settings: TrackerSettings, context: AdapterContext) -> SheetAdapter:
        assert isinstance(settings, SheetSettings)
        return SheetAdapter(settings, context, board_holder)


tracker = SheetTracker()
