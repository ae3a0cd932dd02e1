""""Did you mean" hints for unknown names."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def did_you_mean(name: str, known: Iterable[str]) -> str:
    """A ` (did you mean 'x'?)` suffix when a near name exists, else an empty string."""
    candidates = list(known)
    folded = {c.casefold(): c for c in candidates}
    if name.casefold() in folded and folded[name.casefold()] != name:
        return f" (did you mean {folded[name.casefold()]!r}?)"
    close = difflib.get_close_matches(name, candidates, n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""
