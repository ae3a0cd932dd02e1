"""The strategy tree as a Mermaid `flowchart` (GitHub draws it in job summaries and comments).

Node ids are generated (`n1`, `n2`…), never taken from the model; labels go through the one
Mermaid escaper, so no name can close a label, start a statement or leave the code fence.
Inactive nodes are drawn grey and dashed, as the HTML report greys them.
"""

from __future__ import annotations

from aligner.report.escape import escape_mermaid
from aligner.report.tree import BET, OBJECTIVE, STRATEGY, StrategyTree, TreeNode

KINDS = (STRATEGY, BET, OBJECTIVE)  # named with their kind; links and "direct" are not
INACTIVE_STYLE = "fill:#f1f2f4,stroke:#8a929c,color:#4a525c,stroke-dasharray:4 3"
UNTRACED_STYLE = "fill:#fff1e0,stroke:#b25000,color:#5c2a00"


def mermaid_flowchart(tree: StrategyTree) -> str:
    """The whole ```mermaid block: one node per tree node, with aligned / items on it."""
    lines = ["flowchart LR"]
    inactive: list[str] = []
    parents: list[str] = []  # the id of the last node seen at each depth
    for number, (depth, node) in enumerate(tree.walk(), start=1):
        node_id = f"n{number}"
        lines.append(f'  {node_id}["{_label(node, gap=depth == 0 and node.kind == OBJECTIVE)}"]')
        del parents[depth:]
        if parents:
            lines.append(f"  {parents[-1]} --> {node_id}")
        parents.append(node_id)
        if not node.live:
            inactive.append(node_id)
    lines.append(f'  untraced["{escape_mermaid(f"Untraced: {tree.untraced} of {tree.total}")}"]')
    lines.append(f"  classDef inactive {INACTIVE_STYLE}")
    lines.append(f"  classDef untraced {UNTRACED_STYLE}")
    if inactive:
        lines.append(f"  class {','.join(inactive)} inactive")
    lines.append("  class untraced untraced")
    return "```mermaid\n" + "\n".join(lines) + "\n```"


def _label(node: TreeNode, gap: bool = False) -> str:
    """`strategy Grow self-serve revenue` on one line, `43/45 aligned` (and why it is
    inactive) on the next; `gap`: an objective that supports no strategy."""
    title = f"{node.kind} {node.label}" if node.kind in KINDS else node.label
    counts = f"{node.share.aligned}/{node.share.items} aligned"
    if gap:
        counts += " · no strategy"
    elif node.kind in KINDS and not node.active:
        counts += f" · {node.status}"
    return f"{escape_mermaid(title)}<br/>{escape_mermaid(counts)}"
