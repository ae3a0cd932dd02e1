"""What aligner's ticket comment says: what is wrong, why, the trace, the fix, how to waive."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from aligner.comment.document import BulletList, Comment, Inline, Link, Paragraph, Text
from aligner.engine.findings import Finding
from aligner.engine.rule import Rule
from aligner.engine.trace import Trace
from aligner.model.schema import DEFAULT_DOCS_URL

HEADER = "aligner"


def build_comment(trace: Trace, findings: Sequence[Finding], rules: Mapping[str, type[Rule]],
                  waive_label: str, docs_url: str = DEFAULT_DOCS_URL) -> Comment:
    """The comment for an item with findings (ticket and model text are all `Text` parts).

    The footer links each rule's documentation (`docs_url`, see `rule_docs_url`): PMs read
    it in a browser, they do not have the CLI.
    """
    count = len(findings)
    blocks: list[Paragraph | BulletList] = [Paragraph((
        Text(f"{HEADER}: ", "strong"),
        Text(f"this ticket has {count} alignment problem{'s' * (count != 1)}."),
    ))]
    for finding in findings:
        rule = rules.get(finding.code)
        message = finding.message if finding.message.endswith(".") else finding.message + "."
        blocks.append(Paragraph((Text(f"{finding.code} {finding.name}", "strong"),
                                 Text(f": {message}"))))
        points = [(Text("Fix: ", "strong"), Text(finding.fix))]
        if rule is not None:
            points.insert(0, (Text("Why it matters: ", "strong"), Text(rule.why())))
        blocks.append(BulletList(tuple(points)))
    blocks.append(Paragraph((Text("Trace so far: ", "strong"), Text(_trace_line(trace)))))
    names = dict(sorted({(f.code, f.name) for f in findings}))
    links: list[Inline] = []
    for code, name in names.items():
        links += [Text(", ")] if links else []
        links.append(Link(f"{code} {name}", rule_docs_url(docs_url, code, name)))
    blocks.append(Paragraph((
        Text("To waive: add the label "), Text(waive_label, "code"),
        Text(" to this ticket, or add a waiver with a reason, owner and expiry to "
             "aligner.yaml. Rule documentation: "), *links, Text("."),
    )))
    return Comment(tuple(blocks))


def rule_docs_url(docs_url: str, code: str, name: str) -> str:
    """One rule's documentation link: `{code}` (lower case: the README's anchors) and `{name}`
    in the configured `writeback.docs_url` are filled in."""
    return docs_url.replace("{code}", code.lower()).replace("{name}", name)


def resolved_comment(as_of: date) -> Comment:
    """The note left in place of the comment when `on_resolve: keep`."""
    return Comment((Paragraph((
        Text(f"{HEADER}: ", "strong"),
        Text(f"resolved on {as_of.isoformat()} — this ticket now traces to an active strategy "
             "and stays within its team's boundaries."),
    )),))


def _trace_line(trace: Trace) -> str:
    path = " → ".join((trace.item.key, *trace.ancestor_names))
    if not trace.reached:
        return f"{path} → (no objective reached)"
    objective = trace.reached[0].status
    return f"{path} → {' → '.join(objective.chain)}"
