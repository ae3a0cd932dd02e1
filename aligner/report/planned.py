"""What a sync plans, counted and in Markdown: the same plan in every report format.

The text rendering of the plan is `aligner.report.sync.render_plan`; these add the counts a
rollout needs (comments a run would create — on Jira Cloud each one notifies the ticket's
watchers — and the write budget the run needs) and the Markdown section.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

from aligner.report.escape import escape_markdown
from aligner.sync.budget import cost_for
from aligner.sync.plan import ItemPlan

if TYPE_CHECKING:
    from aligner.sync.run import SyncOutcome

COMMENT_ACTIONS = ("create", "update", "delete")


def plan_counts(outcome: SyncOutcome) -> dict[str, Any]:
    """Items to change, comments per action, and the write operations the whole plan needs
    (as each source's adapter counts them: what `--max-writes` must allow)."""
    comments = Counter(p.comment for p in outcome.planned if p.comment)
    cost = cost_for(outcome.snapshot.adapters)
    return {
        "items": len(outcome.planned),
        "comments": {action: comments.get(action, 0) for action in COMMENT_ACTIONS},
        "write_operations": sum(map(cost, outcome.planned)),
        "pending": len(outcome.pending),
    }


def planned_changes(outcome: SyncOutcome) -> str:
    """The `Planned changes` section of the Markdown report (a dry run's whole point)."""
    counts = plan_counts(outcome)
    created = counts["comments"]["create"]
    lines = ["### Planned changes", "",
             f"{counts['items']} item{'s' * (counts['items'] != 1)} to change · "
             f"{created} comment{'s' * (created != 1)} to create · the plan needs "
             f"{counts['write_operations']} write operations (`--max-writes`)"
             + (f" · {counts['pending']} over budget: next run" if counts["pending"] else "")]
    if outcome.dry_run:
        lines += ["", "Dry run: nothing was written; a real run would make these changes."]
    if outcome.planned:
        pending = {id(p) for p in outcome.pending}
        lines += ["", "| item | labels | comment |", "|---|---|---|"]
        lines += [_plan_row(p, id(p) in pending) for p in outcome.planned]
    return "\n".join(lines)


def _plan_row(plan: ItemPlan, pending: bool) -> str:
    labels = [f"+{label}" for label in plan.add_labels]
    labels += [f"-{label}" for label in plan.remove_labels]
    cell = " ".join(map(escape_markdown, labels)) or ("–" if plan.comment else "state only")
    comment = plan.comment or "–"
    suffix = " (over budget: next run)" if pending else ""
    return (f"| {escape_markdown(plan.item.key)} ({plan.item.source}) | {cell} | "
            f"{comment}{suffix} |")
