"""End to end: hostile labels, project names and model ids reach the comments aligner posts
on fake Jira Cloud (ADF), Jira Data Center (wiki) and Linear (Markdown) — and stay text."""

from __future__ import annotations

import re
from typing import Any

from aligner.model.schema import DEFAULT_DOCS_URL
from aligner.sync.run import run_sync
from aligner_adapters.linear.state import digest_of, state_marker
from tests.sync.harness import Harness

from .hostile import HOSTILE_SAMPLES, adf_injections, markdown_markup, unescaped_mentions
from .hostile import wiki_injections as wiki_text_injections
from .trackers import AS_OF, add_item, comment_bodies, tracker, write_model

__all__ = ["tracker"]
WAIVE = "aligner:waive `x` [y](http://evil.com) @here"
WAIVE_JIRA = WAIVE.replace(" ", "")  # Jira labels hold no spaces: validate refuses them


# The footer's links to the rules' documentation are aligner's own (writeback.docs_url), the
# only links a comment may carry; everything else is ticket or model text and must stay text.
DOC_LINKS = {DEFAULT_DOCS_URL.format(code=code.lower()) for code in ("AL102", "AL203")}
DOC_LINK = re.compile(r"\[AL\d{3} [a-z\\-]+(?:\|[^\]]+\]|\]\([^)]+\))")


def without_doc_links(body: str) -> str:
    """The body less the footer's documentation links, checked apart (they are aligner's)."""
    links = DOC_LINK.findall(body)
    assert links and all("backlog-aligner/#al" in link for link in links), body
    return DOC_LINK.sub("", body)

def wiki_injections(body: str) -> list[str]:
    """Strip aligner's own structure (bullets, *strong*, {{code}}, the state anchor); what
    remains is escaped ticket text and must be inert."""
    problems = []
    for line in body.splitlines():
        line = re.sub(r"^\{anchor:aligner-state-[0-9a-f]*\}$", "", line)
        line = re.sub(r"^\* ", "", line)
        line = line.replace("{{", "").replace("}}", "")
        line = re.sub(r"(?<!\\)\*", "", line)  # unescaped * are strong markers
        problems += wiki_text_injections(line)
    return problems


def test_hostile_text_in_posted_comments_stays_text(tracker: Harness) -> None:
    keys = []
    for n, text in enumerate(HOSTILE_SAMPLES):
        # okr:<text> → AL102 quoting it; an owned label → AL203 naming label and team
        keys.append(add_item(tracker, text, labels=[f"okr:{text}", f"area{n}:{text}"],
                             project=f"{text} {n}"))

    def hostile_model(model: dict[str, Any]) -> None:
        model["teams"] += [{"id": f"team {n} {text}", "owns": {"labels": [f"area{n}:{text}"]}}
                           for n, text in enumerate(HOSTILE_SAMPLES)]
        jira = tracker.flavour.startswith("jira")  # type: ignore[attr-defined]
        model["writeback"] = {"waive_label": WAIVE_JIRA if jira else WAIVE}

    config = write_model(tracker, hostile_model)
    with tracker.running():
        outcome = run_sync(config, as_of=AS_OF, env=tracker.env(),
                           state_path=tracker.tmp / "state.db",
                           options={"sleep": tracker.sleeps.append})
        assert outcome.complete, outcome.failed
        for key in keys:
            (body,) = comment_bodies(tracker, key)
            flavour = tracker.flavour  # type: ignore[attr-defined]
            if flavour == "jira-cloud":
                assert adf_injections(body, DOC_LINKS) == [], body
                assert "AL102" in str(body) and "AL203" in str(body)
            elif flavour == "jira-dc":
                assert wiki_injections(without_doc_links(body)) == [], body
            else:
                # the state rides in one hidden link at the end (#18): no visible marker
                marker = state_marker(digest_of(body))
                assert body.endswith("\n\n" + marker) and marker.startswith("[\u200b](")
                text = body[:-len(marker)]
                assert markdown_markup(without_doc_links(text)) == [], body
                assert unescaped_mentions(body) == [], body
                assert not re.search(r"(?<!\\)`aligner-state:", body)  # no visible marker
                assert body.count("](https://aligner.invalid/#aligner-state:") == 1
                assert re.fullmatch(r"[0-9a-f]{16}", digest_of(body) or ""), body
