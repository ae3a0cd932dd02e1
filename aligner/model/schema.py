"""The operating model (`aligner.yaml`, format version 1) as pydantic models.

Only shapes and per-field rules live here; cross-references (unknown ids, duplicates) are
checked by `aligner.model.references`, and loading with line numbers by `aligner.model.load`.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

# The README's rules reference, one anchor per rule code (the project page renders the README)
DEFAULT_DOCS_URL = "https://pypi.org/project/backlog-aligner/#{code}"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Strategy(Strict):
    id: str = Field(min_length=1)
    name: str = ""
    status: Literal["active", "retired"] = "active"


class Bet(Strict):
    id: str = Field(min_length=1)
    name: str = ""
    strategy: str = Field(min_length=1)
    status: Literal["active", "retired"] = "active"
    links: tuple[str, ...] = ()


class Period(Strict):
    start: date
    end: date

    @model_validator(mode="after")
    def _ordered(self) -> Period:
        if self.end < self.start:
            raise ValueError(f"period ends ({self.end}) before it starts ({self.start})")
        return self

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


class Objective(Strict):
    id: str = Field(min_length=1)
    name: str = ""
    team: str = Field(min_length=1)
    supports: str | None = None
    period: Period | None = None
    status: Literal["active", "done", "dropped"] = "active"
    contributors: tuple[str, ...] = ()
    key_results: tuple[str, ...] = ()
    links: tuple[str, ...] = ()


class Owns(BaseModel):
    """`labels` here; every other key is a tracker's section (`owns.<tracker>`), validated
    against that tracker plugin's schema by the loader, like `trackers.<tracker>`."""

    model_config = ConfigDict(extra="allow", frozen=True)

    labels: tuple[str, ...] = ()

    @property
    def trackers(self) -> dict[str, Any]:
        """The raw tracker sections, by tracker name."""
        return dict(self.model_extra or {})


class Team(Strict):
    id: str = Field(min_length=1)
    name: str = ""
    owns: Owns = Owns()


class RuleSettings(Strict):
    select: tuple[str, ...] = ("AL",)
    ignore: tuple[str, ...] = ()
    severity: dict[str, Literal["error", "warning"]] = {}
    options: dict[str, dict[str, Any]] = {}


class Selector(Strict):
    """Which items a bucket or a waiver matches, on tracker-neutral item data.

    Every key given must match (AND); within a key, any listed value matches (OR); names
    match ignoring case. `projects` are the containers that hold items (Jira projects, Linear
    teams) and `components` the tracker's areas (a `PROJ/Name` scopes one to a project), both
    matched through the tracker plugins' own handles.
    """

    issue_types: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()
    projects: tuple[str, ...] = ()
    components: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _names_something(self) -> Selector:
        if not (self.issue_types or self.labels or self.projects or self.components):
            raise ValueError("a selector names at least one of issue_types, labels, projects, "
                             "components")
        return self

    def describe(self) -> str:
        """`issue_types Bug, labels ktlo`: how reports name what the selector matches."""
        parts = [f"{key} {', '.join(values)}" for key, values in (
            ("issue_types", self.issue_types), ("labels", self.labels),
            ("projects", self.projects), ("components", self.components)) if values]
        return "; ".join(parts)


def _one_or_many(value: Any) -> Any:
    """`match:` takes one selector or a list of them (any of which matches)."""
    return [value] if isinstance(value, dict) else value


Match = Annotated[tuple[Selector, ...], BeforeValidator(_one_or_many)]
Portion = Annotated[float, Field(ge=0.0, le=1.0)]


class Bucket(Strict):
    """Funded non-strategic work (keep-the-lights-on, bugs, compliance) and its intended share."""

    name: str = ""
    share: Portion
    match: Match = Field(min_length=1)


class Allocation(Strict):
    """Intended shares of the open work: per strategy pillar and per bucket (DESIGN §14)."""

    strategy: dict[str, Portion] = {}
    buckets: dict[str, Bucket] = {}

    @model_validator(mode="after")
    def _at_most_everything(self) -> Allocation:
        total = sum(self.strategy.values()) + sum(b.share for b in self.buckets.values())
        if total > 1.0 + 1e-9:
            raise ValueError(f"the intended shares add up to {total:.4g}, more than 1")
        return self

    def intended(self) -> dict[str, float]:
        """Every intended share by pillar or bucket id, pillars first, in file order."""
        return {**self.strategy, **{key: b.share for key, b in self.buckets.items()}}


class Waiver(Strict):
    """Names items (`items`, `*` for all) or matches them (`match`): exactly one of the two."""

    items: tuple[str, ...] = ()
    match: Match = ()
    codes: tuple[str, ...] = ()
    reason: str = Field(min_length=1)
    owner: str = Field(min_length=1)
    expires: date

    @model_validator(mode="after")
    def _items_or_match(self) -> Waiver:
        if bool(self.items) == bool(self.match):
            raise ValueError("a waiver names `items` or gives a `match`, exactly one of them")
        return self

    def scope(self) -> str:
        """What the waiver covers, for reports: `CHK-12, PAY-7` or `items matching …`."""
        if self.items:
            return ", ".join(self.items)
        return "items matching " + " or ".join(s.describe() for s in self.match)


class Writeback(Strict):
    label_prefix: str = Field(default="aligner:", min_length=1)
    comment: bool = True
    on_resolve: Literal["delete", "keep"] = "delete"
    waive_label: str = "aligner:waive"
    max_writes: int = Field(default=500, ge=0)
    # None: every team's items; else only items held by these teams are written back (the
    # others are still checked and reported), for a gradual rollout
    teams: tuple[str, ...] | None = None
    # where a ticket comment links each rule's documentation; `{code}` is the rule code
    # (lower case, e.g. al101) and `{name}` its name
    docs_url: str = Field(default=DEFAULT_DOCS_URL, min_length=1)

    @field_validator("docs_url")
    @classmethod
    def _web_link(cls, url: str) -> str:
        if not url.startswith(("https://", "http://")):  # it becomes a link on every ticket
            raise ValueError(f"expected an http(s) URL such as {DEFAULT_DOCS_URL!r}")
        return url

    def writes_for(self, team: str | None) -> bool:
        """Whether items held by `team` (None: no holder) get write-back."""
        return self.teams is None or (team is not None and team in self.teams)


ENV_NAME = r"^[A-Za-z_][A-Za-z0-9_]*$"


class Serve(Strict):
    """`aligner serve` (live mode). Webhook secrets are named by environment variable only:
    `secrets: {<tracker>: ENV_NAME}`, checked against the configured trackers at start."""

    secrets: dict[str, str] = {}
    reconcile_minutes: float = Field(default=60, gt=0)  # the periodic incremental sync
    debounce_seconds: float = Field(default=2, ge=0)  # per item: a burst of edits is one read
    max_body_bytes: int = Field(default=1_048_576, gt=0)  # larger deliveries get 413
    queue_size: int = Field(default=10_000, gt=0)  # dirty items held; beyond it 503

    @field_validator("secrets")
    @classmethod
    def _env_names(cls, secrets: dict[str, str]) -> dict[str, str]:
        for tracker, name in secrets.items():
            if not re.match(ENV_NAME, name):
                raise ValueError(f"secrets.{tracker}: {name!r} is not an environment variable "
                                 "name (the secret itself never goes in this file)")
        return secrets


class OperatingModel(Strict):
    """The whole model file. `trackers` holds raw sections, validated by each adapter."""

    version: Literal[1]
    strategy: tuple[Strategy, ...] = ()
    bets: tuple[Bet, ...] = ()
    objectives: tuple[Objective, ...] = ()
    teams: tuple[Team, ...] = ()
    trackers: dict[str, Any] = {}
    rules: RuleSettings = RuleSettings()
    waivers: tuple[Waiver, ...] = ()
    writeback: Writeback = Writeback()
    allocation: Allocation | None = None  # optional (DESIGN §14)
    serve: Serve = Serve()

