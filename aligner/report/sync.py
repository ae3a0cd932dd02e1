"""How `aligner sync` reports: the plan (exactly what a real run would do) and the outcome."""

from __future__ import annotations

from typing import Any

from aligner.comment.document import render_markdown
from aligner.plugins.adapter import Previewer
from aligner.report.planned import plan_counts
from aligner.sync.plan import ItemPlan
from aligner.sync.run import SyncOutcome


def plan_line(plan: ItemPlan) -> str:
    parts = [f"+{label}" for label in plan.add_labels]
    parts += [f"-{label}" for label in plan.remove_labels]
    if plan.comment:
        parts.append(f"comment: {plan.comment}")
    if plan.delete_extras:
        parts.append(f"delete {len(plan.delete_extras)} duplicate comment"
                     f"{'s' * (len(plan.delete_extras) != 1)}")
    if not parts:
        parts.append("state only")
    return f"  {plan.item.source:<7} {plan.item.key:<12} {'  '.join(parts)}"


def render_plan(outcome: SyncOutcome, show_comments: bool = False) -> str:
    counts = plan_counts(outcome)
    lines = [f"Plan: {len(outcome.planned)} item{'s' * (len(outcome.planned) != 1)} to change, "
             f"{counts['write_operations']} write operations"]
    if outcome.dry_run and outcome.planned:
        lines.append(_rollout_line(counts))
    pending = {id(p) for p in outcome.pending}
    for plan in outcome.planned:
        suffix = "   (over budget: next run)" if id(plan) in pending else ""
        lines.append(plan_line(plan) + suffix)
        if show_comments and plan.body is not None:
            adapter = outcome.snapshot.adapters.get(plan.item.source)
            text = (adapter.preview(plan.body) if isinstance(adapter, Previewer)
                    else render_markdown(plan.body))
            lines.extend("      | " + line for line in text.splitlines())
    return "\n".join(lines) + "\n"


def _rollout_line(counts: dict[str, Any]) -> str:
    """What a rollout needs to know before the first real run: comments notify watchers (Jira
    Cloud has no quiet comment creation), and a run stopped by the budget exits 3."""
    created, needed = counts["comments"]["create"], counts["write_operations"]
    return (f"Comments to create: {created} (each may notify the ticket's watchers). "
            f"Write budget needed: {needed} — run the first sync with --max-writes {needed}, "
            "or set writeback.comment: false for labels only.")


def render_outcome(outcome: SyncOutcome) -> str:
    ev = outcome.evaluation
    fetched = outcome.snapshot.total_fetched
    mode = ", ".join(f"{n}: {'incremental' if inc else 'full'}"
                     for n, inc in outcome.incremental.items())
    skipped = sum(outcome.snapshot.skipped.values())
    dropped = f" ({skipped} skipped: unreadable payloads, see the log)" if skipped else ""
    lines = [f"Sync: evaluated {ev.evaluated} open of {fetched} fetched{dropped} ({mode})."]
    if outcome.dry_run:
        lines.append("Dry run: nothing was written.")
    else:
        done = len(outcome.results) - len(outcome.failed)
        lines.append(f"Applied {done} of {len(outcome.planned)} planned item changes with "
                     f"{outcome.writes} write requests.")
        repaired = sum(r.repaired for r in outcome.results)
        if repaired:
            lines.append(f"Repaired {repaired} duplicate comment{'s' * (repaired != 1)} "
                         "(aligner comments beyond one per ticket, deleted).")
    if outcome.pending:
        lines.append(f"{len(outcome.pending)} item changes are over the write budget and pending:"
                     " the next run picks them up (raise --max-writes to finish now).")
    for failure in outcome.failed:
        lines.append(f"  write failed for {failure.key}: {failure.error}")
    if outcome.left_alone:
        lines.append(f"Left alone: {len(outcome.left_alone)} ticket(s) refused the last write "
                     "and have not changed since (edit the ticket or fix the permission, and "
                     "the next run tries again):")
        lines.extend(f"  {p.item.key}" for p in outcome.left_alone)
    if not outcome.dry_run and not outcome.complete:
        lines.append("The run is incomplete: rerun to finish; writes are idempotent.")
    return "\n".join(lines) + "\n"


def sync_json(outcome: SyncOutcome) -> dict[str, Any]:
    """The `sync` block added to the §7 report."""
    return {
        "dry_run": outcome.dry_run,
        "complete": outcome.dry_run or outcome.complete,
        "incremental": outcome.incremental,
        "skipped": outcome.snapshot.skipped,
        "planned": [_plan_json(p) for p in outcome.planned],
        "pending": [p.item.key for p in outcome.pending],
        "writes": outcome.writes,
        "failed": [{"item": r.key, "error": r.error} for r in outcome.failed],
    }


def _plan_json(plan: ItemPlan) -> dict[str, Any]:
    return {"item": plan.item.key, "source": plan.item.source, "add": list(plan.add_labels),
            "remove": list(plan.remove_labels), "comment": plan.comment}
