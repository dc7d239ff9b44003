"""Static query cost, priced before anything runs (Shopify's model, simplified).

An object costs 1, a scalar or enum 0, a mutation field 10 (writes are dearer than
reads), a connection 2 plus `first`/`last` times what one of its nodes costs. Fragments
on different types are all counted. Lists without a size argument are priced at an
assumed size: the price is an estimate of the work, made before any of it is done.
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
    GraphQLList,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    ObjectValueNode,
    OperationType,
    SelectionSetNode,
    StringValueNode,
    VariableNode,
    get_named_type,
    get_nullable_type,
    is_leaf_type,
)
from graphql.execution.values import VariableValues, get_variable_values

from schema.extensions.document import ReadDocument

OBJECT_COST = 1
MUTATION_COST = 10
CONNECTION_COST = 2
# A count runs over every matching row, however small the page.
COUNT_COST = 10
SEARCH_COST = 10
# Lists that are not connections have no size argument: priced at a size they reach
# in practice. The audit trail grows with every write, so it is priced higher.
DEFAULT_LIST_SIZE = 5
ASSUMED_LIST_SIZES = {("Customer", "events"): 25}
# Refusals of a mutation, built in memory: priced as one object, like the payload.
UNSIZED_LISTS = frozenset({"userErrors"})
# Introspection answers are large but the same for everyone: priced flat.
INTROSPECTION_COSTS = {"__schema": 100, "__type": 10, "__typename": 0}


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
        name = node.name.value
        if name in INTROSPECTION_COSTS:
            return INTROSPECTION_COSTS[name]
        definition = _definition(parent, name)
        if definition is None:
            return 0
        named = get_named_type(definition.type)
        if is_leaf_type(named):
            return 0
        if _is_connection(definition):
            return CONNECTION_COST + self.connection(named, node)
        each = own_cost + self.children(named, node.selection_set)
        if _is_list(definition.type) and name not in UNSIZED_LISTS:
            return ASSUMED_LIST_SIZES.get((parent.name, name), DEFAULT_LIST_SIZE) * each
        return each

    def connection(self, connection: GraphQLNamedType, node: FieldNode) -> int:
        per_node = 0
        others = 0
        for on, child in self.fields(connection, node.selection_set):
            definition = _definition(on, child.name.value)
            if definition is None:
                continue
            element = get_named_type(definition.type)
            # Every selection of edges or nodes (aliases too) is its own copy of the page.
            if child.name.value == "nodes":
                per_node += OBJECT_COST + self.children(element, child.selection_set)
            elif child.name.value == "edges":
                per_node += self.children(element, child.selection_set)
            elif child.name.value == "totalCount":
                others += COUNT_COST
            else:
                others += self.field(on, child)  # pageInfo: once per page
        # The page's rows are read whatever is selected of them.
        return self.page_size(node) * max(per_node, 1) + others + self.search(node)

    def search(self, node: FieldNode) -> int:
        """A text search reads every row of the organization, however small the page."""
        for argument in node.arguments or ():
            if argument.name.value != "filter":
                continue
            value = argument.value
            if isinstance(value, VariableNode):
                given = self.variables.get(value.name.value)
                text = getattr(given, "search", None) or (
                    given.get("search") if isinstance(given, dict) else None
                )
            elif isinstance(value, ObjectValueNode):
                text = next(
                    (field.value for field in value.fields if field.name.value == "search"), None
                )
                if isinstance(text, VariableNode):
                    text = self.variables.get(text.name.value)
                elif isinstance(text, StringValueNode):
                    text = text.value
            else:
                text = None
            if isinstance(text, str) and text.strip():
                return SEARCH_COST
        return 0

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


def _is_list(field_type: GraphQLOutputType) -> bool:
    return isinstance(get_nullable_type(field_type), GraphQLList)


def _definition(parent: GraphQLNamedType, name: str) -> GraphQLField | None:
    if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
        found: GraphQLField | None = parent.fields.get(name)
        return found
    return None


def query_cost(
    schema: GraphQLSchema,
    reading: ReadDocument,
    variables: Mapping[str, Any] | None,
    pages: PagePricing,
) -> int:
    """The price of the operation that would run; 0 if there is none to run."""
    operation = reading.operation
    if operation is None:
        return 0  # refused before pricing (DocumentReader); nothing runs
    root = schema.get_root_type(operation.operation)
    if root is None:
        return 0
    # Priced with the values execution will use: defaults filled in, 40.0 read as 40.
    values = get_variable_values(
        schema, operation.variable_definitions or (), dict(variables or {})
    )
    # Variables that do not coerce fail execution anyway; price the rest with defaults.
    coerced = values.coerced if isinstance(values, VariableValues) else {}
    pricer = _Pricer(schema, reading.fragments, coerced, pages)
    own = MUTATION_COST if operation.operation is OperationType.MUTATION else OBJECT_COST
    total = sum(
        pricer.field(on, node, own) for on, node in pricer.fields(root, operation.selection_set)
    )
    return max(1, total)  # no request is free: each reads a key and charges a bucket
