"""`trackers.jira` in aligner.yaml: where the site is, how to authenticate, what to read."""

from __future__ import annotations

import base64
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator

from aligner.errors import ConfigError
from aligner.plugins.adapter import TrackerSettings

CLOUD = "cloud"
DATACENTER = "datacenter"


class CloudAuth(BaseModel):
    """Jira Cloud: an account's email and an API token (HTTP basic)."""

    model_config = ConfigDict(extra="forbid")

    email_env: str
    token_env: str


class PatAuth(BaseModel):
    """Jira Data Center: a personal access token (HTTP bearer)."""

    model_config = ConfigDict(extra="forbid")

    pat_env: str


@dataclass(frozen=True)
class Credentials:
    """Secrets read from the environment; `secrets()` lets error messages scrub them."""

    email: str | None = None
    token: str | None = None
    pat: str | None = None

    def secrets(self) -> tuple[str, ...]:
        """The secrets, and the Basic header they travel as (a proxy may echo it back)."""
        basic = (base64.b64encode(f"{self.email or ''}:{self.token}".encode()).decode()
                 if self.token else None)
        return tuple(s for s in (basic, self.token, self.pat) if s)


class JiraSettings(TrackerSettings):
    """Keys under `trackers.jira`. Secrets are never here: only environment variable names."""

    model_config = ConfigDict(extra="forbid")

    url: str
    auth: CloudAuth | PatAuth
    jql: str = Field(min_length=1)
    deployment: Literal["auto", "cloud", "datacenter"] = "auto"
    page_size: int = Field(default=100, ge=1, le=1000)
    timeout_seconds: float = Field(default=30.0, gt=0, le=600)
    # requests in flight at once (sync --concurrency overrides); see README "Concurrency":
    # well under Jira Cloud's per-endpoint burst limits, and paced down when it throttles
    concurrency: int = Field(default=8, ge=1, le=32)

    @field_validator("url")
    @classmethod
    def _site_url(cls, value: str) -> str:
        parts = urlsplit(value.strip())
        if parts.scheme not in ("https", "http") or not parts.hostname:
            raise ValueError(f"not an http(s) URL: {value!r}")
        if parts.username or parts.password:
            raise ValueError("the URL must not carry credentials (use `auth`)")
        if parts.query or parts.fragment:
            raise ValueError(f"the site URL takes no query or fragment: {value!r}")
        _check_port(value)
        return value.strip().rstrip("/")

    @field_validator("jql")
    @classmethod
    def _jql_not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("the JQL query is empty")
        return value.strip()

    def credentials(self, env: Mapping[str, str]) -> Credentials:
        """Read the secrets; a missing variable is named (its value never is)."""
        if isinstance(self.auth, CloudAuth):
            return Credentials(email=_read(env, self.auth.email_env, "email_env"),
                               token=_read(env, self.auth.token_env, "token_env"))
        return Credentials(pat=_read(env, self.auth.pat_env, "pat_env"))

    def implied_deployment(self) -> str | None:
        """The deployment when config or the auth kind settles it without asking the site."""
        if self.deployment != "auto":
            return self.deployment
        host = urlsplit(self.url).hostname or ""
        if host.endswith((".atlassian.net", ".jira.com")):
            return CLOUD  # Atlassian-hosted sites are Cloud; custom domains are probed
        return None


def _check_port(url: str) -> None:
    """A port must be a number from 1 to 65535 (`urlsplit` accepts `:99999` until asked)."""
    try:
        port = urlsplit(url.strip()).port
    except ValueError:
        port = 0
    if port == 0:
        raise ValueError(f"the URL's port must be a number from 1 to 65535: {url!r}")


def _read(env: Mapping[str, str], name: str, key: str) -> str:
    value = env.get(name, "")
    if not value.strip():
        raise ConfigError(f"trackers.jira.auth.{key}: environment variable {name} is not set")
    return value.strip()
