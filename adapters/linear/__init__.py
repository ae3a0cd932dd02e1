"""aligner's Linear adapter (entry point `linear`).

The client classes load lazily, as in the Jira package: the file adapter shares `mapping` from
this package and should not pay for importing gql and graphql-core (~0.3 s) on every run.
"""

from __future__ import annotations

from typing import Any

__all__ = ["LinearAdapter", "LinearSettings"]


def __getattr__(name: str) -> Any:
    if name == "LinearAdapter":
        from .adapter import LinearAdapter

        return LinearAdapter
    if name == "LinearSettings":
        from .settings import LinearSettings

        return LinearSettings
    raise AttributeError(name)
