"""Execution: plain scalar fields answered without graphql-core's per-field machinery.

A page of 100 customers asks for about 1,300 scalar fields, nearly all plain attributes of
the objects the resolvers built. For each, graphql-core builds a resolve info, calls the
resolver through Strawberry's wrapper, checks twice for an awaitable and completes the
value through the type chain. When the attribute already is what the scalar would
serialize to (a `str` for String and ID, an `int` in range for Int, a `bool` for Boolean,
or null where null is allowed) that answer is the attribute itself, so it is read directly.
Everything else (other values, other types, non-null violations, field middleware) takes
graphql-core's path unchanged, errors included.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from graphql import (
    GraphQLBoolean,
    GraphQLField,
    GraphQLID,
    GraphQLInt,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLString,
)
from graphql.execution.collect_fields import FieldDetailsList
from graphql.pyutils import AwaitableOrValue, Path, UndefinedType
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.types.field import StrawberryField

# graphql-core's Int is 32 bits: a larger int takes the normal path (and its error).
_INT_MIN, _INT_MAX = -(2**31), 2**31 - 1
_DEFINITION = "strawberry-definition"


@dataclass(frozen=True, slots=True)
class PlainScalar:
    """How to read one field: the resolver Strawberry would call, on which attribute."""

    read: Callable[[Any, str], Any]
    attribute: str
    kind: type
    nullable: bool


def _in_int_range(value: int) -> bool:
    return _INT_MIN <= value <= _INT_MAX


def _is_default(field: GraphQLField) -> bool:
    return getattr(field.resolve, "_is_default", False) is True


def plain_scalar(field: GraphQLField) -> PlainScalar | None:
    """The plan for a field Strawberry resolves as a bare attribute of a scalar type."""
    definition = (field.extensions or {}).get(_DEFINITION)
    if not isinstance(definition, StrawberryField) or field.args or not _is_default(field):
        return None
    nullable = not isinstance(field.type, GraphQLNonNull)
    scalar = field.type if nullable else field.type.of_type  # type: ignore[union-attr]
    kinds: dict[object, type] = {
        GraphQLString: str,
        GraphQLID: str,
        GraphQLInt: int,
        GraphQLBoolean: bool,
    }
    kind = next((kind for known, kind in kinds.items() if scalar is known), None)
    if kind is None:
        return None
    return PlainScalar(definition.default_resolver, definition.python_name, kind, nullable)


class PlainFieldExecutor(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's executor, answering plain scalar attributes directly."""

    # Plans by the field definition's id; the definition is kept with its plan so that
    # the id cannot be reused while the entry exists. Schemas are built once per process.
    _plans: ClassVar[dict[int, tuple[GraphQLField, PlainScalar | None]]] = {}

    def _plan(self, field: GraphQLField) -> PlainScalar | None:
        known = self._plans.get(id(field))
        if known is None:
            known = self._plans[id(field)] = (field, plain_scalar(field))
        return known[1]

    def execute_field(
        self,
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: FieldDetailsList,
        path: Path,
        position_context: Any,
    ) -> AwaitableOrValue[Any] | UndefinedType:
        field = parent_type.fields.get(field_details_list[0].node.name.value)
        manager = self.middleware_manager
        if field is not None and (manager is None or not manager.middlewares):
            plan = self._plan(field)
            if plan is not None:
                value = plan.read(source, plan.attribute)
                kind = type(value)
                if kind is plan.kind and (kind is not int or _in_int_range(value)):
                    return value
                if value is None and plan.nullable:
                    return None
        return super().execute_field(
            parent_type, source, field_details_list, path, position_context
        )
