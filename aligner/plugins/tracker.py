"""What a tracker contributes to the operating model, through the `aligner.adapters` entry point.

The core knows no tracker. Each tracker package registers one `Tracker` object that brings:

- its **link schemes**: the link strings the model may use to name its objects (for example
  `jira:KEY-1`, or `linear:project:<id or name>`), checked when the model loads;
- its **ownership schema**: the `teams[].owns.<tracker>` section, and the *claims* a team makes
  through it (which holder handles and area handles that team owns);
- its **adapter class**, imported only when a run configures the tracker (client libraries are
  slow to import, and loading the model must not pay for them).

Items carry the matching handles (`BacklogItem.holders`, `BacklogItem.areas`), built by the same
tracker package, so the core matches claims to items without knowing what a handle means.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, Protocol, runtime_checkable

from pydantic import BaseModel

if TYPE_CHECKING:
    from aligner.plugins.adapter import Adapter, AdapterContext, TrackerSettings

HOLDER: Literal["holder"] = "holder"
AREA: Literal["area"] = "area"


@dataclass(frozen=True, slots=True)
class LinkScheme:
    """One kind of link string: `<tracker>:<value>`, or `<tracker>:<noun>:<value>`.

    `value` is a regular expression for the part after the prefix; `target` says whether an
    item can be put under the object (an epic or project can; an initiative cannot), which
    decides what a concrete fix may point at.
    """

    tracker: str
    value: str
    example: str  # shown in errors: `jira:KEY-1`, `linear:project:<id or name>`
    noun: str | None = None  # `project`, `initiative`; None for a plain `<tracker>:KEY-1`
    target: bool = True

    @property
    def prefix(self) -> str:
        return f"{self.tracker}:{self.noun}:" if self.noun else f"{self.tracker}:"

    def matches(self, link: str) -> bool:
        return link.startswith(self.prefix) and bool(
            re.fullmatch(self.value, link[len(self.prefix):]))

    def describe(self, link: str) -> str:
        """How a person names the object when the run has not read it: `project 'X'`."""
        value = link[len(self.prefix):]
        return f"{self.noun} '{value}'" if self.noun else value


@dataclass(frozen=True, slots=True)
class Claim:
    """A handle a team owns: `role` holder (decides whose backlog an item is in) or area.

    `key` is opaque to the core and compared ignoring case; the tracker package builds the
    same key on its items (`BacklogItem.holders` / `.areas`).
    """

    key: str
    role: Literal["holder", "area"]


@runtime_checkable
class Tracker(Protocol):
    """A tracker plugin, as registered under the `aligner.adapters` entry-point group."""

    name: str  # the key under `trackers:` and `owns:`
    link_schemes: tuple[LinkScheme, ...]
    owns: type[BaseModel] | None  # the `owns.<name>` schema; None when it has none

    def claims(self, owns: BaseModel) -> Iterable[Claim]:
        """What a team claims through its validated `owns.<name>` section."""
        ...

    def settings(self) -> type[TrackerSettings]:
        """The `trackers.<name>` schema (may import the adapter package)."""
        ...

    def adapter(self, settings: TrackerSettings, context: AdapterContext) -> Adapter:
        """Build the adapter for one run; client libraries are imported here."""
        ...


def match_scheme(link: str, schemes: Iterable[LinkScheme]) -> LinkScheme | None:
    """The scheme a link string belongs to, or None when no installed tracker knows it."""
    return next((s for s in schemes if s.matches(link)), None)


@runtime_checkable
class CaseItems(Protocol):
    """Optional: tracker shorthand in rule cases (`aligner.testing`), so a case can say
    `{key: OPS-2, components: [Payments]}` instead of spelling out holder and area handles."""

    def case_item(self, fields: Mapping[str, Any]) -> dict[str, Any]:
        """BacklogItem fields from a case's item, shorthand replaced by handles."""
        ...


@dataclass(frozen=True, slots=True)
class WebhookEvent:
    """A verified delivery, reduced to what it hints at: never trusted as data.

    `keys` are item keys (`CHK-12`, `project:<id>`) to re-read from the tracker; `kind` names
    the event for logs and metrics (`issue_updated`, `Project.update`); `actor` is who caused
    it when the tracker says so. An event about nothing aligner reads has no keys.
    """

    keys: tuple[str, ...]
    kind: str = ""
    actor: str | None = None


def json_object(body: bytes) -> dict[str, Any] | None:
    """A delivery's body as a JSON object, or None for anything else (garbled, absurdly
    nested, a list): verifiers then refuse it."""
    try:
        payload = json.loads(body)
    except (ValueError, RecursionError):
        return None
    return payload if isinstance(payload, dict) else None


@runtime_checkable
class WebhookVerifier(Protocol):
    """Optional for trackers: verify a webhook delivery signed with a shared secret.

    `headers` have lower-case names; `body` is the raw request body, exactly as received;
    `now` is the current time in seconds since the epoch (for replay windows). Returns None
    for an unsigned, forged, replayed or unreadable delivery: the caller answers 401 and
    changes nothing. Signatures must be compared in constant time (`hmac.compare_digest`).
    """

    def verify(self, headers: Mapping[str, str], body: bytes, secret: str,
               now: float) -> WebhookEvent | None:
        ...


@runtime_checkable
class SelectorKeys(Protocol):
    """Optional: the handle keys a selector's `projects` or `components` value names on this
    tracker's items (`BacklogItem.holders` / `.areas`), built like the tracker's own handles, so
    the core matches allocation buckets and waivers without knowing what a project is."""

    def selector_keys(self, kind: Literal["projects", "components"],
                      value: str) -> tuple[str, ...]:
        """The keys `value` names; () when this tracker has no such thing."""
        ...


@runtime_checkable
class ContainerNoun(Protocol):
    """Optional: the tracker's word for what an item is put under (`epic`, `project`), so
    fixes and messages on its tickets use the words its users know ("no epic" on Jira, "no
    project" on Linear). Without it the core says "parent"."""

    container: str


@runtime_checkable
class WritebackCheck(Protocol):
    """Optional: the tracker's rules for what aligner writes back, checked at load time so
    `aligner validate` refuses settings the tracker would refuse on every run (a label with
    a space, a label too long). `labels` are every managed label the configured prefix makes
    (one per installed rule name). Returns (setting under `writeback`, message) pairs; none
    when the settings suit the tracker."""

    def check_writeback(self, label_prefix: str, waive_label: str,
                        labels: Iterable[str]) -> list[tuple[str, str]]:
        ...


@runtime_checkable
class NamesContainer(Protocol):
    """Optional: the tracker's word for what an item is put under (`epic`, `project`), used
    in messages and fixes; trackers without it read "parent"."""

    container: str
