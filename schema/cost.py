"""Static query cost, priced before anything runs (Shopify's model, simplified).

An object costs 1, a scalar or enum 0, a mutation field 10 (writes are dearer than
reads), a connection 2 plus `first`/`last` times what one of its nodes costs. Fragments
on different types are all counted, so the price is an upper bound: no document can
undercut it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    VariableNode,
    get_named_type,
    is_leaf_type,
)
from graphql.execution.values import VariableValues, get_variable_values
from graphql.language import DocumentNode

OBJECT_COST = 1
MUTATION_COST = 10
CONNECTION_COST = 2


@dataclass(frozen=True, slots=True)
class PagePricing:
    default_size: int
    max_size: int


def _is_connection(field: GraphQLField) -> bool:
    return get_named_type(field.type).name.endswith("Connection") and "first" in field.args


class _Pricer:
    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: Mapping[str, Any],
        pages: PagePricing,
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables
        self.pages = pages

    def fields(
        self, parent: GraphQLNamedType, selection_set: SelectionSetNode | None
    ) -> Iterator[tuple[GraphQLNamedType, FieldNode]]:
        """Each selected field with the type it is selected on; fragments flattened.

        Validation ran first, so fragments are known and free of cycles.
        """
        if selection_set is None:
            return
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                yield parent, selection
                continue
            if isinstance(selection, InlineFragmentNode):
                condition, inner = selection.type_condition, selection.selection_set
            elif isinstance(selection, FragmentSpreadNode):
                fragment = self.fragments.get(selection.name.value)
                if fragment is None:
                    continue
                condition, inner = fragment.type_condition, fragment.selection_set
            else:
                continue
            on = self.schema.get_type(condition.name.value) if condition else None
            yield from self.fields(on or parent, inner)

    def children(self, parent: GraphQLNamedType, selection_set: SelectionSetNode | None) -> int:
        return sum(self.field(on, node) for on, node in self.fields(parent, selection_set))

    def field(self, parent: GraphQLNamedType, node: FieldNode, own_cost: int = OBJECT_COST) -> int:
        definition = _definition(parent, node.name.value)
        if definition is None:
            return 0
        named = get_named_type(definition.type)
        if is_leaf_type(named):
            return 0
        if _is_connection(definition):
            return CONNECTION_COST + self.connection(named, node)
        return own_cost + self.children(named, node.selection_set)

    def connection(self, connection: GraphQLNamedType, node: FieldNode) -> int:
        per_node = 0
        others = 0
        for on, child in self.fields(connection, node.selection_set):
            definition = _definition(on, child.name.value)
            if definition is None:
                continue
            element = get_named_type(definition.type)
            if child.name.value == "nodes":
                per_node = max(per_node, OBJECT_COST + self.children(element, child.selection_set))
            elif child.name.value == "edges":
                per_node = max(per_node, self.children(element, child.selection_set))
            else:
                others += self.field(on, child)  # totalCount, pageInfo: once per page
        return self.page_size(node) * per_node + others

    def page_size(self, node: FieldNode) -> int:
        size: int | None = None
        for argument in node.arguments or ():
            if argument.name.value not in ("first", "last"):
                continue
            value = argument.value
            if isinstance(value, IntValueNode):
                size = int(value.value)
            elif isinstance(value, VariableNode):
                given = self.variables.get(value.name.value)
                size = given if isinstance(given, int) and not isinstance(given, bool) else None
        if size is None:
            return self.pages.default_size
        # Sizes out of range are refused by the field itself, with a clearer message.
        return max(0, min(size, self.pages.max_size))


def _definition(parent: GraphQLNamedType, name: str) -> GraphQLField | None:
    if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
        found: GraphQLField | None = parent.fields.get(name)
        return found
    return None


def query_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None,
    variables: Mapping[str, Any] | None,
    pages: PagePricing,
) -> int:
    """The price of the operation that would run; 0 if there is none to run."""
    operations = [
        definition
        for definition in document.definitions
        if isinstance(definition, OperationDefinitionNode)
        and (
            operation_name is None or (definition.name and definition.name.value == operation_name)
        )
    ]
    if len(operations) != 1:
        return 0
    operation = operations[0]
    root = schema.get_root_type(operation.operation)
    if root is None:
        return 0
    fragments = {
        definition.name.value: definition
        for definition in document.definitions
        if isinstance(definition, FragmentDefinitionNode)
    }
    # Priced with the values execution will use: defaults filled in, 40.0 read as 40.
    values = get_variable_values(
        schema, operation.variable_definitions or (), dict(variables or {})
    )
    # Variables that do not coerce fail execution anyway; price the rest with defaults.
    coerced = values.coerced if isinstance(values, VariableValues) else {}
    pricer = _Pricer(schema, fragments, coerced, pages)
    own = MUTATION_COST if operation.operation is OperationType.MUTATION else OBJECT_COST
    return sum(
        pricer.field(on, node, own) for on, node in pricer.fields(root, operation.selection_set)
    )
