"""A stateful fake Jira site (Cloud or Data Center) on `responses`, for tests and benchmarks.

    fake = FakeJira("cloud")                       # or FakeJira("datacenter")
    fake.add_issue("CHK-1", "Pay by link", epic="PLAT-7", labels=["area:checkout"])
    fake.add_project("CHK", "Checkout", components=["Cart"])   # else issues imply projects
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        fake.install(rsps)
        ...                                        # run the adapter / `aligner sync`
    fake.writes, fake.count("edit"), fake.labels("CHK-1"), fake.comments("CHK-1")

It keeps issues (fields, labels, properties, comments) between requests, pages searches like
the real deployment (Cloud: `/search/jql` with nextPageToken, the old `/search` answers 410;
Data Center: startAt, granting at most `max_page`), evaluates the JQL subset of `jira_jql`,
and can inject 429 + Retry-After, 5xx, dropped connections (before or after doing the work),
401, and a killed run (KeyboardInterrupt). Every request lands in `fake.requests` and in the
process-wide `RECORDED` list, which the contract test checks against Atlassian's OpenAPI specs.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests

from .jira_jql import JqlError, evaluate
from .jira_routes import Answer, Request, Routes
from .jira_site import CLOUD, DATACENTER, FIELD_LISTS, build_fields, jira_time
from .latency import serialised

__all__ = ["CLOUD", "DATACENTER", "RECORDED", "FakeJira", "Recorded"]

READ_POSTS = {"search", "search.post", "bulkfetch"}


@dataclass
class Recorded:
    """One request as the fake received it (path relative to the site, no query)."""

    mode: str
    method: str
    path: str
    query: dict[str, list[str]]
    body: Any
    op: str = ""
    status: int | None = None  # None: the connection was dropped
    response: Any = None  # the JSON the fake answered with

    @property
    def write(self) -> bool:
        return self.method != "GET" and self.op not in READ_POSTS


RECORDED: list[Recorded] = []  # every request of every fake in this process


@dataclass
class Fault:
    method: str
    path: re.Pattern[str]
    times: int
    status: int = 503
    headers: dict[str, str] = field(default_factory=dict)
    message: str = ""
    drop: bool = False  # raise a connection error instead of answering
    timeout: bool = False  # ... a read timeout instead
    perform: bool = False  # ... after doing the work (the client cannot know it happened)
    interrupt: bool = False  # raise KeyboardInterrupt: the run is killed right there


class FakeJira(Routes):
    """The site's state and its HTTP face. See the module docstring."""

    def __init__(self, mode: str = CLOUD, base_url: str | None = None, *,
                 email: str = "aligner-bot@acme.example", token: str = "cloud-api-token-1",
                 pat: str = "dc-personal-access-token-1", max_page: int = 100,
                 now: datetime | None = None, strict_keys: bool = False,
                 notify_requires_admin: bool = False, comment_limit: int | None = None,
                 global_record: bool = True) -> None:
        if mode not in (CLOUD, DATACENTER):
            raise ValueError(f"mode must be {CLOUD!r} or {DATACENTER!r}")
        self.mode = mode
        default = "https://acme.atlassian.net" if mode == CLOUD else "https://jira.acme.example/jira"
        self.base_url = (base_url or default).rstrip("/")
        self.base_path = urlsplit(self.base_url).path
        self.email, self.token, self.pat = email, token, pat
        self.max_page = max_page
        self.now = now or datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
        self.strict_keys = strict_keys  # DC sites that refuse missing keys even unvalidated
        self.notify_requires_admin = notify_requires_admin  # 403 on notifyUsers=false
        self.comment_limit = comment_limit  # cut the search's `comment` field short
        self.global_record = global_record  # off for benchmarks: RECORDED keeps every answer
        self.fields = [dict(f) for f in FIELD_LISTS[mode]]
        self.issues: dict[str, dict[str, Any]] = {}
        self.projects: dict[str, dict[str, Any]] = {}  # key -> {id, key, name, components}
        self.requests: list[Recorded] = []
        self.faults: list[Fault] = []
        self.revoked = False
        self.stuck_token = False  # Cloud pagination that repeats its token
        self._next_id = 10000
        self._next_comment = 50000

    # --- building the site ----------------------------------------------------------------

    @property
    def cloud(self) -> bool:
        return self.mode == CLOUD

    def add_issue(self, key: str, summary: str = "", *, status: str = "To Do",
                  category: str = "new", issuetype: str = "Story", parent: str | None = None,
                  epic: str | None = None, parent_link: str | None = None,
                  labels: list[str] | tuple[str, ...] = (), components: tuple[str, ...] = (),
                  team: Any = None, updated: datetime | None = None,
                  properties: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
        """Store an issue; `epic` goes to `parent` on Cloud and to Epic Link on DC."""
        fields = build_fields(self.mode, key, summary=summary or f"Issue {key}", status=status,
                              category=category, issuetype=issuetype, parent=parent, epic=epic,
                              parent_link=parent_link, labels=tuple(labels),
                              components=tuple(components), team=team,
                              updated=jira_time(updated or self.now))
        project = self.projects.get(fields["project"]["key"])
        if project:
            fields["project"] = {k: project[k] for k in ("key", "id", "name")}
        fields.update(extra)
        return self.add_raw({"key": key, "fields": fields, "properties": properties or {}})

    def add_raw(self, issue: dict[str, Any]) -> dict[str, Any]:
        """Store an issue given as the REST API shows it (e.g. a real exported issue)."""
        stored = json.loads(json.dumps(issue))
        self._next_id += 1
        stored.setdefault("id", str(self._next_id))
        stored.setdefault("properties", {})
        stored.setdefault("comments", [])
        stored["fields"].setdefault("updated", jira_time(self.now))
        stored["fields"].setdefault("created", stored["fields"]["updated"])
        self.issues[stored["key"]] = stored
        project = stored["fields"].get("project")
        if isinstance(project, dict) and project.get("key") not in self.projects:
            self.add_project(project["key"], project.get("name", ""), pid=project.get("id"))
        return stored

    def add_project(self, key: str, name: str = "", *, components: Any = (),
                    pid: str | None = None) -> dict[str, Any]:
        """A project (issues added under a new key imply one named like `build_fields`)."""
        project = self.projects.setdefault(key, {"key": key, "components": []})
        project["id"] = str(pid or project.get("id") or 10000 + sum(map(ord, key)))
        project["name"] = name or project.get("name") or key.title()
        project["components"] += [c for c in components if c not in project["components"]]
        return project

    def add_comment(self, key: str, body: Any, *, author: str = "pm@acme.example",
                    properties: dict[str, Any] | None = None) -> dict[str, Any]:
        """A comment as a person (or, with `author=fake.email`, an earlier aligner run) left
        it."""
        self._next_comment += 1
        comment = {"id": str(self._next_comment), "body": body, "author": self.user_view(author),
                   "created": jira_time(self.now), "updated": jira_time(self.now),
                   "properties": dict(properties or {})}
        self.issues[key]["comments"].append(comment)
        return comment

    def update_fields(self, key: str, **fields: Any) -> None:
        """A person edits the issue: fields change and `updated` moves to `now`."""
        self.issues[key]["fields"].update(fields)
        self.touch(key)

    def touch(self, key: str) -> None:
        self.issues[key]["fields"]["updated"] = jira_time(self.now)

    # --- looking at the site --------------------------------------------------------------

    def labels(self, key: str) -> list[str]:
        return list(self.issues[key]["fields"].get("labels") or [])

    def comments(self, key: str) -> list[dict[str, Any]]:
        """A snapshot (copies) of the issue's comments, oldest first."""
        return json.loads(json.dumps(self.issues[key]["comments"]))

    def issue_property(self, key: str, name: str = "aligner") -> Any:
        return self.issues[key]["properties"].get(name)

    @property
    def writes(self) -> list[Recorded]:
        return [r for r in self.requests if r.write]

    @property
    def reads(self) -> list[Recorded]:
        return [r for r in self.requests if not r.write]

    def count(self, op: str | None = None, method: str | None = None) -> int:
        return sum(1 for r in self.requests
                   if (op is None or r.op == op) and (method is None or r.method == method))

    def per_op(self) -> Counter[str]:
        return Counter(r.op for r in self.requests)

    def reset_requests(self) -> None:
        self.requests.clear()

    # --- configuring the adapter against it -----------------------------------------------

    def env(self) -> dict[str, str]:
        return {"JIRA_EMAIL": self.email, "JIRA_API_TOKEN": self.token, "JIRA_PAT": self.pat}

    def settings(self, jql: str = "project in (CHK, PAY)", **more: Any) -> dict[str, Any]:
        """A `trackers.jira` section pointing at this fake."""
        auth = ({"email_env": "JIRA_EMAIL", "token_env": "JIRA_API_TOKEN"} if self.cloud
                else {"pat_env": "JIRA_PAT"})
        return {"url": self.base_url, "auth": auth, "jql": jql, "deployment": self.mode,
                **more}

    # --- failures -------------------------------------------------------------------------

    def fail(self, method: str, path: str, status: int = 503, *, times: int = 1,
             headers: dict[str, str] | None = None, message: str = "") -> None:
        """Answer the next `times` matching requests with `status` instead of serving them."""
        self.faults.append(Fault(method, re.compile(path), times, status, dict(headers or {}),
                                 message))

    def throttle(self, method: str = ".*", path: str = ".*", *, retry_after: int = 7,
                 times: int = 1) -> None:
        """429 with Retry-After, as Cloud's rate limiter answers."""
        headers = {"Retry-After": str(retry_after), "RateLimit-Reason": "jira-burst-based"}
        self.fail(method, path, 429, times=times, headers=headers)

    def drop(self, method: str, path: str, *, after_performing: bool = True,
             times: int = 1, timeout: bool = False) -> None:
        """Drop the connection (or time out), by default after the work is done."""
        self.faults.append(Fault(method, re.compile(path), times, drop=True,
                                 perform=after_performing, timeout=timeout))

    def interrupt(self, method: str, path: str) -> None:
        """Kill the run (KeyboardInterrupt) when this request arrives, before it is served."""
        self.faults.append(Fault(method, re.compile(path), 1, interrupt=True))

    def revoke(self) -> None:
        """The token stops working: every request answers 401."""
        self.revoked = True

    # --- HTTP -----------------------------------------------------------------------------

    def install(self, rsps: Any) -> FakeJira:
        """Register on a `responses.RequestsMock`; everything under the site URL is served."""
        pattern = re.compile(re.escape(self.base_url) + r"/rest/.*")
        for method in ("GET", "POST", "PUT", "DELETE"):
            rsps.add_callback(method, pattern, callback=self._callback)
        return self

    @serialised
    def _callback(self, prepared: requests.PreparedRequest) -> tuple[int, dict[str, str], str]:
        parts = urlsplit(prepared.url or "")
        path = parts.path[len(self.base_path):]
        raw = prepared.body.decode() if isinstance(prepared.body, bytes) else prepared.body
        body = json.loads(raw) if raw else None
        method = prepared.method or "GET"
        op, handler, match = self.route(method, path)
        record = Recorded(self.mode, method, path, parse_qs(parts.query), body, op)
        self.requests.append(record)
        if self.global_record:
            RECORDED.append(record)
        fault = self._take_fault(method, path)
        if fault and not fault.perform:
            return self._fault_answer(fault, record)
        answer = self._serve(prepared, handler, match, record)
        if fault:  # performed: now lose the answer
            return self._fault_answer(fault, record)
        record.status, record.response = answer.status, answer.body
        payload = "" if answer.body is None else json.dumps(answer.body)
        return answer.status, {"Content-Type": "application/json", **answer.headers}, payload

    def _serve(self, prepared: requests.PreparedRequest, handler: Any, match: Any,
               record: Recorded) -> Answer:
        if not self._authorised(prepared.headers.get("Authorization", "")):
            return Answer(401, {"errorMessages": ["You are not authenticated. Authentication "
                                                  "required to perform this operation."]})
        if handler is None:
            return Answer(404, {"errorMessages": [f"null for uri: {self.base_url}{record.path}"]})
        query = {k: v[-1] for k, v in record.query.items()}
        try:
            return handler(self, Request(record.method, match, query, record.body))
        except JqlError as error:
            return Answer(400, {"errorMessages": error.messages, "warningMessages": []})

    def _take_fault(self, method: str, path: str) -> Fault | None:
        for fault in self.faults:
            if fault.times > 0 and re.fullmatch(fault.method, method) and fault.path.search(path):
                fault.times -= 1
                return fault
        return None

    def _fault_answer(self, fault: Fault, record: Recorded) -> tuple[int, dict[str, str], str]:
        if fault.interrupt:
            record.status = None
            raise KeyboardInterrupt
        if fault.drop:
            record.status = None
            if fault.timeout:
                raise requests.ReadTimeout("Read timed out. (read timeout=30)")
            raise requests.ConnectionError("Connection aborted: remote end closed connection")
        record.status = fault.status
        body = {"errorMessages": [fault.message or f"injected {fault.status}"]}
        return fault.status, {"Content-Type": "application/json", **fault.headers}, \
            json.dumps(body)

    def _authorised(self, header: str) -> bool:
        if self.revoked:
            return False
        if self.cloud:
            pair = base64.b64encode(f"{self.email}:{self.token}".encode()).decode()
            return header == f"Basic {pair}"
        return header == f"Bearer {self.pat}"

    # --- used by the routes ---------------------------------------------------------------

    def search_issues(self, jql: str, validate: bool) -> list[dict[str, Any]]:
        strict = validate or self.strict_keys
        return evaluate(jql, self.issues, self.now, validate=strict)

    def user_view(self, name: str) -> dict[str, Any]:
        """A comment's author: Cloud shows an accountId (no user names), Data Center a name."""
        if not self.cloud:
            return {"name": name}
        account = "712020:" + hashlib.sha1(name.encode()).hexdigest()[:12]
        return {"accountId": account, "displayName": name, "active": True,
                "accountType": "atlassian"}

    def author(self, comment: dict[str, Any]) -> str:
        """Who wrote a stored comment: the display name (Cloud) or user name (DC)."""
        return str(comment["author"].get("displayName") or comment["author"].get("name"))

    def new_comment_id(self) -> str:
        self._next_comment += 1
        return str(self._next_comment)

