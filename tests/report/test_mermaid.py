"""The Mermaid strategy tree in the Markdown report: its syntax is checked against the
flowchart grammar it uses (Mermaid itself cannot run offline), and hostile names stay labels."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

from aligner.engine.evaluate import Evaluation
from aligner.model.schema import OperatingModel
from aligner.report.markdown import render_markdown
from aligner.report.mermaid import mermaid_flowchart
from aligner.report.metrics import compute_metrics
from aligner.report.tree import StrategyTree, build_tree
from tests.report.acme import acme_report

HEADER = re.compile(r"flowchart (LR|RL|TB|TD|BT)")
NODE = re.compile(r'  (n\d+|untraced)\["((?:[\w .,:/+%\'-]|#\d+;|<br/>)*)"\]')
EDGE = re.compile(r"  (\w+) --> (\w+)")
CLASS_DEF = re.compile(r"  classDef (\w+) ([\w-]+:[#\w. -]+(?:,[\w-]+:[#\w. -]+)*)")
CLASS = re.compile(r"  class ([\w,]+) (\w+)")


def check_flowchart(block: str) -> dict[str, str]:
    """Assert `block` is a fenced flowchart in the grammar we emit; return its node labels."""
    lines = block.split("\n")
    assert lines[0] == "```mermaid" and lines[-1] == "```"
    assert HEADER.fullmatch(lines[1]), lines[1]
    labels: dict[str, str] = {}
    classes: set[str] = set()
    for line in lines[2:-1]:
        if node := NODE.fullmatch(line):
            assert node[1] not in labels, f"node {node[1]} defined twice"
            labels[node[1]] = node[2]
        elif edge := EDGE.fullmatch(line):
            assert edge[1] in labels and edge[2] in labels, line
        elif class_def := CLASS_DEF.fullmatch(line):
            classes.add(class_def[1])
        elif assigned := CLASS.fullmatch(line):
            assert assigned[2] in classes and set(assigned[1].split(",")) <= set(labels), line
        else:
            raise AssertionError(f"not flowchart syntax: {line!r}")
    return labels


def decode(label: str) -> str:
    return re.sub(r"#(\d+);", lambda m: chr(int(m[1])), label.replace("<br/>", "\n"))


def tree() -> StrategyTree:
    result = acme_report().tree
    assert result is not None
    return result


def test_the_acme_flowchart_parses_and_counts_every_node() -> None:
    labels = check_flowchart(mermaid_flowchart(tree()))
    nodes = list(tree().walk())
    assert len(labels) == len(nodes) + 1  # and the untraced node
    grow = nodes[0][1]
    assert decode(labels["n1"]) == (f"strategy Grow self-serve revenue\n"
                                    f"{grow.share.aligned}/{grow.share.items} aligned")
    assert decode(labels["untraced"]) == f"Untraced: {tree().untraced} of {tree().total}"
    texts = [decode(label) for label in labels.values()]
    epic = next(node for _, node in nodes if node.id == "jira:CHK-100")
    assert f"CHK-100\n{epic.share.aligned}/{epic.share.items} aligned" in texts
    assert any(t.endswith("0/1 aligned · retired") for t in texts)


def test_inactive_nodes_get_the_inactive_class() -> None:
    block = mermaid_flowchart(tree())
    inactive = re.search(r"  class ([\w,]+) inactive", block)
    assert inactive is not None
    ids = {f"n{i}" for i, (_, node) in enumerate(tree().walk(), start=1) if not node.live}
    assert set(inactive[1].split(",")) == ids


def test_hostile_names_stay_inside_their_labels() -> None:
    hostile = 'Q"]\n  x --> y\n%% `a` #1; <b>[c]</b> {d} | ```'
    model = OperatingModel.model_validate({
        "version": 1, "strategy": [{"id": "s", "name": hostile}],
        "objectives": [{"id": "o", "team": "t", "supports": "s", "name": hostile,
                        "links": ['jira:X-1"]']}]})
    evaluation = Evaluation(date(2026, 11, 15), 0)
    labels = check_flowchart(mermaid_flowchart(
        build_tree(model, evaluation, compute_metrics(evaluation, model))))
    flat = " ".join(hostile.split())
    assert decode(labels["n1"]) == f"strategy {flat}\n0/0 aligned"
    assert decode(labels["n3"]).startswith('X-1"]')


def test_the_markdown_report_carries_the_flowchart_and_a_plain_table() -> None:
    markdown = render_markdown(acme_report())
    block = re.search(r"```mermaid\n.*?\n```", markdown, re.S)
    assert block is not None
    check_flowchart(block[0])
    after = markdown[block.end():]
    grow = tree().roots[0].share
    assert (f"| **grow-self-serve: Grow self-serve revenue** | active | {grow.items} | "
            f"{grow.aligned} |") in after
    assert "| &emsp;&emsp;↳ CHK-100 |  |" in after
    assert "| objective GRO-Q4-3: Roll out the 2027 brand on the marketing site and signup " \
           "(growth) | no strategy |" in after


def test_without_a_tree_the_markdown_keeps_the_coverage_table() -> None:
    markdown = render_markdown(replace(acme_report(), tree=None))
    assert "```mermaid" not in markdown and "### Strategy coverage" in markdown
