"""A custom rule, documented and registered exactly like aligner's built-in ones."""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict

from aligner.engine.findings import Violation
from aligner.engine.rule import Rule
from aligner.engine.trace import Trace


class VagueTitleOptions(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    min_words: int = 3


class VagueTitle(Rule):
    """The item's title is too short to say what the work is.

    Why it matters:
        A reviewer deciding whether work serves an objective needs to know what the work is;
        "Fix it" cannot be traced by anyone.

    Fails:
        An item titled "Cleanup".

    Passes:
        An item titled "Remove the legacy cart endpoint".

    How to fix:
        Rewrite the title to say what changes for whom.

    Options:
        min_words: the fewest words a title may have (default 3).
    """

    code = "SHT101"
    name = "vague-title"
    severity = "warning"
    Options = VagueTitleOptions

    def check(self, trace: Trace) -> Iterable[Violation]:
        assert isinstance(self.options, VagueTitleOptions)
        words = len(trace.item.title.split())
        if words < self.options.min_words:
            yield Violation(
                message=f"{trace.item.key}'s title has {words} word(s): {trace.item.title!r}",
                fix=f"say what changes for whom in at least {self.options.min_words} words")
