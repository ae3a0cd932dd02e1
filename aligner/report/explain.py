"""`aligner explain ITEM`: the trace found, where it stopped, each finding and its fix."""

from __future__ import annotations

from typing import Any

from aligner.engine.items import BacklogItem
from aligner.engine.trace import Trace
from aligner.errors import ConfigError, did_you_mean
from aligner.sync.check import ItemCheck


def render_explain(key: str, check: ItemCheck) -> str:
    """The explanation of one item, from `aligner.sync.check.check_item`."""
    graph = check.snapshot.graph
    if check.item is None:
        raise ConfigError(f"item {key!r} is not in the fetched backlog"
                          f"{did_you_mean(key, [k for k in graph if ':' not in k])}")
    if check.result is None:
        return (f"{check.item.key}: {check.item.title}\n"
                "Not evaluated: only open issues are checked.\n")
    trace, findings = check.result.trace, check.result.findings
    item = trace.item
    lines = [f"{item.key}: {item.title}", f"  source: {item.source}" +
             (f"  {item.url}" if item.url else "")]
    lines.append(f"  holder: {trace.holder} (via {trace.holding.via})" if trace.holder
                 else "  holder: none — no team owns " + _handles(item))
    lines.extend(_trace_lines(trace, graph))
    lines.append("")
    if not findings:
        lines.append("No findings: the item traces to an active strategy and stays in bounds.")
    for finding in findings:
        state = " (waived: " + (finding.waived_by or "") + ")" if finding.waived else ""
        lines.append(f"{finding.code} {finding.name} [{finding.severity}]{state}")
        lines.append(f"  {finding.message}")
        lines.append(f"  fix: {finding.fix}")
    return "\n".join(lines) + "\n"


def _trace_lines(trace: Trace, graph: dict[str, Any]) -> list[str]:
    chain = [trace.item.key, *trace.ancestor_names]
    lines = ["", "Trace:", f"  walked: {' → '.join(chain)}"]
    if not trace.reached:
        last = chain[-1]
        lines.append(f"  stopped at {last}: nothing on this path is linked from an objective "
                     "or labelled with one")
        lines.append("  to fix: link it to an epic or project listed in an objective's `links`, "
                     "or label it okr:<objective id>")
    for reach in trace.reached:
        status = reach.status
        lines.append(f"  reached objective {status.objective} ({reach.via})")
        lines.append(f"    → {' → '.join(status.chain)}: {status.state}"
                     + (f" ({'; '.join(status.inactive)})" if status.inactive else "")
                     + (" — no `supports`, the path stops here" if status.state == "gap"
                        else ""))
    for problem in trace.broken:
        lines.append(f"  broken: {problem}")
    if trace.areas:
        lines.append("  areas: " + ", ".join(f"{a.kind} {a.name} (owned by {', '.join(a.owners)})"
                                             for a in trace.areas))
    return lines


def _handles(item: BacklogItem) -> str:
    """`Team field 3a1… or project OPS`: what a team's `owns` could list to hold the item."""
    return " or ".join(ref.label for ref in item.holders) or "anything on it"
