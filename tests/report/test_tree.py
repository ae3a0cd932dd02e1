"""The strategy tree in the report model: counts per node, live and inactive nodes."""

from __future__ import annotations

from aligner.report.tree import DIRECT, LINK, OBJECTIVE, StrategyTree, TreeNode
from tests.report.acme import acme_report


def nodes(tree: StrategyTree) -> dict[str, TreeNode]:
    return {f"{node.kind}:{node.id}" if node.kind != DIRECT else f"direct:{depth}:{i}": node
            for i, (depth, node) in enumerate(tree.walk())}


def test_every_objective_appears_with_its_links_and_counts() -> None:
    tree = acme_report().tree
    assert tree is not None
    found = nodes(tree)
    metrics = acme_report().metrics
    for objective, share in metrics.by_objective.items():
        assert found[f"objective:{objective}"].share == share
    chk = found["objective:CHK-Q4-1"]
    assert [c.id for c in chk.children if c.kind == LINK] == ["jira:CHK-100", "jira:CHK-101",
                                                             "jira:CHK-120"]
    assert chk.share.items == chk.share.aligned > 0  # a current objective: all aligned
    assert found["link:jira:CHK-100"].share.items > 0
    # the children of an objective add up to it: links plus items naming it directly
    for node in found.values():
        if node.kind == OBJECTIVE and node.children:
            assert sum(c.share.items for c in node.children) == node.share.items


def test_inactive_nodes_are_not_live_and_say_why() -> None:
    found = nodes(acme_report().tree)  # type: ignore[arg-type]
    assert found["objective:CHK-Q3-1"].status == "ended 2026-09-30"
    assert not found["objective:CHK-Q3-1"].live
    assert found["objective:PAY-Q3-1"].status == "done"
    assert found["strategy:open-ecosystem"].status == "retired"
    bet = found["bet:app-marketplace"]
    assert bet.active and not bet.live  # active itself, under a retired strategy
    assert found["link:jira:CHK-60"].share.aligned == 0  # stale work is not aligned
    assert found["objective:CHK-Q4-1"].live


def test_objectives_without_strategy_and_the_untraced_are_kept() -> None:
    tree = acme_report().tree
    assert tree is not None
    assert [o.id for o in tree.unanchored] == ["GRO-Q4-3"]
    assert not tree.unanchored[0].live
    metrics = acme_report().metrics
    assert (tree.untraced, tree.total) == (metrics.untraced, metrics.overall.items)
    roots = [r.id for r in tree.roots]  # one per strategy, in model order
    assert roots[:2] == ["grow-self-serve", "expand-europe"]
    assert {"trusted-platform", "open-ecosystem"} <= set(roots)
