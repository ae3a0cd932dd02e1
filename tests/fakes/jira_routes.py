"""The fake Jira's endpoints: what each REST operation does to the stored site."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .jira_site import CLOUD, DATACENTER, component_views, jira_time, project_view, server_info

V23 = r"/rest/api/(?P<v>[23])"
KEY = r"(?P<key>[A-Za-z][A-Za-z0-9_]*-\d+|\d+)"


@dataclass
class Request:
    method: str
    match: re.Match[str]
    query: dict[str, str]
    body: Any


@dataclass
class Answer:
    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


def _error(status: int, *messages: str) -> Answer:
    return Answer(status, {"errorMessages": list(messages), "errors": {}})


def _csv(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


class Routes:
    """Mixed into FakeJira: `self` is the fake (issues, mode, base_url, now, ...)."""

    issues: dict[str, dict[str, Any]]
    projects: dict[str, dict[str, Any]]
    mode: str
    base_url: str
    fields: list[dict[str, Any]]
    max_page: int
    now: datetime
    notify_requires_admin: bool
    stuck_token: bool
    comment_limit: int | None
    email: str

    def search_issues(self, jql: str, validate: bool) -> list[dict[str, Any]]:
        raise NotImplementedError

    def new_comment_id(self) -> str:
        raise NotImplementedError

    def user_view(self, name: str) -> dict[str, Any]:
        raise NotImplementedError

    def route(self, method: str, path: str) -> tuple[str, Callable[..., Answer] | None, Any]:
        for op, verb, pattern, modes, handler in ROUTE_TABLE:
            match = re.fullmatch(pattern, path)
            if verb == method and match and self.mode in modes:
                if self.mode == DATACENTER and match.groupdict().get("v") == "3":
                    continue  # Data Center has no REST v3
                return op, handler, match
        return "unknown", None, None

    # --- views ----------------------------------------------------------------------------

    def find(self, key_or_id: str) -> dict[str, Any] | None:
        found = self.issues.get(key_or_id.upper())
        if found is None:
            found = next((i for i in self.issues.values() if i["id"] == key_or_id), None)
        return found

    def comment_view(self, comment: dict[str, Any], version: str, props: bool) -> dict[str, Any]:
        view = {k: v for k, v in comment.items() if k != "properties"}
        view["self"] = f"{self.base_url}/rest/api/{version}/comment/{comment['id']}"
        if props:
            view["properties"] = [{"key": k, "value": v}
                                  for k, v in comment["properties"].items()]
        return view

    def issue_view(self, issue: dict[str, Any], fields: list[str], props: list[str],
                   version: str) -> dict[str, Any]:
        everything = not fields or "*all" in fields or "*navigable" in fields
        names = [*issue["fields"], "comment"] if everything else fields
        view_fields = {n: issue["fields"][n] for n in names if n in issue["fields"]}
        if "comment" in names:
            comments = issue["comments"][: self.comment_limit or None]
            view_fields["comment"] = {
                "comments": [self.comment_view(c, version, False) for c in comments],
                "maxResults": len(comments), "total": len(issue["comments"]), "startAt": 0}
        view = {"id": issue["id"], "key": issue["key"],
                "self": f"{self.base_url}/rest/api/{version}/issue/{issue['id']}",
                "fields": view_fields}
        if props:
            view["properties"] = {p: issue["properties"][p] for p in props
                                  if p in issue["properties"]}
        return view

    # --- endpoints ------------------------------------------------------------------------

    def serve_server_info(self, request: Request) -> Answer:
        return Answer(200, server_info(self.mode, self.base_url))

    def serve_fields(self, request: Request) -> Answer:
        return Answer(200, self.fields)

    def serve_myself(self, request: Request) -> Answer:
        """Cloud: the API user (the account the email and token belong to)."""
        user = self.user_view(self.email)
        url = f"{self.base_url}/rest/api/3/user?accountId={user['accountId']}"
        return Answer(200, {**user, "emailAddress": self.email, "self": url})

    def serve_project_search(self, request: Request) -> Answer:
        """Cloud: offset pages of at most 100 (and `max_page`), ordered by key."""
        listed = sorted(self.projects.values(), key=lambda p: p["key"])
        start = int(request.query.get("startAt", 0))
        size = min(int(request.query.get("maxResults", 50)), 100, self.max_page)
        page = listed[start:start + size]
        url = f"{self.base_url}/rest/api/3/project/search"
        answer = {"self": f"{url}?startAt={start}&maxResults={size}", "maxResults": size,
                  "startAt": start, "total": len(listed), "isLast": start + size >= len(listed),
                  "values": [project_view(self.base_url, p, "3") for p in page]}
        if not answer["isLast"]:
            answer["nextPage"] = f"{url}?startAt={start + size}&maxResults={size}"
        return Answer(200, answer)

    def serve_projects(self, request: Request) -> Answer:
        """Every project at once (Data Center's listing; Cloud's deprecated one)."""
        return Answer(200, [project_view(self.base_url, p, request.match["v"])
                            for p in sorted(self.projects.values(), key=lambda p: p["key"])])

    def serve_components(self, request: Request) -> Answer:
        project = self.projects.get(request.match["project"])  # keys are case sensitive here
        if project is None:
            return _error(404, f"No project could be found with key '{request.match['project']}'.")
        return Answer(200, component_views(self.base_url, project, request.match["v"]))

    def serve_removed_search(self, request: Request) -> Answer:
        return _error(410, "The requested API has been removed. Please migrate to the "
                           "/rest/api/3/search/jql API.")

    def serve_search_jql(self, request: Request) -> Answer:
        """Cloud: token pages, no total; the token is only valid for the same query."""
        query = request.query
        jql = query.get("jql", "")
        found = self.search_issues(jql, validate=True)
        digest = hashlib.sha1(jql.encode()).hexdigest()[:8]
        offset = 0
        if query.get("nextPageToken"):
            try:
                state = json.loads(base64.urlsafe_b64decode(query["nextPageToken"]))
                offset = int(state["o"]) if state["q"] == digest else -1
            except (ValueError, KeyError, TypeError):
                offset = -1
            if offset < 0:
                return _error(400, "The provided next page token is invalid or expired.")
        # ids only: Cloud grants up to 5,000 per page (the search/jql documentation)
        ids_only = set(_csv(query.get("fields"))) <= {"id", "key"}
        size = min(int(query.get("maxResults", 50)), 5000 if ids_only else self.max_page)
        page = found[offset:offset + size]
        answer: dict[str, Any] = {"issues": [
            self.issue_view(i, _csv(query.get("fields")) or ["id"], _csv(query.get("properties")),
                            request.match["v"]) for i in page]}
        if offset + size < len(found) or self.stuck_token:
            next_offset = 0 if self.stuck_token else offset + size
            state = json.dumps({"o": next_offset, "q": digest}).encode()
            answer["nextPageToken"] = base64.urlsafe_b64encode(state).decode()
            answer["isLast"] = False
        else:
            answer["isLast"] = True
        return Answer(200, answer)

    def serve_search(self, request: Request) -> Answer:
        """Data Center: offset pages, granting at most `max_page` per page."""
        query = request.query
        validate = query.get("validateQuery", "true").lower() != "false"
        found = self.search_issues(query.get("jql", ""), validate)
        start = int(query.get("startAt", 0))
        granted = min(int(query.get("maxResults", 50)), self.max_page)
        fields = _csv(query.get("fields"))
        page = [self.issue_view(i, fields, [], "2") for i in found[start:start + granted]]
        return Answer(200, {"expand": "schema,names", "startAt": start, "maxResults": granted,
                            "total": len(found), "issues": page})

    def serve_bulkfetch(self, request: Request) -> Answer:
        body = request.body or {}
        wanted = list(body.get("issueIdsOrKeys") or [])
        if len(wanted) > 100:
            return _error(400, "The number of issues requested is over the limit of 100.")
        issues = []
        for key in wanted:  # keys that do not exist are simply not returned (no issueErrors)
            issue = self.find(str(key))
            if issue is not None:
                issues.append(self.issue_view(issue, list(body.get("fields") or []),
                                              list(body.get("properties") or []), "3"))
        return Answer(200, {"issues": issues, "issueErrors": []})

    def serve_edit(self, request: Request) -> Answer:
        issue = self.find(request.match["key"])
        if issue is None:
            return _error(404, "Issue does not exist or you do not have permission to see it.")
        if (request.query.get("notifyUsers", "").lower() == "false"
                and self.notify_requires_admin):
            return _error(403, "To discard the user notification either admin or project admin "
                               "permissions are required.")
        body = request.body or {}
        before = list(issue["fields"].get("labels") or [])
        labels = list(before)
        for op in (body.get("update") or {}).get("labels") or []:
            if "add" in op and op["add"] not in labels:
                labels.append(op["add"])
            elif "remove" in op and op["remove"] in labels:
                labels.remove(op["remove"])
            elif "set" in op:
                labels = list(op["set"])
        for name, value in (body.get("fields") or {}).items():
            if name == "labels":
                labels = list(value)
            else:
                issue["fields"][name] = value
        added = []
        for op in (body.get("update") or {}).get("comment") or []:
            if "add" not in op:  # Jira's comment field takes `add` in an edit
                return _error(400, "Field 'comment': only the add operation is supported.")
            problem = self._body_error(request.match["v"], op["add"])
            if problem:
                return _error(400, problem)
            added.append(op["add"])
        for prop in body.get("properties") or []:
            issue["properties"][prop["key"]] = prop["value"]
        for new in added:  # as a POST would: a new id, the API user as author
            issue["comments"].append(self._new_comment(new))
        issue["fields"]["labels"] = labels
        if added:
            issue["fields"]["updated"] = jira_time(self.now)
        if labels != before:
            issue["fields"]["updated"] = jira_time(self.now)
        return Answer(204)

    def serve_comments(self, request: Request) -> Answer:
        issue = self.find(request.match["key"])
        if issue is None:
            return _error(404, "Issue does not exist or you do not have permission to see it.")
        start = int(request.query.get("startAt", 0))
        size = min(int(request.query.get("maxResults", 100)), 100)
        props = "properties" in _csv(request.query.get("expand"))
        page = issue["comments"][start:start + size]
        return Answer(200, {"startAt": start, "maxResults": size, "total": len(issue["comments"]),
                            "comments": [self.comment_view(c, request.match["v"], props)
                                         for c in page]})

    def _body_error(self, version: str, body: Any) -> str | None:
        text = (body or {}).get("body")
        if version == "2":
            return None if isinstance(text, str) else "Comment body must be a string (v2)."
        return adf_problem(text)

    def serve_comment_create(self, request: Request) -> Answer:
        issue = self.find(request.match["key"])
        if issue is None:
            return _error(404, "Issue does not exist or you do not have permission to see it.")
        problem = self._body_error(request.match["v"], request.body)
        if problem:
            return _error(400, problem)
        comment = self._new_comment(request.body)
        issue["comments"].append(comment)
        issue["fields"]["updated"] = jira_time(self.now)
        return Answer(201, self.comment_view(comment, request.match["v"], False))

    def _new_comment(self, body: dict[str, Any]) -> dict[str, Any]:
        """A comment as the API user, from a create body (`body`, optional `properties`)."""
        props = {p["key"]: p["value"] for p in body.get("properties") or []}
        return {"id": self.new_comment_id(), "body": body["body"],
                "author": self.user_view(self.email), "created": jira_time(self.now),
                "updated": jira_time(self.now), "properties": props}

    def _comment(self, request: Request) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
        issue = self.find(request.match["key"])
        if issue is None:
            return None, None
        return issue, next((c for c in issue["comments"] if c["id"] == request.match["id"]),
                           None)

    def serve_comment_update(self, request: Request) -> Answer:
        issue, comment = self._comment(request)
        if comment is None or issue is None:
            return _error(404, "Can not find a comment for the id.")
        problem = self._body_error(request.match["v"], request.body)
        if problem:
            return _error(400, problem)
        comment["body"] = request.body["body"]
        for prop in request.body.get("properties") or []:
            comment["properties"][prop["key"]] = prop["value"]
        comment["updated"] = jira_time(self.now)
        return Answer(200, self.comment_view(comment, request.match["v"], False))

    def serve_comment_delete(self, request: Request) -> Answer:
        issue, comment = self._comment(request)
        if comment is None or issue is None:
            return _error(404, "Can not find a comment for the id.")
        issue["comments"].remove(comment)
        return Answer(204)


ADF_NODES = {"doc", "paragraph", "text", "bulletList", "orderedList", "listItem", "hardBreak",
             "heading", "codeBlock"}
ADF_MARKS = {"strong", "em", "code", "link"}


def adf_problem(node: Any, depth: int = 0) -> str | None:
    """Why Jira Cloud would refuse this ADF body (None if it would accept it)."""
    if not isinstance(node, dict) or node.get("type") not in ADF_NODES:
        return f"INVALID_INPUT: unsupported ADF node {node!r:.60}"
    if depth == 0 and (node["type"] != "doc" or node.get("version") != 1):
        return "INVALID_INPUT: the body must be an ADF doc of version 1"
    if node["type"] == "text":
        if not isinstance(node.get("text"), str) or not node["text"]:
            return "INVALID_INPUT: empty text node"
        for mark in node.get("marks") or []:
            if mark.get("type") not in ADF_MARKS:
                return f"INVALID_INPUT: unsupported mark {mark.get('type')}"
            href = (mark.get("attrs") or {}).get("href", "https://")
            if mark["type"] == "link" and not str(href).startswith(("http://", "https://")):
                return "INVALID_INPUT: link href"
        return None
    for child in node.get("content") or []:
        problem = adf_problem(child, depth + 1)
        if problem:
            return problem
    return None


BOTH = (CLOUD, DATACENTER)
ROUTE_TABLE: list[tuple[str, str, str, tuple[str, ...], Callable[..., Answer]]] = [
    ("server-info", "GET", V23 + r"/serverInfo", BOTH, Routes.serve_server_info),
    ("fields", "GET", V23 + r"/field", BOTH, Routes.serve_fields),
    ("myself", "GET", V23 + r"/myself", (CLOUD,), Routes.serve_myself),
    ("project.search", "GET", V23 + r"/project/search", (CLOUD,), Routes.serve_project_search),
    ("project.list", "GET", V23 + r"/project", BOTH, Routes.serve_projects),
    ("project.components", "GET", V23 + r"/project/(?P<project>[^/]+)/components", BOTH,
     Routes.serve_components),
    ("search-jql", "GET", V23 + r"/search/jql", (CLOUD,), Routes.serve_search_jql),
    ("search", "GET", V23 + r"/search", (CLOUD,), Routes.serve_removed_search),
    ("search.post", "POST", V23 + r"/search", (CLOUD,), Routes.serve_removed_search),
    ("search", "GET", V23 + r"/search", (DATACENTER,), Routes.serve_search),
    ("bulkfetch", "POST", V23 + r"/issue/bulkfetch", (CLOUD,), Routes.serve_bulkfetch),
    ("edit", "PUT", V23 + rf"/issue/{KEY}", BOTH, Routes.serve_edit),
    ("comment.list", "GET", V23 + rf"/issue/{KEY}/comment", BOTH, Routes.serve_comments),
    ("comment.create", "POST", V23 + rf"/issue/{KEY}/comment", BOTH,
     Routes.serve_comment_create),
    ("comment.update", "PUT", V23 + rf"/issue/{KEY}/comment/(?P<id>\d+)", BOTH,
     Routes.serve_comment_update),
    ("comment.delete", "DELETE", V23 + rf"/issue/{KEY}/comment/(?P<id>\d+)", BOTH,
     Routes.serve_comment_delete),
]
