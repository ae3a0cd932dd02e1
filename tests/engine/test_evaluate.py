"""The engine's guarantees: a crashing rule is a finding, not a dead run; the comment content."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date
from pathlib import Path

from aligner.comment.compose import build_comment
from aligner.comment.document import render_markdown, render_plain
from aligner.engine.evaluate import RULE_ERROR_CODE, Evaluator, evaluate
from aligner.engine.findings import Violation
from aligner.engine.rule import Rule
from aligner.engine.selection import RuleSet
from aligner.engine.trace import Trace
from aligner.model.load import load_config
from aligner.plugins.registry import rule_classes
from aligner.testing import make_item

ACME = Path(__file__).parents[2] / "examples" / "acme" / "aligner.yaml"


class Exploding(Rule):
    """Explodes on CHK-2."""

    code = "XX901"
    name = "exploding"

    def check(self, trace: Trace) -> Iterable[Violation]:
        if trace.item.key == "CHK-2":
            raise ZeroDivisionError("boom")
        yield Violation("fine", "none")


def test_a_crashing_rule_becomes_a_finding_and_the_run_goes_on() -> None:
    config = load_config(ACME)
    config = replace(config, rule_set=RuleSet((Exploding(),), {}))
    graph = {k: make_item({"key": k}, "jira") for k in ("CHK-1", "CHK-2", "CHK-3")}
    findings = evaluate(config, graph, date(2026, 11, 15)).findings
    crash = [f for f in findings if f.code == RULE_ERROR_CODE]
    assert len(crash) == 1 and crash[0].item == "CHK-2" and not crash[0].on_ticket
    assert "rule XX901 (exploding) crashed on CHK-2: ZeroDivisionError: boom" in crash[0].message
    assert sorted(f.item for f in findings if f.code == "XX901") == ["CHK-1", "CHK-3"]


def test_the_comment_says_what_why_trace_fix_and_how_to_waive() -> None:
    config = load_config(ACME)
    from aligner.sync.read import open_adapters, read

    graph = read(open_adapters(config)).graph
    result = Evaluator(config, graph, date(2026, 11, 15)).item(graph["CHK-106"])
    comment = build_comment(result.trace, result.findings, rule_classes(), "aligner:waive")
    text = render_plain(comment)
    assert "AL203 boundary-crossing: team checkout holds it, but component Payments" in text
    assert "Why it matters: Changing another team's component" in text
    assert "Fix: hand it to payments" in text
    assert "Trace so far: CHK-106 → CHK-100 → objective CHK-Q4-1 → bet " in text
    # the footer links the rule's documentation (PMs have no CLI), not `aligner rule AL203`
    assert "aligner:waive" in text and "Rule documentation: AL203 boundary-crossing" in text
    assert "aligner rule" not in text
    markdown = render_markdown(comment)
    assert "**AL203 boundary-crossing**" in markdown and "`aligner:waive`" in markdown
