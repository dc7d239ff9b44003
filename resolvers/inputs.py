"""Turning GraphQL inputs into the plain values the domain takes."""

from __future__ import annotations

import uuid
from enum import Enum
from typing import Any

from strawberry.types.maybe import Some

from domain.errors import not_found
from schema.node import decode_id


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, Enum) else value


def given(source: object, names: tuple[str, ...]) -> dict[str, Any]:
    """The fields the client sent (null included), enums as their stored values."""
    values: dict[str, Any] = {}
    for name in names:
        maybe = getattr(source, name)
        if isinstance(maybe, Some):
            values[name] = _plain(maybe.value)
    return values


def value_of(maybe: Some[Any] | None, default: Any = None) -> Any:
    """The value sent, or `default` when the field was absent or null."""
    if maybe is None or maybe.value is None:
        return default
    return _plain(maybe.value)


def require_id(global_id: str, type_name: str, field: str = "id") -> uuid.UUID:
    pk = decode_id(global_id, type_name)
    if pk is None:
        raise not_found(type_name, (field,))
    return pk
