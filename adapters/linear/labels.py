"""Managed labels: found by name (ignoring case), created when missing, as workspace labels.

Why workspace labels: one `aligner:untraced` serves every team, so a flag reads the same
everywhere, a workspace-wide view or filter on it finds every flagged issue, and the label
count stays one per finding instead of one per finding and team. A team that already made a
team label of that name keeps using it; if Linear refuses a workspace label (a clash with team
labels, or a workspace that restricts label management), a team label is made instead.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from .documents import LABELS_PAGE
from .operations import LABEL_CREATE, Op, Sender
from .reader import Label, LinearReader

log = logging.getLogger(__name__)

Need = tuple[str, str | None]  # (label name, team id of the issue that needs it)


@dataclass
class LabelBook:
    """The labels the run read, plus those it created (kept here: the reader's copy of the
    workspace is what was read, and stays so)."""

    reader: LinearReader
    sender: Sender
    created: dict[str, Label] = field(default_factory=dict)

    def labels(self) -> dict[str, Label]:
        """Every label known to this run, by id."""
        read = self.reader.workspace().labels
        return {**read, **self.created} if self.created else read

    def find(self, name: str, team_id: str | None) -> str | None:
        """A label usable on an issue of `team_id`: the workspace label, else the team's own."""
        labels = self.labels().values()
        named = [label for label in labels if label.name.casefold() == name.casefold()]
        for label in named:
            if label.team_id is None:
                return label.id
        for label in named:
            if team_id is not None and label.team_id == team_id:
                return label.id
        return None

    def ids_named(self, name: str, on_issue: Iterable[str] | None,
                  team_id: str | None) -> list[str]:
        """Ids to remove for `name`: those on the issue, or every candidate if unknown."""
        labels = self.labels()
        folded = name.casefold()
        if on_issue is not None:
            return [i for i in on_issue if i in labels and labels[i].name.casefold() == folded]
        return [label.id for label in labels.values()
                if label.name.casefold() == folded and label.team_id in (None, team_id)]

    def ensure(self, needs: set[Need]) -> dict[Need, str]:
        """Resolve every need, creating missing labels; unresolvable needs are left out."""
        missing = sorted({name for name, team in needs if self.find(name, team) is None})
        if missing:
            self._create([(name, None) for name in missing])
            self._reread(sorted({n for n, team in needs if self.find(n, team) is None}))
            fallback = sorted((name, team) for name, team in needs
                              if team is not None and self.find(name, team) is None)
            if fallback:
                self._create(fallback)
        return {need: found for need in needs if (found := self.find(*need)) is not None}

    def _create(self, specs: Sequence[Need]) -> None:
        ops = []
        for index, (name, team_id) in enumerate(specs):
            label_id = str(uuid.uuid4())  # our own id: a creation in doubt can be checked
            spec = {"id": label_id, "name": name}
            if team_id is not None:
                spec["teamId"] = team_id
            ops.append(Op(LABEL_CREATE, f"n{index}", {"input": spec}, target=label_id))
        delivery = self.sender.run(ops, name="AlignerLabels")
        if delivery.error:
            log.warning("Linear: could not create labels %s: %s", [s[0] for s in specs],
                        delivery.error)
        for op, (name, team_id) in zip(ops, specs, strict=True):
            outcome = delivery.settled.get(op.alias)
            if outcome is not None and outcome.error:
                log.warning("Linear: label %r not created: %s", name, outcome.error)
            elif outcome is not None and op.target:
                self.created[op.target] = Label(op.target, name, team_id)

    def _reread(self, names: Sequence[str]) -> None:
        """Read labels by name again after their creation was refused: another run (with its
        own local state, at the same time) may have just created them (#13)."""
        if not names:
            return
        wanted = {"or": [{"name": {"eqIgnoreCase": name}} for name in names]}
        for page in self.reader.pages(LABELS_PAGE, {"filter": wanted}, "issueLabels"):
            for node in page:
                team = node.get("team")
                team_id = str(team["id"]) if isinstance(team, dict) and team.get("id") else None
                label = Label(str(node["id"]), str(node.get("name") or ""), team_id)
                self.created[label.id] = label
