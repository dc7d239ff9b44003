"""Execution: plain fields answered without graphql-core's per-field machinery.

A page of 100 customers asks for about 1,300 scalar fields and 400 objects, nearly all
plain attributes of the objects the resolvers built. For each, graphql-core builds a
resolve info, calls the resolver through Strawberry's wrapper, checks twice for an
awaitable and completes the value through the type chain. When the attribute already is
what the scalar would serialize to (a `str` for String and ID, an `int` in range for Int,
a `bool` for Boolean, or null where null is allowed), that is the answer; when it is an
instance of the object type's own class, its sub-selection runs at once. Everything else
(other values, other types, lists, awaitables, non-null violations, field middleware)
takes graphql-core's path unchanged, errors included.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from graphql import (
    GraphQLBoolean,
    GraphQLField,
    GraphQLID,
    GraphQLInt,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
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
class PlainField:
    """How to read one field: the resolver Strawberry would call, on which attribute.

    `kind` is the Python type of a value taken as it is: a scalar's answer, or the class of
    an object whose sub-selection is executed next (`object_type`).
    """

    read: Callable[[Any, str], Any]
    attribute: str
    kind: type
    nullable: bool
    return_type: GraphQLOutputType
    object_type: GraphQLObjectType | None = None


def _in_int_range(value: int) -> bool:
    return _INT_MIN <= value <= _INT_MAX


def _is_default(field: GraphQLField) -> bool:
    return getattr(field.resolve, "_is_default", False) is True


def plain_field(field: GraphQLField) -> PlainField | None:
    """The plan for a field Strawberry resolves as a bare attribute, of a scalar type
    that needs no conversion or of an object type."""
    definition = (field.extensions or {}).get(_DEFINITION)
    if not isinstance(definition, StrawberryField) or field.args or not _is_default(field):
        return None
    nullable = not isinstance(field.type, GraphQLNonNull)
    named = field.type if nullable else field.type.of_type  # type: ignore[union-attr]
    read, attribute = definition.default_resolver, definition.python_name
    if isinstance(named, GraphQLObjectType):
        origin = getattr((named.extensions or {}).get(_DEFINITION), "origin", None)
        if not isinstance(origin, type):
            return None
        return PlainField(read, attribute, origin, nullable, field.type, named)
    kinds: dict[object, type] = {
        GraphQLString: str,
        GraphQLID: str,
        GraphQLInt: int,
        GraphQLBoolean: bool,
    }
    kind = next((kind for known, kind in kinds.items() if named is known), None)
    if kind is None:
        return None
    return PlainField(read, attribute, kind, nullable, field.type)


# One entry of a selection set: its response name, its field nodes and, for a plain
# scalar, how to read it.
_Entry = tuple[str, FieldDetailsList, PlainField | None]


class PlainFieldExecutor(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's executor, answering plain scalar attributes directly."""

    # Plans by the field definition's id; the definition is kept with its plan so that
    # the id cannot be reused while the entry exists. Schemas are built once per process.
    _plans: ClassVar[dict[int, tuple[GraphQLField, PlainField | None]]] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # graphql-core collects a list's sub-selection once per request (one grouped field
        # set for all its items), so its entries are planned once per request too. Kept
        # with the set, so that its id is not reused while the entry exists.
        self._entries: dict[int, tuple[GroupedFieldSet, list[_Entry]]] = {}
        manager = self.middleware_manager
        self._direct = manager is None or not manager.middlewares

    def _plan(self, field: GraphQLField | None) -> PlainField | None:
        if field is None or not self._direct:
            return None
        known = self._plans.get(id(field))
        if known is None:
            known = self._plans[id(field)] = (field, plain_field(field))
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

    def _complete_object(
        self,
        plan: PlainField,
        details: FieldDetailsList,
        path: Path,
        value: Any,
        position_context: Any,
    ) -> AwaitableOrValue[Any]:
        """What `execute_field` and `complete_value` do for an object of the field's own
        class: its `is_type_of` holds for it (Strawberry's is an isinstance check), so its
        sub-selection runs at once, errors handled as graphql-core handles them there."""
        assert plan.object_type is not None
        try:
            completed = self.collect_and_execute_subfields(
                plan.object_type, details, path, value, position_context
            )
        except Exception as raw_error:
            self.handle_field_error(raw_error, plan.return_type, details, path)
            return None
        if self.is_awaitable(completed):
            return self._awaited(completed, plan.return_type, details, path)
        return completed

    async def _awaited(
        self,
        completed: Awaitable[Any],
        return_type: GraphQLOutputType,
        details: FieldDetailsList,
        path: Path,
    ) -> Any:
        try:
            return await completed
        except Exception as raw_error:
            self.handle_field_error(raw_error, return_type, details, path)
            return None

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
                    if kind is plan.kind:
                        if plan.object_type is not None:
                            completed = self._complete_object(
                                plan,
                                details,
                                Path(path, name, parent_type.name),
                                value,
                                position_context,
                            )
                            results[name] = completed
                            if is_awaitable(completed):
                                awaitable_fields.append(name)
                            continue
                        if kind is not int or _in_int_range(value):
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
