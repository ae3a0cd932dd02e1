"""Linear's published query-complexity rule, so the fake refuses what Linear would refuse.

0.1 point per scalar field, 1 per object, and a connection multiplies the cost of its
children by its `first` argument (50 when absent); the total is rounded up. A single request
may cost at most 10,000 points.
"""

from __future__ import annotations

import math
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
    value_from_ast_untyped,
)

MAX_COMPLEXITY = 10_000
DEFAULT_PAGE = 50


def complexity(schema: GraphQLSchema, document: DocumentNode,
               variables: dict[str, Any] | None = None) -> float:
    """The cost of the document's (first) operation."""
    fragments = {d.name.value: d for d in document.definitions
                 if isinstance(d, FragmentDefinitionNode)}
    operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
    root = schema.mutation_type if operation.operation.value == "mutation" else schema.query_type
    cost = _selections(schema, operation.selection_set, root, fragments, variables or {})
    return math.ceil(cost)


def _selections(schema: GraphQLSchema, selection_set: SelectionSetNode, parent: Any,
                fragments: dict[str, FragmentDefinitionNode], variables: dict[str, Any]) -> float:
    total = 0.0
    for selection in selection_set.selections:
        if isinstance(selection, FragmentSpreadNode):
            fragment = fragments[selection.name.value]
            total += _selections(schema, fragment.selection_set, parent, fragments, variables)
        elif isinstance(selection, InlineFragmentNode):
            total += _selections(schema, selection.selection_set, parent, fragments, variables)
        elif isinstance(selection, FieldNode):
            total += _field(schema, selection, parent, fragments, variables)
    return total


def _field(schema: GraphQLSchema, node: FieldNode, parent: Any,
           fragments: dict[str, FragmentDefinitionNode], variables: dict[str, Any]) -> float:
    if node.selection_set is None or node.name.value == "__typename":
        return 0.1
    named = get_named_type(parent.fields[node.name.value].type)
    inner = _selections(schema, node.selection_set, named, fragments, variables)
    if named.name.endswith("Connection"):
        return _first(node, variables) * inner
    return 1.0 + inner


def _first(node: FieldNode, variables: dict[str, Any]) -> int:
    for argument in node.arguments or ():
        if argument.name.value == "first":
            if isinstance(argument.value, VariableNode):
                return int(variables.get(argument.value.name.value) or DEFAULT_PAGE)
            return int(value_from_ast_untyped(argument.value) or DEFAULT_PAGE)
    return DEFAULT_PAGE
