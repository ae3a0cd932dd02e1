"""`trackers.jira` settings: URLs, auth kinds, secrets only from the environment."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from aligner.errors import ConfigError
from aligner.plugins.adapter import AdapterContext
from aligner_adapters.jira import JiraAdapter, JiraSettings
from aligner_adapters.jira.settings import CloudAuth, PatAuth

CLOUD_AUTH = {"email_env": "JIRA_EMAIL", "token_env": "JIRA_API_TOKEN"}


def settings(**more: object) -> JiraSettings:
    data = {"url": "https://acme.atlassian.net/", "auth": CLOUD_AUTH, "jql": "project = CHK"}
    return JiraSettings.model_validate({**data, **more})


def test_defaults_and_auth_kinds() -> None:
    cloud = settings()
    assert cloud.url == "https://acme.atlassian.net" and isinstance(cloud.auth, CloudAuth)
    assert (cloud.deployment, cloud.page_size, cloud.objective_label_prefix) == (
        "auto", 100, "okr:")
    assert cloud.implied_deployment() == "cloud"
    dc = settings(url="https://jira.acme.example/jira", auth={"pat_env": "JIRA_PAT"})
    assert isinstance(dc.auth, PatAuth) and dc.implied_deployment() is None
    assert JiraAdapter.Settings is JiraSettings and JiraAdapter.name == "jira"


@pytest.mark.parametrize("bad", [
    {"url": "ftp://jira.acme.example"},
    {"url": "jira.acme.example"},
    {"url": "https://bot:secret@jira.acme.example"},
    {"url": "https://jira.acme.example/?os_authType=basic"},
    {"jql": "   "},
    {"deployment": "server"},
    {"page_size": 0},
    {"auth": {"token_env": "X"}},
    {"auth": {"pat_env": "X", "token": "inline-secret"}},
    {"api_token": "inline-secret"},
])
def test_invalid_settings_are_refused(bad: dict) -> None:
    with pytest.raises(ValidationError):
        settings(**bad)


def test_a_missing_secret_names_the_variable_not_a_value() -> None:
    context = AdapterContext(base_dir=Path("."), env={"JIRA_EMAIL": "bot@acme.example"})
    with pytest.raises(ConfigError, match="JIRA_API_TOKEN is not set") as caught:
        JiraAdapter(settings(), context)
    assert "bot@acme.example" not in str(caught.value)


def test_credentials_come_from_the_environment() -> None:
    creds = settings().credentials({"JIRA_EMAIL": "bot@acme.example", "JIRA_API_TOKEN": " t "})
    assert (creds.email, creds.token) == ("bot@acme.example", "t")
    assert "t" in creds.secrets() and "bot@acme.example" not in creds.secrets()
    pat = settings(auth={"pat_env": "JIRA_PAT"}).credentials({"JIRA_PAT": "p"})
    assert pat.pat == "p" and pat.secrets() == ("p",)
