"""The sync harness on the stateful fake Jira (Cloud or Data Center)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import responses

from tests.fakes.jira import FakeJira
from tests.fakes.jira_site import EPIC_LINK
from tests.sync.harness import Harness


@dataclass
class JiraHarness(Harness):
    mode: str = "cloud"
    fake: FakeJira = field(init=False)
    name = "jira"

    def __post_init__(self) -> None:
        self.fake = FakeJira(self.mode)
        self.fake.add_issue("CHK-100", "Checkout v2", issuetype="Epic")
        self.fake.add_issue("CHK-1", "Apple Pay on the cart page", epic="CHK-100")
        for n in (2, 3, 4):
            self.fake.add_issue(f"CHK-{n}", f"Untraced work {n}")

    def break_writes(self, symbolic: str) -> None:
        """Every write to this item fails with a 500, however often it is retried."""
        self.fake.fail("PUT|POST", rf"/issue/{self.key(symbolic)}(/comment)?$", 500, times=99)

    def interrupt_state_write(self, symbolic: str) -> None:
        """Kill the run (Ctrl-C) when it is about to record state on this item — after its
        comment was created: the worst moment for a duplicate."""
        original = self.fake._take_fault
        target = f"/issue/{self.key(symbolic)}"

        def take_fault(method: str, path: str) -> Any:
            if method == "PUT" and path.endswith(target):
                self.fake._take_fault = original  # type: ignore[method-assign]
                raise KeyboardInterrupt
            return original(method, path)

        self.fake._take_fault = take_fault  # type: ignore[method-assign]

    def key(self, symbolic: str) -> str:
        return "CHK-" + symbolic.split("-")[1]

    def tracker_settings(self) -> dict[str, Any]:
        return self.fake.settings(jql="project = CHK")

    def env(self) -> dict[str, str]:
        return self.fake.env()

    def install(self, rsps: responses.RequestsMock) -> None:
        self.fake.install(rsps)

    def labels(self, symbolic: str) -> list[str]:
        return [lb for lb in self.fake.labels(self.key(symbolic)) if lb.startswith("aligner:")]

    def aligner_comments(self, symbolic: str) -> list[str]:
        return [str(c["body"]) for c in self.fake.comments(self.key(symbolic))
                if "aligner" in (c.get("properties") or {}) or "aligner" in str(c["body"])]

    def write_requests(self) -> int:
        return len(self.fake.writes)

    def reset_requests(self) -> None:
        self.fake.reset_requests()

    def link_to_objective(self, symbolic: str) -> None:
        if self.fake.cloud:
            self.fake.update_fields(self.key(symbolic), parent={"key": "CHK-100"})
        else:
            self.fake.update_fields(self.key(symbolic), **{EPIC_LINK[self.mode]: "CHK-100"})

    def owner_links(self) -> list[str]:
        return ["jira:CHK-100"]

    def owns(self) -> dict[str, Any]:
        return {"jira": {"projects": ["CHK"]}}
