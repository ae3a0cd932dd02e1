"""Every GraphQL document the Linear adapter sends: query constants and mutation templates.

Complexity (Linear's published rule: 0.1 point per scalar, 1 per object, a connection multiplies
its children by `first`, default 50; a single query may cost at most 10,000):

- `ISSUES_PAGE` costs about 8.7 points per issue (7 scalars incl. `labelIds` and `estimate`, 4
  objects, aligner's own comments through a `first: 2` connection: the second is a duplicate to
  repair, #13), so a page of `ISSUE_PAGE_SIZE` = 100 costs 870. Only what the mapping uses
  is asked for: `labelIds` (a scalar list) replaces `labels { nodes { id } }`, which alone
  would cost 55 per issue, and the team (1.2 points) is not asked at all: its key is the
  identifier's prefix, its id the workspace's team of that key.
  Each remaining object is a field the mapping needs (state type, parent identifier, project
  id, aligner's own comment) and no scalar on Issue carries it.
- `WORKSPACE` costs ~4,500: 250 labels x 2.3, 100 projects x (2.3 + 20 initiatives x 1.1
  + 5 teams x 1.1), 100 initiatives x 2.5, 100 teams x 1.3.
- `ISSUE_KEYS` and `CHANGED_OUTSIDE` (identifiers only, 250 a page) cost 575 points a page;
  an incremental run holding ancestors from outside the scope sends `CHANGED_OUTSIDE` once
  (the changes since its cursor rarely fill a page).
- A write request carries at most `WRITE_BATCH_ITEMS` items (two mutations each), ~70 points.
`tests/linear/test_contract.py` recomputes these with the fake's complexity counter.
"""

from __future__ import annotations

ISSUE_PAGE_SIZE = 100
LABEL_PAGE_SIZE = 250
PROJECT_PAGE_SIZE = 100
INITIATIVE_PAGE_SIZE = 100
TEAM_PAGE_SIZE = 100
PROJECT_INITIATIVES = 20  # initiatives read per project; a project rarely belongs to more
PROJECT_TEAMS = 5  # teams read per project (only `init --from linear` uses them); rarely more
WRITE_BATCH_ITEMS = 20

# aligner's own comment carries this marker followed by the digest of the findings it shows;
# the issue page finds the comment with a filtered `first: 2` connection (own comments only):
# a second one is a duplicate (two runs with separate state at once), for the next write to
# delete.
STATE_MARKER = "aligner-state:"

_PAGE_INFO = "fragment PageFields on PageInfo { hasNextPage endCursor }"
_LABEL = "fragment LabelFields on IssueLabel { id name team { id } }"
_PROJECT = (
    "fragment ProjectFields on Project { id name url "
    f"initiatives(first: {PROJECT_INITIATIVES}) {{ nodes {{ id }} }} "
    f"teams(first: {PROJECT_TEAMS}) {{ nodes {{ key }} }} }}"
)
_TEAM = "fragment TeamFields on Team { id key name }"
_INITIATIVE = ("fragment InitiativeFields on Initiative { id name url status "
               "parentInitiative { id } }")
_OWN_COMMENT = (
    "fragment OwnCommentFields on Issue { id comments(first: 2, filter: "
    f'{{user: {{isMe: {{eq: true}}}}, body: {{contains: "{STATE_MARKER}"}}}}) '
    "{ nodes { id body } } }"
)
_ISSUE = (
    "fragment IssueFields on Issue { id identifier title url updatedAt labelIds estimate "
    "state { type } parent { identifier } project { id } ...OwnCommentFields }"
)

WORKSPACE = f"""
query Workspace($teamFilter: TeamFilter, $labelFilter: IssueLabelFilter,
                $projectFilter: ProjectFilter) {{
  teams(filter: $teamFilter, first: {TEAM_PAGE_SIZE}) {{
    nodes {{ ...TeamFields }} pageInfo {{ ...PageFields }}
  }}
  issueLabels(filter: $labelFilter, first: {LABEL_PAGE_SIZE}) {{
    nodes {{ ...LabelFields }} pageInfo {{ ...PageFields }}
  }}
  projects(filter: $projectFilter, first: {PROJECT_PAGE_SIZE}) {{
    nodes {{ ...ProjectFields }} pageInfo {{ ...PageFields }}
  }}
  initiatives(first: {INITIATIVE_PAGE_SIZE}) {{
    nodes {{ ...InitiativeFields }} pageInfo {{ ...PageFields }}
  }}
}}
{_PAGE_INFO}
{_TEAM}
{_LABEL}
{_PROJECT}
{_INITIATIVE}
"""

TEAMS_PAGE = f"""
query Teams($filter: TeamFilter, $after: String) {{
  teams(filter: $filter, first: {TEAM_PAGE_SIZE}, after: $after) {{
    nodes {{ ...TeamFields }} pageInfo {{ ...PageFields }}
  }}
}}
{_PAGE_INFO}
{_TEAM}
"""

LABELS_PAGE = f"""
query Labels($filter: IssueLabelFilter, $after: String) {{
  issueLabels(filter: $filter, first: {LABEL_PAGE_SIZE}, after: $after) {{
    nodes {{ ...LabelFields }} pageInfo {{ ...PageFields }}
  }}
}}
{_PAGE_INFO}
{_LABEL}
"""

PROJECTS_PAGE = f"""
query Projects($filter: ProjectFilter, $after: String) {{
  projects(filter: $filter, first: {PROJECT_PAGE_SIZE}, after: $after) {{
    nodes {{ ...ProjectFields }} pageInfo {{ ...PageFields }}
  }}
}}
{_PAGE_INFO}
{_PROJECT}
"""

INITIATIVES_PAGE = f"""
query Initiatives($filter: InitiativeFilter, $after: String) {{
  initiatives(filter: $filter, first: {INITIATIVE_PAGE_SIZE}, after: $after) {{
    nodes {{ ...InitiativeFields }} pageInfo {{ ...PageFields }}
  }}
}}
{_PAGE_INFO}
{_INITIATIVE}
"""

ISSUES_PAGE = f"""
query Issues($filter: IssueFilter!, $after: String) {{
  issues(filter: $filter, first: {ISSUE_PAGE_SIZE}, after: $after) {{
    nodes {{ ...IssueFields }} pageInfo {{ ...PageFields }}
  }}
}}
{_PAGE_INFO}
{_OWN_COMMENT}
{_ISSUE}
"""

ISSUE_KEYS_PAGE_SIZE = 250  # identifiers only (~0.1 point each): the cheap reconcile


def _keys_query(name: str) -> str:
    """An identifier-only issue page (575 points by the rule above): only what is used."""
    return f"""
query {name}($filter: IssueFilter!, $after: String) {{
  issues(filter: $filter, first: {ISSUE_KEYS_PAGE_SIZE}, after: $after) {{
    nodes {{ identifier }} pageInfo {{ ...PageFields }}
  }}
}}
{_PAGE_INFO}
"""


ISSUE_KEYS = _keys_query("IssueKeys")  # the scope's open issues (the mirror's reconcile)
# Issues updated since the cursor that the scope does not evaluate (another team, or done):
# the mirror re-reads the ancestors it holds among them. Its own name, so logs and tests
# tell it from the reconcile.
CHANGED_OUTSIDE = _keys_query("ChangedOutside")

OWN_COMMENTS = f"""
query OwnComments($ids: [ID!]!, $after: String) {{
  issues(filter: {{id: {{in: $ids}}}}, first: {ISSUE_PAGE_SIZE}, after: $after) {{
    nodes {{ ...OwnCommentFields }} pageInfo {{ ...PageFields }}
  }}
}}
{_PAGE_INFO}
{_OWN_COMMENT}
"""

QUERIES = {
    "Workspace": WORKSPACE,
    "Teams": TEAMS_PAGE,
    "Labels": LABELS_PAGE,
    "Projects": PROJECTS_PAGE,
    "Initiatives": INITIATIVES_PAGE,
    "Issues": ISSUES_PAGE,
    "IssueKeys": ISSUE_KEYS,
    "ChangedOutside": CHANGED_OUTSIDE,
    "OwnComments": OWN_COMMENTS,
}

# One aliased mutation per operation; `{a}` is the alias, variables are `$<alias>_<name>`.
MUTATIONS: dict[str, tuple[str, dict[str, str]]] = {
    "labels": ("{a}: issueUpdate(id: ${a}_id, input: ${a}_input) {{ success }}",
               {"id": "String!", "input": "IssueUpdateInput!"}),
    "comment_create": ("{a}: commentCreate(input: ${a}_input) {{ success comment {{ id }} }}",
                       {"input": "CommentCreateInput!"}),
    "comment_update": ("{a}: commentUpdate(id: ${a}_id, input: ${a}_input) {{ success }}",
                       {"id": "String!", "input": "CommentUpdateInput!"}),
    "comment_delete": ("{a}: commentDelete(id: ${a}_id) {{ success }}", {"id": "String!"}),
    "label_create": ("{a}: issueLabelCreate(input: ${a}_input) "
                     "{{ success issueLabel {{ id name team {{ id }} }} }}",
                     {"input": "IssueLabelCreateInput!"}),
}


def mutation_document(name: str, ops: list[tuple[str, str]]) -> str:
    """One request carrying several mutations: `ops` are (kind, alias) pairs, in order."""
    declarations: list[str] = []
    fields: list[str] = []
    for kind, alias in ops:
        template, variables = MUTATIONS[kind]
        declarations += [f"${alias}_{var}: {typ}" for var, typ in variables.items()]
        fields.append(template.format(a=alias))
    return f"mutation {name}({', '.join(declarations)}) {{\n  " + "\n  ".join(fields) + "\n}"


def sample_documents() -> dict[str, str]:
    """Every document shape the adapter can send, for the contract test."""
    every_kind = [(kind, f"m{i}") for i, kind in enumerate(MUTATIONS)]
    return {**QUERIES, "Write": mutation_document("Write", every_kind)}
