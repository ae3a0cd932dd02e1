"""`trackers.linear` in aligner.yaml: how to reach a Linear workspace and which teams to read."""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from urllib.parse import urlsplit

from pydantic import Field, field_validator, model_validator

from aligner.errors import ConfigError
from aligner.plugins.adapter import TrackerSettings

DEFAULT_URL = "https://api.linear.app/graphql"
_LOOPBACK_NAMES = frozenset({"localhost"})


class LinearSettings(TrackerSettings):
    """Exactly one credential: a personal API key or an OAuth access token, by env var name."""

    api_key_env: str | None = None  # sent as `Authorization: <key>` (no Bearer)
    oauth_token_env: str | None = None  # sent as `Authorization: Bearer <token>`
    teams: list[str] = Field(min_length=1)  # team keys, e.g. [CHK, PAY]
    url: str = DEFAULT_URL
    timeout: float = Field(default=30.0, gt=0, le=300)  # seconds, per HTTP request
    # requests in flight at once (sync --concurrency overrides); see README "Concurrency":
    # Linear's budgets are per hour, so concurrency only shortens the wall time
    concurrency: int = Field(default=6, ge=1, le=16)

    @field_validator("teams")
    @classmethod
    def _team_keys(cls, teams: list[str]) -> list[str]:
        cleaned = [key.strip() for key in teams]
        if any(not key for key in cleaned):
            raise ValueError("team keys must not be empty")
        if len(set(cleaned)) != len(cleaned):
            raise ValueError("team keys must be unique")
        return cleaned

    @field_validator("objective_field")
    @classmethod
    def _no_custom_fields(cls, value: str | None) -> str | None:
        if value is not None:
            raise ValueError("Linear has no custom fields: name objectives with labels "
                             "(objective_label_prefix) or link projects in the model")
        return value

    @field_validator("url")
    @classmethod
    def _url(cls, url: str) -> str:
        return validate_url(url)

    @model_validator(mode="after")
    def _one_credential(self) -> LinearSettings:
        if (self.api_key_env is None) == (self.oauth_token_env is None):
            raise ValueError("set exactly one of api_key_env or oauth_token_env")
        return self

    def authorization(self, env: Mapping[str, str]) -> str:
        """The Authorization header value; a missing variable is named, its value never shown."""
        name = self.api_key_env or self.oauth_token_env or ""
        key = "api_key_env" if self.api_key_env else "oauth_token_env"
        secret = (env.get(name) or "").strip()
        if not secret:
            raise ConfigError(
                f"trackers.linear.{key}: environment variable {name} is not set or empty")
        return secret if self.api_key_env else f"Bearer {secret}"


def validate_url(url: str) -> str:
    """HTTPS anywhere; plain HTTP only to this machine (a local proxy or a test server)."""
    parts = urlsplit(url)
    if parts.username or parts.password:
        raise ValueError("the URL must not carry credentials; use api_key_env/oauth_token_env")
    if not parts.hostname:
        raise ValueError(f"not an absolute URL: {url!r}")
    try:
        port = parts.port  # `urlsplit` accepts `:99999` until asked
    except ValueError:
        port = 0
    if port == 0:
        raise ValueError(f"the URL's port must be a number from 1 to 65535: {url!r}")
    if parts.scheme == "https":
        return url
    if parts.scheme == "http" and _is_loopback(parts.hostname):
        return url
    raise ValueError(f"the URL must use https (http only for localhost): {url!r}")


def _is_loopback(host: str) -> bool:
    if host in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
