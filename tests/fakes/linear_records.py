"""Building the fake Linear workspace: teams, labels, initiatives, projects, issues, comments."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .linear_graph import Record, Store

Ref = Record | str  # a record, or its id/name/key


class Builders:
    """Mixed into FakeLinear; every `add_*` returns the stored record (a plain dict)."""

    store: Store

    def add_user(self, name: str) -> Record:
        user = {"id": self.store.new_id("user"), "name": name, "displayName": name,
                "email": f"{name.split()[0].lower()}@example.test", "active": True}
        self.store.users[user["id"]] = user
        return user

    def add_team(self, key: str, name: str | None = None) -> Record:
        team = {"id": self.store.new_id("team"), "key": key, "name": name or key, "next": 1}
        self.store.teams[team["id"]] = team
        return team

    def team(self, ref: Ref) -> Record:
        return self._pick(self.store.teams, ref, "key")

    def add_label(self, name: str, team: Ref | None = None) -> Record:
        team_id = self.team(team)["id"] if team is not None else None
        label = {"id": self.store.new_id("label"), "name": name, "teamId": team_id,
                 "isGroup": False}
        self.store.labels[label["id"]] = label
        return label

    def add_initiative(self, name: str, parent: Ref | None = None,
                       status: str = "Active") -> Record:
        initiative = {"id": self.store.new_id("initiative"), "name": name, "status": status,
                      "url": f"https://linear.app/fake/initiative/{len(self.store.initiatives)}",
                      "parentId": self.initiative(parent)["id"] if parent else None}
        self.store.initiatives[initiative["id"]] = initiative
        return initiative

    def initiative(self, ref: Ref) -> Record:
        return self._pick(self.store.initiatives, ref, "name")

    def add_project(self, name: str, teams: Iterable[Ref] = (),
                    initiatives: Iterable[Ref] = ()) -> Record:
        project = {"id": self.store.new_id("project"), "name": name,
                   "url": f"https://linear.app/fake/project/{len(self.store.projects)}",
                   "teamIds": [self.team(t)["id"] for t in teams],
                   "initiativeIds": [self.initiative(i)["id"] for i in initiatives]}
        self.store.projects[project["id"]] = project
        return project

    def project(self, ref: Ref) -> Record:
        return self._pick(self.store.projects, ref, "name")

    def add_issue(self, team: Ref, title: str = "An issue", *, state: str = "started",
                  project: Ref | None = None, parent: Ref | None = None,
                  labels: Iterable[str] = ()) -> Record:
        """An issue `<KEY>-<n>`; unknown label names become workspace labels."""
        owner = self.team(team)
        number = owner["next"]
        owner["next"] += 1
        stamp = self.store.tick()
        issue = {"id": self.store.new_id("issue"), "identifier": f"{owner['key']}-{number}",
                 "number": number, "title": title, "stateType": state,
                 "url": f"https://linear.app/fake/issue/{owner['key']}-{number}",
                 "teamId": owner["id"], "projectId": self.project(project)["id"] if project
                 else None, "parentId": self.issue(parent)["id"] if parent else None,
                 "labelIds": [self._label_for(n, owner["id"])["id"] for n in labels],
                 "createdAt": stamp, "updatedAt": stamp}
        self.store.issues[issue["id"]] = issue
        return issue

    def issue(self, ref: Ref) -> Record:
        return self._pick(self.store.issues, ref, "identifier")

    def add_comment(self, issue: Ref, body: str, *, by: Record | None = None) -> Record:
        """A comment by a human (default) or by `by`."""
        stamp = self.store.tick()
        user = by or self.store.users[next(u for u in self.store.users
                                           if u != self.store.viewer_id)]
        comment = {"id": self.store.new_id("comment"), "issueId": self.issue(issue)["id"],
                   "userId": user["id"], "body": body, "createdAt": stamp, "updatedAt": stamp}
        self.store.comments[comment["id"]] = comment
        return comment

    def update_issue(self, ref: Ref, **changes: Any) -> Record:
        """Change an issue as a person would (project=, parent=, state=, title=)."""
        issue = self.issue(ref)
        if "project" in changes:
            project = changes.pop("project")
            issue["projectId"] = self.project(project)["id"] if project else None
        if "parent" in changes:
            parent = changes.pop("parent")
            issue["parentId"] = self.issue(parent)["id"] if parent else None
        if "state" in changes:
            issue["stateType"] = changes.pop("state")
        issue.update(changes)
        self.store.touch(issue)
        return issue

    def label_names(self, ref: Ref) -> set[str]:
        return {self.store.labels[i]["name"] for i in self.issue(ref)["labelIds"]}

    def comments_on(self, ref: Ref) -> list[Record]:
        issue_id = self.issue(ref)["id"]
        return [c for c in self.store.comments.values() if c["issueId"] == issue_id]

    def _label_for(self, name: str, team_id: str) -> Record:
        for label in self.store.labels.values():
            if label["name"] == name and label["teamId"] in (None, team_id):
                return label
        return self.add_label(name)

    @staticmethod
    def _pick(table: dict[str, Record], ref: Ref, by: str) -> Record:
        if isinstance(ref, dict):
            return table[ref["id"]]
        if ref in table:
            return table[ref]
        found = [r for r in table.values() if r.get(by) == ref]
        if len(found) != 1:
            raise KeyError(f"fake Linear: no single record with {by}={ref!r}")
        return found[0]
