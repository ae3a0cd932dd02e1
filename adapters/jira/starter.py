"""The `trackers.jira` section `aligner init --from jira` drafts (the `Starter` capability).

Light on purpose: the tracker plugin exposes it, so listing what `init --from` accepts
imports no HTTP client.
"""

from __future__ import annotations

from typing import Any

from aligner.errors import ConfigError
from aligner.plugins.discovery import InitOptions


class JiraStarter:
    """A site URL is required; Cloud signs in with email + API token, Data Center with a PAT."""

    def section(self, options: InitOptions) -> dict[str, Any]:
        """`url` and `auth` (env var names only); `jql` is set from what discovery finds."""
        if not options.url:
            raise ConfigError("init --from jira needs the site: --url https://your-site."
                              "atlassian.net (or set JIRA_URL)")
        env = options.credential_env
        auth = {"pat_env": env["pat"]} if env.get("pat") else {
            "email_env": env.get("email", "JIRA_EMAIL"),
            "token_env": env.get("token", "JIRA_API_TOKEN")}
        return {"url": options.url, "auth": auth}

    def placeholders(self, options: InitOptions) -> dict[str, Any]:
        """Any JQL: discovery does not read it."""
        return {"jql": "order by key"}


STARTER = JiraStarter()

SECTION_EXAMPLE = """\
jira:
  url: https://your-site.atlassian.net
  auth: {email_env: JIRA_EMAIL, token_env: JIRA_API_TOKEN}  # Data Center: {pat_env: JIRA_PAT}
  jql: "project in (PROJ) AND statusCategory != Done"
"""
