"""Many rows of one table in one prepared INSERT, without a model instance per row.

An import writes hundreds of thousands of rows. Building a Tortoise model for each and
letting `bulk_create` convert every field of every instance took more time than the
database took to store them. Here each column gets its converter once, rows come as
plain mappings of column values, and the statement runs through the driver's
executemany (a loop in C on SQLite, one pipelined round trip on PostgreSQL).

The values stored are those `bulk_create` stores: the same conversions, the model's
defaults, `auto_now`/`auto_now_add` columns set to the moment of the call. A JSON
column also takes text its caller encoded already (with the field's own encoder).
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from tortoise import connections, fields, timezone
from tortoise.models import Model

_Converter = Callable[[Any], Any]
_MISSING = object()


def _plain(value: Any) -> Any:
    return value


def _uuid_text(value: Any) -> Any:
    # What UUIDField.to_db_value does on both dialects.
    return value and str(value)


def _enum_value(value: Any) -> Any:
    return str(value.value) if isinstance(value, enum.Enum) else value


def _converter(model: type[Model], field: fields.Field[Any]) -> _Converter:
    """The field's own to_db_value, or a shortcut that returns the same for our values."""
    if isinstance(field, fields.UUIDField):
        return _uuid_text
    if isinstance(field, fields.data.CharEnumFieldInstance):
        return _enum_value
    if type(field) in (fields.CharField, fields.IntField, fields.BigIntField):
        # Lengths and types were checked by the domain rules before.
        return _plain
    if isinstance(field, fields.DatetimeField | fields.BooleanField):
        return _plain
    if isinstance(field, fields.JSONField):
        # Text is JSON its caller encoded with this field's encoder already.
        return lambda value: value if isinstance(value, str) else field.to_db_value(value, model)
    return lambda value: field.to_db_value(value, model)


class _Table:
    """Columns, defaults and converters of one model: worked out once per call."""

    def __init__(self, model: type[Model], now: dt.datetime) -> None:
        meta = model._meta
        self.names: list[str] = []
        self.columns: list[str] = []
        self.converters: list[_Converter] = []
        self.defaults: list[Any] = []
        for name, column in meta.fields_db_projection.items():
            field = meta.fields_map[name]
            if field.generated:
                continue
            self.names.append(name)
            self.columns.append(column)
            self.converters.append(_converter(model, field))
            auto_now = isinstance(field, fields.DatetimeField) and (
                field.auto_now or field.auto_now_add
            )
            self.defaults.append(now if auto_now else field.default)

    def row(self, values: Mapping[str, Any]) -> tuple[Any, ...]:
        out = []
        for name, convert, default in zip(self.names, self.converters, self.defaults, strict=True):
            value = values.get(name, _MISSING)
            if value is _MISSING:
                value = default() if callable(default) else default
            out.append(convert(value))
        return tuple(out)


@dataclass(frozen=True, slots=True)
class PreparedInsert:
    """Rows converted to column values: the conversion runs outside the transaction, so
    that the write lock is held for the INSERT alone."""

    model: type[Model]
    columns: list[str]
    values: list[tuple[Any, ...]]


def prepare_insert(
    model: type[Model], rows: Iterable[Mapping[str, Any]], *, now: dt.datetime | None = None
) -> PreparedInsert:
    """`rows`: field name -> value; absent fields get the model's default."""
    table = _Table(model, now or timezone.localtime())
    return PreparedInsert(model, table.columns, [table.row(row) for row in rows])


async def insert_prepared(prepared: PreparedInsert) -> int:
    """Call inside a transaction: the rows are written together or not at all."""
    if not prepared.values:
        return 0
    model = prepared.model
    connection = connections.get(model._meta.default_connection or "default")
    executor = connection.executor_class(model=model, db=connection)
    columns = prepared.columns
    query = (
        connection.query_class.into(model._meta.basetable)
        .columns(*columns)
        .insert(*[executor.parameter(i) for i in range(len(columns))])
    )
    await connection.execute_many(str(query), prepared.values)
    return len(prepared.values)


async def insert_many(
    model: type[Model], rows: Iterable[Mapping[str, Any]], *, now: dt.datetime | None = None
) -> int:
    """Insert `rows` (field name -> value; absent fields get the model's default).

    Call inside a transaction: the rows are written together or not at all.
    """
    return await insert_prepared(prepare_insert(model, rows, now=now))
