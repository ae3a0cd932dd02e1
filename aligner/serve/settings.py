"""The `serve:` section resolved against the configured trackers and the environment."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from aligner.errors import ConfigError, did_you_mean
from aligner.logs import SECRETS
from aligner.model.load import LoadedConfig
from aligner.plugins.registry import tracker
from aligner.plugins.tracker import WebhookVerifier


@dataclass(frozen=True)
class Endpoint:
    """`POST /webhooks/<tracker>`: the tracker plugin that verifies it, and its secret."""

    tracker: str
    verifier: WebhookVerifier
    secret: str

    def __repr__(self) -> str:  # never print the secret
        return f"Endpoint({self.tracker!r})"


def endpoints(config: LoadedConfig, env: Mapping[str, str]) -> dict[str, Endpoint]:
    """One endpoint per tracker named under `serve.secrets`, its secret read from `env`.

    Every problem is a `ConfigError` naming the key: a tracker that is not configured, a
    plugin that cannot verify webhooks, an environment variable that is unset or empty.
    """
    found: dict[str, Endpoint] = {}
    for name, env_name in config.model.serve.secrets.items():
        where = f"{config.file.name}: serve.secrets.{name}"
        if name not in config.trackers:
            raise ConfigError(f"{where}: no tracker {name!r} under `trackers:`"
                              f"{did_you_mean(name, config.trackers)}")
        plugin = tracker(name)
        if not isinstance(plugin, WebhookVerifier):
            raise ConfigError(f"{where}: the {name} tracker plugin cannot verify webhooks")
        secret = env.get(env_name, "")
        if not secret:
            raise ConfigError(f"{where}: the environment variable {env_name} is not set "
                              "(it holds the webhook's signing secret)")
        SECRETS.add([secret])  # never in a log line
        found[name] = Endpoint(name, plugin, secret)
    return found
