"""Helpers for the Jira tests: a seeded backlog, adapters on the fake, plans as the core makes."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import yaml

from aligner.comment.document import BulletList, Comment, Link, Paragraph, Text
from aligner.engine.items import BacklogItem
from aligner.plugins.adapter import AdapterContext
from aligner.sync.plan import ItemPlan, plan_item
from aligner_adapters.jira import JiraAdapter, JiraSettings
from tests.fakes.jira import FakeJira

EPICS = ("PLAT-1", "PLAT-2", "PLAT-3")  # another project: outside the JQL
DANGLING = "GONE-404"  # an epic that does not exist anywhere
JQL = "project in (CHK, PAY) ORDER BY key ASC"


def seed_backlog(fake: FakeJira, size: int = 250) -> None:
    """CHK and PAY issues; a third under PLAT epics, one in 25 under a dangling epic."""
    for number, epic in enumerate(EPICS, start=1):
        fake.add_issue(epic, f"Platform epic {number}", issuetype="Epic",
                       category="done" if number == 3 else "indeterminate")
    for index in range(1, size + 1):
        project = "CHK" if index <= size * 3 // 5 else "PAY"
        number = index if project == "CHK" else index - size * 3 // 5
        epic = EPICS[(index // 3) % 3] if index % 3 == 0 else None
        if index % 25 == 0:
            epic = DANGLING
        fake.add_issue(f"{project}-{number}", f"{project} work item {number}", epic=epic,
                       labels=["area:checkout"] if index % 10 == 0 else [],
                       category="done" if index % 50 == 0 else "new")


def adapter(fake: FakeJira, waits: list[float] | None = None, *,
            options: dict[str, Any] | None = None, jql: str = JQL, **settings: Any
            ) -> JiraAdapter:
    """A fresh adapter (one run) against the fake; sleeps are recorded, never slept."""
    recorded = waits if waits is not None else []
    context = AdapterContext(base_dir=Path("."), env=fake.env(),
                             options={"sleep": recorded.append, "jitter": lambda: 0.0,
                                      **(options or {})})
    return JiraAdapter(JiraSettings.model_validate(fake.settings(jql, **settings)), context)


def wanted_labels(item: BacklogItem, known: Iterable[str]) -> frozenset[str]:
    """A stand-in for the rules: untraced without a parent, broken-link on a dangling one."""
    if not item.evaluated:
        return frozenset()
    known = set(known)
    if not item.parents:
        return frozenset({"aligner:untraced"})
    if any(parent not in known for parent in item.parents):
        return frozenset({"aligner:broken-link"})
    return frozenset()


def comment_for(item: BacklogItem, labels: frozenset[str]) -> Comment:
    return Comment((
        Paragraph((Text("aligner found a problem with "), Text(item.title, "strong"))),
        BulletList(tuple((Text(label, "code"),) for label in sorted(labels))),
        Paragraph((Text("How to fix: "), Link("rule docs", "https://aligner.example/rules"))),
    ))


def plans_for(items: Iterable[BacklogItem], known: Iterable[str] = (),
              labels_of: Callable[[BacklogItem, set[str]], frozenset[str]] | None = None,
              **options: Any) -> list[ItemPlan]:
    """What the core would plan: desired labels and a digest per item, diffed by plan_item."""
    items = list(items)
    keys = {i.key for i in items} | set(known)
    decide = labels_of or wanted_labels
    plans = []
    for item in items:
        labels = decide(item, keys)
        digest = ",".join(sorted(labels)) or None
        body = comment_for(item, labels) if labels else None
        plan = plan_item(item, labels, digest, body, **options)
        if plan is not None:
            plans.append(plan)
    return plans


def full_run(fake: FakeJira, waits: list[float] | None = None, **kwargs: Any
             ) -> tuple[JiraAdapter, list[BacklogItem], list[ItemPlan]]:
    """Fetch, fetch the missing ancestors, plan, apply: one sync run of a stand-in core."""
    run = adapter(fake, waits, **kwargs)
    items = list(run.fetch())
    missing = {p for i in items for p in i.parents} - {i.key for i in items}
    ancestors = list(run.fetch_missing(sorted(missing)))
    plans = plans_for(items, [a.key for a in ancestors])
    results = list(run.apply(plans))
    assert [r.error for r in results if r.error] == []
    return run, items, plans


def write_model(directory: Path, fake: FakeJira) -> Path:
    """An `aligner.yaml` on the fake: the PLAT epics support an objective, CHK and PAY issues
    under none of them are untraced."""
    model = {
        "version": 1,
        "strategy": [{"id": "trusted-platform", "name": "Be the platform merchants trust"}],
        "objectives": [{"id": "PLAT-Q4-1", "name": "Platform reliability", "team": "checkout",
                        "supports": "trusted-platform",
                        "links": [f"jira:{epic}" for epic in EPICS]}],
        "teams": [{"id": "checkout", "name": "Checkout",
                   "owns": {"jira": {"projects": ["CHK", "PAY", "PLAT"]}}}],
        "trackers": {"jira": fake.settings(JQL)},
        "writeback": {"label_prefix": "aligner:", "comment": True, "max_writes": 1000},
    }
    path = directory / "aligner.yaml"
    path.write_text(yaml.safe_dump(model, sort_keys=False), encoding="utf-8")
    return path
