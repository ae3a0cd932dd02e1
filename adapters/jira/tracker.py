"""The `jira` tracker plugin: link strings, `owns.jira`, and the adapter, loaded lazily."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from aligner.plugins.tracker import Claim, LinkScheme, WebhookEvent

from . import ownership, webhooks
from .starter import SECTION_EXAMPLE, STARTER

if TYPE_CHECKING:
    from aligner.plugins.adapter import Adapter, AdapterContext, TrackerSettings

ISSUE_KEY = r"[A-Za-z][A-Za-z0-9_]*-\d+"
LABEL_MAX = 255  # Jira refuses a longer label, and any label with whitespace in it


class JiraTracker:
    """Jira Cloud and Data Center."""

    name = "jira"
    link_schemes = (LinkScheme("jira", ISSUE_KEY, "jira:KEY-1"),)
    owns: type[BaseModel] | None = ownership.JiraOwnership
    container = "epic"  # what an item is put under, in fixes (NamesContainer)
    starter = STARTER  # `aligner init --from jira` (the optional Starter capability)
    section_example = SECTION_EXAMPLE  # commented in the offline `aligner init`

    def claims(self, owns: BaseModel) -> Iterable[Claim]:
        assert isinstance(owns, ownership.JiraOwnership)
        return ownership.claims(owns)

    def settings(self) -> type[TrackerSettings]:
        from .settings import JiraSettings

        return JiraSettings

    def adapter(self, settings: TrackerSettings, context: AdapterContext) -> Adapter:
        from .adapter import JiraAdapter
        from .settings import JiraSettings

        assert isinstance(settings, JiraSettings)
        return JiraAdapter(settings, context)

    def verify(self, headers: Mapping[str, str], body: bytes, secret: str,
               now: float) -> WebhookEvent | None:
        """A signed webhook delivery (the optional WebhookVerifier capability)."""
        return webhooks.verify(headers, body, secret, now)

    def check_writeback(self, label_prefix: str, waive_label: str,
                        labels: Iterable[str]) -> list[tuple[str, str]]:
        """Labels Jira would refuse on every edit (the optional WritebackCheck capability)."""
        found: list[tuple[str, str]] = []
        for setting, value in (("label_prefix", label_prefix), ("waive_label", waive_label)):
            if any(ch.isspace() for ch in value):
                found.append((setting, f"{value!r}: Jira labels cannot contain spaces"))
        longest = max([waive_label, *labels], key=len)
        if len(longest) > LABEL_MAX:
            setting = "waive_label" if longest == waive_label else "label_prefix"
            found.append((setting, f"makes the label {longest[:40]!r}… of {len(longest)} "
                                   f"characters: Jira labels hold at most {LABEL_MAX}"))
        return found

    def selector_keys(self, kind: str, value: str) -> tuple[str, ...]:
        """Allocation buckets and waivers: `projects`/`components` as this tracker's handles."""
        return ownership.selector_keys(kind, value)

    def case_item(self, fields: Mapping[str, Any]) -> dict[str, Any]:
        """`project` (default: the key's prefix), `team_id` and `components` shorthand."""
        data = dict(fields)
        project = str(data.pop("project", str(data["key"]).rsplit("-", 1)[0]))
        components = [str(c) for c in data.pop("components", ())]
        data.setdefault("holders", ownership.holders(project, data.pop("team_id", None)))
        data.setdefault("areas", ownership.areas(project, components))
        return data


tracker = JiraTracker()
