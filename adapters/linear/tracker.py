"""The `linear` tracker plugin: link strings, `owns.linear`, and the adapter, loaded lazily."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from aligner.plugins.tracker import Claim, LinkScheme, WebhookEvent

from . import ownership, webhooks
from .starter import SECTION_EXAMPLE, STARTER

if TYPE_CHECKING:
    from aligner.plugins.adapter import Adapter, AdapterContext, TrackerSettings

ISSUE_IDENTIFIER = r"[A-Za-z][A-Za-z0-9_]*-\d+"


class LinearTracker:
    """Linear, through its GraphQL API."""

    name = "linear"
    link_schemes = (
        LinkScheme("linear", r".+", "linear:project:<id or name>", noun="project"),
        LinkScheme("linear", r".+", "linear:initiative:<id or name>", noun="initiative",
                   target=False),
        LinkScheme("linear", ISSUE_IDENTIFIER, "linear:TEAM-1"),
    )
    owns: type[BaseModel] | None = ownership.LinearOwnership
    container = "project"  # what an item is put under, in fixes (NamesContainer)
    starter = STARTER  # `aligner init --from linear` (the optional Starter capability)
    section_example = SECTION_EXAMPLE  # commented in the offline `aligner init`

    def claims(self, owns: BaseModel) -> Iterable[Claim]:
        assert isinstance(owns, ownership.LinearOwnership)
        return ownership.claims(owns)

    def settings(self) -> type[TrackerSettings]:
        from .settings import LinearSettings

        return LinearSettings

    def adapter(self, settings: TrackerSettings, context: AdapterContext) -> Adapter:
        from .adapter import LinearAdapter
        from .settings import LinearSettings

        assert isinstance(settings, LinearSettings)
        return LinearAdapter(settings, context)

    def verify(self, headers: Mapping[str, str], body: bytes, secret: str,
               now: float) -> WebhookEvent | None:
        """A signed webhook delivery (the optional WebhookVerifier capability)."""
        return webhooks.verify(headers, body, secret, now)

    def selector_keys(self, kind: str, value: str) -> tuple[str, ...]:
        """Allocation buckets and waivers: `projects`/`components` as this tracker's handles."""
        return ownership.selector_keys(kind, value)

    def case_item(self, fields: Mapping[str, Any]) -> dict[str, Any]:
        """`linear_team` shorthand (the issue's team key)."""
        data = dict(fields)
        data.setdefault("holders", ownership.holders(data.pop("linear_team", None)))
        return data


tracker = LinearTracker()
