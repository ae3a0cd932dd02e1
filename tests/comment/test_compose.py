"""Comments PMs act on (#18): objective names, fixes that do not trade AL101 for AL202, the
tracker's own words, and rule documentation as links (PMs have no CLI)."""

from __future__ import annotations

from datetime import date

from aligner.comment.compose import build_comment, rule_docs_url
from aligner.comment.document import Link, Paragraph, render_markdown, render_plain
from aligner.engine.evaluate import Evaluator
from aligner.engine.fixes import Suggester, container_noun
from aligner.model.load import config_from_text
from aligner.model.schema import DEFAULT_DOCS_URL
from aligner.plugins.registry import link_schemes, rule_classes
from aligner.testing import make_item

AS_OF = date(2026, 11, 15)
MODEL = """\
version: 1
strategy: [{id: grow, name: Grow self-serve revenue}]
bets: [{id: speed, strategy: grow, links: ["jira:INI-1"]}]
objectives:
  - {id: CHK-Q4-1, name: Faster checkout, team: checkout, supports: speed,
     links: ["jira:CHK-100"]}
  - {id: GRO-Q4-1, name: Alloy split into packages, team: growth, supports: speed,
     links: ["jira:GRO-100", "linear:project:Alloy packages"]}
teams:
  - {id: checkout, owns: {jira: {projects: [CHK]}}}
  - {id: growth, owns: {jira: {projects: [GRO]}, linear: {teams: [GRO]}}}
"""


def graph(*items: dict[str, object], tracker: str = "jira") -> dict[str, object]:
    made = [make_item(dict(i), tracker) for i in items]
    return {i.key: i for i in made}


def test_a_fix_names_the_objective_and_offers_the_holders_own_objective_first() -> None:
    config = config_from_text(MODEL)
    items = graph({"key": "INI-1", "title": "Speed"}, {"key": "GRO-100", "title": "Alloy"},
                  {"key": "GRO-5", "parents": ["INI-1"]})
    suggester = Suggester(config.model, ["CHK-Q4-1", "GRO-Q4-1"], link_schemes())
    path = (items["GRO-5"], items["INI-1"])
    chosen = suggester.suggest(items["GRO-5"], path, "growth", {}, items)  # type: ignore[arg-type]
    # the bet lists checkout's objective first; growth holds the item, so its own comes first
    assert [s.objective for s in chosen] == ["GRO-Q4-1", "CHK-Q4-1"]
    assert chosen[0].text() == ("put it under GRO-100, which realises 'Alloy split into "
                                "packages' (GRO-Q4-1), or label it okr:GRO-Q4-1")
    no_holder = suggester.suggest(items["GRO-5"], path, None, {}, items)  # type: ignore[arg-type]
    assert [s.objective for s in no_holder] == ["CHK-Q4-1", "GRO-Q4-1"]


def test_messages_use_the_trackers_word_for_a_container() -> None:
    assert (container_noun("jira"), container_noun("linear")) == ("epic", "project")
    assert container_noun("no-such-tracker") == "parent"
    config = config_from_text(MODEL)
    items = graph({"key": "GRO-7", "linear_team": "GRO"}, tracker="linear")
    result = Evaluator(config, items, AS_OF).item(items["GRO-7"])  # type: ignore[arg-type]
    untraced = next(f for f in result.findings if f.code == "AL101")
    assert untraced.message.endswith("(walked GRO-7 (no parent, no project))")
    assert "no epic" not in untraced.message
    assert untraced.fix == ("put it under project 'Alloy packages', which realises 'Alloy "
                            "split into packages' (GRO-Q4-1), or label it okr:GRO-Q4-1")


def test_the_footer_links_each_rules_documentation_instead_of_cli_commands() -> None:
    config = config_from_text(MODEL)
    items = graph({"key": "CHK-9", "labels": ["okr:GRO-Q4-1"]})
    result = Evaluator(config, items, AS_OF).item(items["CHK-9"])  # type: ignore[arg-type]
    flagged = [f for f in result.findings if f.on_ticket]
    assert {f.code for f in flagged} >= {"AL202"}
    docs = "https://docs.acme.example/aligner/{code}.html?rule={name}"
    comment = build_comment(result.trace, flagged, rule_classes(), "aligner:waive", docs)
    footer = comment.blocks[-1]
    assert isinstance(footer, Paragraph)
    links = [p for p in footer.parts if isinstance(p, Link)]
    assert [(link.text, link.url) for link in links] == [
        (f"{f.code} {f.name}", f"https://docs.acme.example/aligner/{f.code.lower()}.html"
                               f"?rule={f.name}") for f in sorted(flagged, key=lambda f: f.code)]
    assert "aligner rule" not in render_plain(comment)
    assert "](https://docs.acme.example/aligner/al202.html?rule=foreign-objective)" in \
        render_markdown(comment)


def test_the_default_docs_link_is_the_readmes_rules_reference_with_an_anchor_per_code() -> None:
    assert rule_docs_url(DEFAULT_DOCS_URL, "AL101", "untraced") == \
        "https://pypi.org/project/backlog-aligner/#al101"
    assert config_from_text(MODEL).model.writeback.docs_url == DEFAULT_DOCS_URL


def test_docs_url_must_be_a_web_link() -> None:
    try:
        config_from_text(MODEL + "writeback: {docs_url: 'javascript:alert(1)'}\n")
    except Exception as error:  # the message is what matters
        assert "writeback.docs_url: expected an http(s) URL" in str(error)
    else:
        raise AssertionError("a javascript: docs_url was accepted")
