"""Jira adapter (Cloud and Data Center), registered as the `jira` entry point.

The client classes load lazily: the file adapter shares `mapping` and `fields` from this
package and should not pay for importing the `jira` library.
"""

from __future__ import annotations

from typing import Any

__all__ = ["JiraAdapter", "JiraSettings"]


def __getattr__(name: str) -> Any:
    if name == "JiraAdapter":
        from .adapter import JiraAdapter

        return JiraAdapter
    if name == "JiraSettings":
        from .settings import JiraSettings

        return JiraSettings
    raise AttributeError(name)
