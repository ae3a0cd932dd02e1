"""The mutations the fake Linear implements, against the store, as Linear applies them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .linear_graph import FakeLinearError, Record, Store, store_of


def attach_mutations(schema: Any) -> None:
    """Each mutation runs against the store of the fake executing it, which records it."""
    fields = schema.mutation_type.fields
    handlers: dict[str, Callable[..., Record]] = {
        "issueUpdate": _issue_update,
        "issueAddLabel": lambda store, id, labelId: _labels(store, id, [labelId], []),
        "issueRemoveLabel": lambda store, id, labelId: _labels(store, id, [], [labelId]),
        "issueLabelCreate": _label_create,
        "commentCreate": _comment_create,
        "commentUpdate": _comment_update,
        "commentDelete": _comment_delete,
    }
    for name, handler in handlers.items():
        fields[name].resolve = _recorded(name, handler)


def _recorded(name: str, handler: Callable[..., Record]) -> Callable[..., Record]:
    def resolve(_src: Any, info: Any, **args: Any) -> Record:
        result = handler(store_of(info), **args)
        info.context.record_write(name, args)
        return result

    return resolve


def _allowed(what: str, given: dict[str, Any], allowed: set[str]) -> None:
    extra = set(given) - allowed
    if extra:
        raise FakeLinearError(f"fake Linear: {what} input {sorted(extra)} is not implemented")


def _issue_update(store: Store, id: str, input: dict[str, Any]) -> Record:
    _allowed("issueUpdate", input, {"addedLabelIds", "removedLabelIds", "labelIds",
                                    "projectId", "parentId", "title"})
    issue = store.get("issues", id, "Issue")
    if "labelIds" in input:  # replaces the whole set: the adapter must never send it
        issue["labelIds"] = list(dict.fromkeys(input["labelIds"]))
    _labels(store, id, input.get("addedLabelIds") or [], input.get("removedLabelIds") or [])
    for key in ("projectId", "parentId", "title"):
        if key in input:
            issue[key] = input[key]
    store.touch(issue)
    return {"success": True, "issue": issue, "lastSyncId": 1.0}


def _labels(store: Store, issue_id: str, added: list[str], removed: list[str]) -> Record:
    issue = store.get("issues", issue_id, "Issue")
    for label_id in added:
        label = store.get("labels", label_id, "IssueLabel")
        if label.get("teamId") not in (None, issue["teamId"]):
            raise FakeLinearError("label belongs to another team")
        if label_id not in issue["labelIds"]:
            issue["labelIds"].append(label_id)
    issue["labelIds"] = [i for i in issue["labelIds"] if i not in removed]
    store.touch(issue)
    return {"success": True, "issue": issue, "lastSyncId": 1.0}


def _label_create(store: Store, input: dict[str, Any],
                  replaceTeamLabels: bool | None = None) -> Record:
    _allowed("issueLabelCreate", input, {"id", "name", "teamId", "color", "description"})
    name, team_id = input["name"], input.get("teamId")
    for label in store.labels.values():
        same_name = label["name"].casefold() == name.casefold()
        if same_name and (team_id is None or label.get("teamId") in (None, team_id)):
            raise FakeLinearError(f"a label named {name!r} already exists", "CONFLICT")
    if team_id is not None:
        store.get("teams", team_id, "Team")
    label_id = input.get("id") or store.new_id("label")
    if label_id in store.labels:
        raise FakeLinearError("an entity with this id already exists", "CONFLICT")
    label = {"id": label_id, "name": name, "teamId": team_id, "isGroup": False}
    store.labels[label_id] = label
    return {"success": True, "issueLabel": label, "lastSyncId": 1.0}


def _comment_create(store: Store, input: dict[str, Any]) -> Record:
    _allowed("commentCreate", input, {"id", "issueId", "body", "doNotSubscribeToIssue"})
    issue = store.get("issues", input.get("issueId"), "Issue")
    comment_id = input.get("id") or store.new_id("comment")
    if comment_id in store.comments:
        raise FakeLinearError("an entity with this id already exists", "CONFLICT")
    stamp = store.tick()
    comment = {"id": comment_id, "issueId": issue["id"], "userId": store.viewer_id,
               "body": input.get("body") or "", "createdAt": stamp, "updatedAt": stamp}
    store.comments[comment_id] = comment
    store.touch(issue)
    return {"success": True, "comment": comment, "lastSyncId": 1.0}


def _own_comment(store: Store, comment_id: str) -> Record:
    comment = store.get("comments", comment_id, "Comment")
    if comment["userId"] != store.viewer_id:
        raise FakeLinearError("you can only change your own comments", "FORBIDDEN_ACTION")
    return comment


def _comment_update(store: Store, id: str, input: dict[str, Any],
                    skipEditedAt: bool | None = None) -> Record:
    _allowed("commentUpdate", input, {"body"})
    comment = _own_comment(store, id)
    comment["body"] = input.get("body", comment["body"])
    comment["updatedAt"] = store.tick()
    store.touch(store.issues[comment["issueId"]])
    return {"success": True, "comment": comment, "lastSyncId": 1.0}


def _comment_delete(store: Store, id: str) -> Record:
    comment = _own_comment(store, id)
    del store.comments[id]
    store.touch(store.issues[comment["issueId"]])
    return {"success": True, "entityId": id, "lastSyncId": 1.0}
