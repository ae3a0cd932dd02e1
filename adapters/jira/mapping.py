"""Turn one Jira issue (REST v2/v3 or the Agile shape) into a BacklogItem.

Shared by the live Jira adapter and the file adapter, so an export and a live site map alike.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aligner.engine.items import NO_FLAGS, BacklogItem, TicketFlags

from . import ownership
from .fields import FieldIds

STATE_PROPERTY = "aligner"  # the issue property holding aligner's state for the item


def _key_of(value: Any) -> str | None:
    """Epic/parent references come as a key string, or an object with `key`."""
    if isinstance(value, str) and value.strip():
        return value.strip()
    key = value.get("key") if isinstance(value, Mapping) else None
    return key if isinstance(key, str) else None


def _text(value: Any) -> str | None:
    """A string field, or None when a payload put something else there."""
    return value if isinstance(value, str) and value else None


def _number(value: Any) -> float | None:
    """An estimate: a number field, or None (unestimated, or a payload's odd value)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _team_of(value: Any) -> str | None:
    if isinstance(value, Mapping):
        found = value.get("id") or value.get("value") or value.get("name")
        return str(found) if found else None
    if isinstance(value, list) and value:
        return _team_of(value[0])
    return str(value) if isinstance(value, str | int) and value else None


def _flags(raw: Mapping[str, Any], label_prefix: str, waive_label: str,
           labels: tuple[str, ...]) -> TicketFlags:
    managed = frozenset(
        label for label in labels
        if label.startswith(label_prefix) and label.casefold() != waive_label.casefold()
    )
    state = (raw.get("properties") or {}).get(STATE_PROPERTY)
    if not managed and not isinstance(state, Mapping):
        return NO_FLAGS
    state = state if isinstance(state, Mapping) else {}
    comment = state.get("comment")
    digest = state.get("digest")
    extra = state.get("extra")  # duplicates seen by the read (state.py), never stored
    return TicketFlags(
        labels=managed,
        comment_id=str(comment) if comment else None,
        digest=str(digest) if digest else None,
        extra_comments=tuple(map(str, extra)) if isinstance(extra, list) else (),
    )


def issue_to_item(
    raw: Mapping[str, Any],
    *,
    source: str,
    field_ids: FieldIds,
    base_url: str | None = None,
    objective_field: str | None = None,
    label_prefix: str = "aligner:",
    waive_label: str = "aligner:waive",
) -> BacklogItem:
    """Map a raw issue; raises KeyError/TypeError on a payload with no key (caller skips it)."""
    key = str(raw["key"])
    fields: Mapping[str, Any] = raw.get("fields") or {}
    parents = []
    for ref in (
        fields.get("parent"),
        fields.get("epic"),
        fields.get(field_ids.epic_link) if field_ids.epic_link else None,
        fields.get(field_ids.parent_link) if field_ids.parent_link else None,
    ):
        parent = _key_of(ref)
        if parent and parent != key and parent not in parents:
            parents.append(parent)
    status = fields.get("status") or {}
    category = (status.get("statusCategory") or {}).get("key")
    labels = tuple(str(label) for label in fields.get("labels") or () if label)
    objective = fields.get(objective_field) if objective_field else None
    if isinstance(objective, Mapping):
        objective = objective.get("value") or objective.get("name")
    project = str((fields.get("project") or {}).get("key") or key.rsplit("-", 1)[0])
    team = _team_of(fields.get(field_ids.team)) if field_ids.team else None
    issuetype = fields.get("issuetype")
    components = [str(c["name"]) for c in fields.get("components") or ()
                  if isinstance(c, Mapping) and c.get("name")]
    return BacklogItem(
        key=key,
        source=source,
        tracker="jira",
        title=str(fields.get("summary") or ""),
        open=category != "done",
        url=f"{base_url.rstrip('/')}/browse/{key}" if base_url else None,
        id=str(raw["id"]) if raw.get("id") is not None else None,
        parents=tuple(parents),
        labels=labels,
        holders=ownership.holders(project, team),
        areas=ownership.areas(project, components),
        objective_ref=str(objective) if objective else None,
        updated=_text(fields.get("updated")),
        flags=_flags(raw, label_prefix, waive_label, labels),
        type=_text(issuetype.get("name")) if isinstance(issuetype, Mapping) else None,
        estimate=_number(fields.get(field_ids.story_points)) if field_ids.story_points else None,
    )


def site_of(raw: Mapping[str, Any]) -> str | None:
    """The site's base URL from an issue's `self` link (`https://x/rest/api/3/issue/1`)."""
    link = raw.get("self")
    if isinstance(link, str) and "/rest/" in link:
        return link.split("/rest/", 1)[0]
    return None
