"""What a team owns in Linear (`owns.linear`), and the matching handle on Linear issues."""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import BaseModel, ConfigDict, Field

from aligner.engine.items import HolderRef
from aligner.plugins.tracker import HOLDER, Claim


class LinearOwnership(BaseModel):
    """`teams[].owns.linear`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    teams: tuple[str, ...] = Field(default=(), description="Linear team keys this team holds.")


def claims(owns: LinearOwnership) -> Iterator[Claim]:
    """The Linear teams a team's `owns.linear` claims as holder."""
    for key in owns.teams:
        yield Claim(_team_key(key), HOLDER)


def holders(team_key: str | None) -> tuple[HolderRef, ...]:
    """An issue is held through its Linear team."""
    return (HolderRef(_team_key(team_key), f"Linear team {team_key}"),) if team_key else ()


def selector_keys(kind: str, value: str) -> tuple[str, ...]:
    """A selector's `projects` names Linear teams (what holds an issue); Linear has no
    components."""
    return (_team_key(value),) if kind == "projects" else ()


def _team_key(team_key: str) -> str:
    return f"linear:team:{team_key}".casefold()
