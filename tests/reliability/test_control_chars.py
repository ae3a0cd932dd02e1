"""Control and bidi characters never reach a comment, and tracker URLs have real ports
(issue #13, item 9)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from aligner.comment.document import (
    BulletList,
    Comment,
    Link,
    Paragraph,
    Text,
    render_markdown,
    render_plain,
)
from aligner_adapters.jira.render import render_adf, render_wiki

from .support import acme_copy, assert_one_line_error, invoke

# U+202E (right-to-left override) and the other bidi controls, C0 (NUL, ESC, BEL…), DEL, C1
HOSTILE = ("Fix \u202etxt.exe\u202c login \u2066isolate\u2069 \u200fmark\u200e \u061c"
           "nul\x00 esc\x1b[31mred\x1b[0m bell\x07 del\x7f c1\x85\x9b done")
FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f"
                       "\u202a-\u202e\u2066-\u2069]")


def _comment() -> Comment:
    parts = (Text(HOSTILE), Text(HOSTILE, "strong"), Text(HOSTILE, "code"),
             Link(HOSTILE, "https://example.test/\u202eissue\x1b"))
    return Comment((Paragraph(parts), BulletList((parts, (Text(HOSTILE),)))))


def _texts(node: Any) -> list[str]:
    if isinstance(node, dict):
        return [v for k, v in node.items() if isinstance(v, str)] + [
            t for v in node.values() for t in _texts(v)]
    if isinstance(node, list):
        return [t for v in node for t in _texts(v)]
    return []


@pytest.mark.parametrize("render", [render_markdown, render_plain, render_wiki],
                         ids=["markdown", "plain", "wiki"])
def test_text_renderers_drop_control_and_bidi_characters(render: Any) -> None:
    out = render(_comment())
    assert not FORBIDDEN.search(out), repr(out)
    assert "txt.exe" in out and "red" in out and "done" in out  # the text itself stays


def test_adf_drops_control_and_bidi_characters() -> None:
    texts = _texts(render_adf(_comment()))
    assert texts and not any(FORBIDDEN.search(t) for t in texts), texts


def _validate_with(tmp_path: Path, tracker: str, settings: dict[str, Any]) -> Any:
    model_path = acme_copy(tmp_path)
    model = yaml.safe_load(model_path.read_text())
    model["trackers"] = {tracker: settings}
    model_path.write_text(yaml.safe_dump(model, sort_keys=False))
    return invoke("validate", "-c", str(model_path))


@pytest.mark.parametrize("url", ["https://acme.atlassian.net:99999", "https://jira.acme:0",
                                 "https://jira.acme:http"])
def test_validate_refuses_a_jira_url_with_an_impossible_port(tmp_path: Path, url: str) -> None:
    result = _validate_with(tmp_path, "jira", {
        "url": url, "jql": "project = CHK",
        "auth": {"email_env": "JIRA_EMAIL", "token_env": "JIRA_API_TOKEN"}})
    assert_one_line_error(result, (2,))
    assert "port" in result.stderr


def test_validate_refuses_a_linear_url_with_an_impossible_port(tmp_path: Path) -> None:
    result = _validate_with(tmp_path, "linear", {
        "url": "https://api.linear.app:99999/graphql", "teams": ["CHK"],
        "api_key_env": "LINEAR_API_KEY"})
    assert_one_line_error(result, (2,))
    assert "port" in result.stderr


def test_validate_still_accepts_a_real_port(tmp_path: Path) -> None:
    result = _validate_with(tmp_path, "jira", {
        "url": "https://jira.acme:8443", "jql": "project = CHK",
        "auth": {"pat_env": "JIRA_PAT"}})
    assert result.exit_code == 0, result.output
