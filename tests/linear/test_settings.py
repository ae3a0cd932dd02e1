"""`trackers.linear`: one credential by env var name, team keys, a validated URL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import responses
from pydantic import ValidationError

from aligner.errors import ConfigError
from aligner.model.load import config_from_text
from aligner.plugins.adapter import AdapterContext
from aligner_adapters.linear import LinearAdapter, LinearSettings
from tests.fakes.linear import FakeLinear

MODEL = """\
version: 1
strategy: [{id: grow}]
teams: [{id: checkout, owns: {linear: {teams: [CHK]}}}]
trackers:
  linear: {LINEAR}
"""


def settings(**values: Any) -> LinearSettings:
    return LinearSettings.model_validate({"api_key_env": "LINEAR_API_KEY", "teams": ["CHK"],
                                          **values})


def test_defaults() -> None:
    s = settings()
    assert (s.url, s.teams, s.oauth_token_env) == ("https://api.linear.app/graphql", ["CHK"],
                                                   None)
    assert LinearAdapter.Settings is LinearSettings and LinearAdapter.name == "linear"


@pytest.mark.parametrize(("values", "message"), [
    ({"oauth_token_env": "LINEAR_TOKEN"}, "exactly one of api_key_env or oauth_token_env"),
    ({"api_key_env": None}, "exactly one of api_key_env or oauth_token_env"),
    ({"teams": []}, "at least 1 item"),
    ({"teams": ["CHK", "CHK"]}, "unique"),
    ({"teams": [" "]}, "must not be empty"),
    ({"url": "http://api.linear.app/graphql"}, "https"),
    ({"url": "https://user:pw@api.linear.app/graphql"}, "credentials"),
    ({"url": "api.linear.app/graphql"}, "absolute URL"),
    ({"objective_field": "customfield_1"}, "no custom fields"),
    ({"team": ["CHK"]}, "Extra inputs"),
])
def test_invalid_settings(values: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        settings(**values)


def test_plain_http_only_to_this_machine() -> None:
    assert settings(url="http://127.0.0.1:8080/graphql").url.startswith("http://127.")
    assert settings(url="http://localhost/graphql").url == "http://localhost/graphql"


def test_api_keys_go_bare_and_oauth_tokens_as_bearer() -> None:
    env = {"LINEAR_API_KEY": "lin_api_x", "LINEAR_TOKEN": "tok"}
    assert settings().authorization(env) == "lin_api_x"
    oauth = settings(api_key_env=None, oauth_token_env="LINEAR_TOKEN")
    assert oauth.authorization(env) == "Bearer tok"


def test_a_missing_variable_is_named_never_its_value() -> None:
    with pytest.raises(ConfigError, match=r"api_key_env: environment variable LINEAR_API_KEY "
                                          r"is not set") as raised:
        LinearAdapter(settings(), AdapterContext(base_dir=Path("."), env={}))
    assert raised.value.exit_code == 2


def test_the_model_file_validates_the_section_with_hints() -> None:
    good = MODEL.replace("{LINEAR}", "{api_key_env: LINEAR_API_KEY, teams: [CHK]}")
    assert isinstance(config_from_text(good).trackers["linear"], LinearSettings)
    typo = MODEL.replace("{LINEAR}", "{api_key_env: LINEAR_API_KEY, team: [CHK]}")
    with pytest.raises(ConfigError, match="did you mean 'teams'"):
        config_from_text(typo)


def test_oauth_token_reaches_linear_as_bearer() -> None:
    fake = FakeLinear(api_key="Bearer oauth-token")
    fake.add_team("CHK")
    fake.add_issue("CHK")
    adapter = LinearAdapter(settings(api_key_env=None, oauth_token_env="LINEAR_TOKEN",
                                     url=fake.url),
                            AdapterContext(base_dir=Path("."), env={"LINEAR_TOKEN": "oauth-token"}))
    with responses.RequestsMock() as rsps:
        fake.install(rsps)
        assert [i.key for i in adapter.fetch() if i.kind == "issue"] == ["CHK-1"]


def test_unknown_team_keys_are_a_configuration_error(fake: FakeLinear,
                                                     make_adapter: Any) -> None:
    fake.add_team("CHK")
    with pytest.raises(ConfigError, match="no Linear team with key 'CHKK'"):
        list(make_adapter(teams=("CHK", "CHKK")).fetch())
