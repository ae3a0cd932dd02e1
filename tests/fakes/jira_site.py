"""Site data for the fake Jira: real field definitions, and how a stored issue looks.

Field definitions are copied (trimmed to the fields that matter plus look-alike distractors)
from the `/rest/api/2/field` answers of real public sites collected by Montgomery, Lüders and
Maalej (MSR 2022), github.com/wheresdiasd/JiraDSEstimation (MIT): Apache's Data Center site
(issues.apache.org/jira) and Sakai's site, whose ids are Jira Cloud's defaults (10014, 10001).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

CLOUD = "cloud"
DATACENTER = "datacenter"

GH = "com.pyxis.greenhopper.jira"
SYSTEM = "com.atlassian.jira.plugin.system.customfieldtypes"


def _custom(fid: str, name: str, custom: str, kind: str = "any") -> dict[str, Any]:
    number = int(fid.rsplit("_", 1)[1])
    return {"id": fid, "name": name, "custom": True, "orderable": True, "navigable": True,
            "searchable": True, "clauseNames": [f"cf[{number}]", name],
            "schema": {"type": kind, "custom": custom, "customId": number}}


def _system(fid: str, name: str, kind: str) -> dict[str, Any]:
    return {"id": fid, "name": name, "custom": False, "orderable": True, "navigable": True,
            "searchable": True, "clauseNames": [fid], "schema": {"type": kind, "system": fid}}


SYSTEM_FIELDS = [
    _system("summary", "Summary", "string"), _system("status", "Status", "status"),
    _system("project", "Project", "project"), _system("labels", "Labels", "array"),
    _system("components", "Component/s", "array"), _system("updated", "Updated", "datetime"),
    _system("issuetype", "Issue Type", "issuetype"), _system("parent", "Parent", "issuelink"),
]

FIELD_LISTS: dict[str, list[dict[str, Any]]] = {
    DATACENTER: [  # issues.apache.org/jira
        *SYSTEM_FIELDS,
        _custom("customfield_12311121", "Epic Name", f"{GH}:gh-epic-label", "string"),
        _custom("customfield_12311120", "Epic Link", f"{GH}:gh-epic-link"),
        _custom("customfield_12310921", "Sprint", f"{GH}:gh-sprint", "array"),
        _custom("customfield_12314520", "Parent Link", "com.atlassian.jpo:jpo-custom-field-parent"),
        _custom("customfield_12314524", "Team", "com.atlassian.teams:rm-teams-custom-field-team"),
        _custom("customfield_12312322", "Git Notification Mailing List", f"{SYSTEM}:textfield",
                "string"),
    ],
    CLOUD: [  # Sakai's site: the Cloud default ids
        *SYSTEM_FIELDS,
        _custom("customfield_10020", "Sprint", f"{GH}:gh-sprint", "array"),
        _custom("customfield_10018", "Parent Link", "com.atlassian.jpo:jpo-custom-field-parent"),
        _custom("customfield_10011", "Epic Name", f"{GH}:gh-epic-label", "string"),
        _custom("customfield_10014", "Epic Link", f"{GH}:gh-epic-link"),
        _custom("customfield_10001", "Team", "com.atlassian.teams:rm-teams-custom-field-team"),
    ],
}

EPIC_LINK = {DATACENTER: "customfield_12311120", CLOUD: "customfield_10014"}
PARENT_LINK = {DATACENTER: "customfield_12314520", CLOUD: "customfield_10018"}
TEAM = {DATACENTER: "customfield_12314524", CLOUD: "customfield_10001"}

CATEGORIES = {"new": "To Do", "indeterminate": "In Progress", "done": "Done"}


def jira_time(moment: datetime) -> str:
    """Jira's timestamp format: 2026-11-20T12:00:00.000+0000."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}" + \
        moment.strftime("%z")


def build_fields(mode: str, key: str, *, summary: str, status: str, category: str,
                 issuetype: str, parent: str | None, epic: str | None,
                 parent_link: str | None, labels: tuple[str, ...],
                 components: tuple[str, ...], team: Any, updated: str) -> dict[str, Any]:
    """The `fields` of a stored issue, as the site would hold them.

    Cloud keeps every level in `parent` (an epic too); Data Center keeps the epic in the site's
    Epic Link custom field and a higher level in Parent Link.
    """
    project = key.rsplit("-", 1)[0]
    fields: dict[str, Any] = {
        "summary": summary,
        "status": {"name": status, "statusCategory": {"key": category,
                                                      "name": CATEGORIES[category]}},
        "project": {"key": project, "id": str(10000 + sum(map(ord, project))),
                    "name": project.title()},
        "issuetype": {"name": issuetype, "subtask": issuetype.casefold() == "sub-task"},
        "labels": list(labels),
        "components": [{"name": c, "id": str(20000 + i)} for i, c in enumerate(components)],
        "updated": updated,
        "created": updated,
    }
    if mode == CLOUD and (parent or epic):
        fields["parent"] = {"key": parent or epic}
    elif parent:
        fields["parent"] = {"key": parent}
    if mode == DATACENTER and epic:
        fields[EPIC_LINK[mode]] = epic
    if parent_link:
        fields[PARENT_LINK[mode]] = parent_link
    if team is not None:
        fields[TEAM[mode]] = team
    return fields


def server_info(mode: str, base_url: str) -> dict[str, Any]:
    if mode == CLOUD:
        return {"baseUrl": base_url, "version": "1001.0.0-SNAPSHOT",
                "versionNumbers": [1001, 0, 0], "deploymentType": "Cloud",
                "buildNumber": 100265, "serverTitle": "Jira"}
    return {"baseUrl": base_url, "version": "10.3.2", "versionNumbers": [10, 3, 2],
            "deploymentType": "Server", "buildNumber": 10030002, "serverTitle": "Jira"}


def project_view(base_url: str, project: dict[str, Any], version: str) -> dict[str, Any]:
    """A project as `/project/search` (Cloud) and `/project` (both) list it."""
    return {"expand": "description,lead,issueTypes,url,projectKeys,permissions,insight",
            "self": f"{base_url}/rest/api/{version}/project/{project['id']}",
            "id": project["id"], "key": project["key"], "name": project["name"],
            "projectTypeKey": "software", "simplified": False, "style": "classic",
            "isPrivate": False, "properties": {}}


def component_views(base_url: str, project: dict[str, Any],
                    version: str) -> list[dict[str, Any]]:
    """A project's components as `/project/{key}/components` lists them."""
    first = int(project["id"]) * 100
    return [{"self": f"{base_url}/rest/api/{version}/component/{first + index}",
             "id": str(first + index), "name": name, "description": f"The {name} area",
             "assigneeType": "PROJECT_DEFAULT", "realAssigneeType": "PROJECT_DEFAULT",
             "isAssigneeTypeValid": False, "project": project["key"],
             "projectId": int(project["id"])}
            for index, name in enumerate(project["components"])]
