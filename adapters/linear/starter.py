"""The `trackers.linear` section `aligner init --from linear` drafts (the `Starter` capability).

Light on purpose: the tracker plugin exposes it, so listing what `init --from` accepts
imports no HTTP client.
"""

from __future__ import annotations

from typing import Any

from aligner.plugins.discovery import InitOptions


class LinearStarter:
    """An API key from an env var; `url` only when not Linear's public API."""

    def section(self, options: InitOptions) -> dict[str, Any]:
        """`api_key_env` (and `url` if given); `teams` is set from what discovery finds."""
        section: dict[str, Any] = {
            "api_key_env": options.credential_env.get("api_key", "LINEAR_API_KEY")}
        if options.url:
            section["url"] = options.url
        return section

    def placeholders(self, options: InitOptions) -> dict[str, Any]:
        """Every team: discovery reads every team the key can see anyway."""
        return {"teams": ["*"]}


STARTER = LinearStarter()

SECTION_EXAMPLE = """\
linear:
  api_key_env: LINEAR_API_KEY
  teams: [ENG]
"""
