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
from graphql.execution.collect_fields import FieldDetailsList, GroupedFieldSet
from graphql.pyutils import AwaitableOrValue, Path, Undefined, gather_with_cancel
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


# One entry of a selection set: its response name, its field nodes and, for a plain
# scalar, how to read it.
_Entry = tuple[str, FieldDetailsList, PlainScalar | None]


class PlainFieldExecutor(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's executor, answering plain scalar attributes directly."""

    # Plans by the field definition's id; the definition is kept with its plan so that
    # the id cannot be reused while the entry exists. Schemas are built once per process.
    _plans: ClassVar[dict[int, tuple[GraphQLField, PlainScalar | None]]] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # graphql-core collects a list's sub-selection once per request (one grouped field
        # set for all its items), so its entries are planned once per request too. Kept
        # with the set, so that its id is not reused while the entry exists.
        self._entries: dict[int, tuple[GroupedFieldSet, list[_Entry]]] = {}
        manager = self.middleware_manager
        self._direct = manager is None or not manager.middlewares

    def _plan(self, field: GraphQLField | None) -> PlainScalar | None:
        if field is None or not self._direct:
            return None
        known = self._plans.get(id(field))
        if known is None:
            known = self._plans[id(field)] = (field, plain_scalar(field))
        return known[1]

    def _entries_of(
        self, parent_type: GraphQLObjectType, grouped_field_set: GroupedFieldSet
    ) -> list[_Entry]:
        known = self._entries.get(id(grouped_field_set))
        if known is None:
            fields = parent_type.fields
            entries = [
                (name, details, self._plan(fields.get(details[0].node.name.value)))
                for name, details in grouped_field_set.items()
            ]
            known = self._entries[id(grouped_field_set)] = (grouped_field_set, entries)
        return known[1]

    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        grouped_field_set: GroupedFieldSet,
        position_context: Any,
    ) -> AwaitableOrValue[dict[str, Any]]:
        """graphql-core's `execute_fields` (3.3.2), with plain scalars read directly."""
        results: dict[str, Any] = {}
        is_awaitable = self.is_awaitable
        awaitable_fields: list[str] = []
        try:
            for name, details, plan in self._entries_of(parent_type, grouped_field_set):
                if plan is not None:
                    value = plan.read(source_value, plan.attribute)
                    kind = type(value)
                    if kind is plan.kind and (kind is not int or _in_int_range(value)):
                        results[name] = value
                        continue
                    if value is None and plan.nullable:
                        results[name] = None
                        continue
                result = self.execute_field(
                    parent_type,
                    source_value,
                    details,
                    Path(path, name, parent_type.name),
                    position_context,
                )
                if result is not Undefined:
                    results[name] = result
                    if is_awaitable(result):
                        awaitable_fields.append(name)
        except Exception:
            if awaitable_fields:
                # Settle what other fields started, as graphql-core does: they may fail too.
                self.settle_in_background([results[field] for field in awaitable_fields])
            raise
        if not awaitable_fields:
            return results

        async def get_results() -> dict[str, Any]:
            if len(awaitable_fields) == 1:
                field = awaitable_fields[0]
                results[field] = await results[field]
            else:
                awaited = await gather_with_cancel(*(results[field] for field in awaitable_fields))
                results.update(zip(awaitable_fields, awaited, strict=True))
            return results

        return get_results()
