"""SQLite engine for Tortoise with the two behaviours a customer database needs.

- UPPER/LOWER that know Unicode: SQLite's own fold ASCII only, so a search for "müller"
  would miss "MÜLLER GmbH" (case-insensitive filters compare UPPER(column)).
- Write transactions start with BEGIN IMMEDIATE: the write lock is taken up front, so a
  second process waits in the busy timeout instead of failing with "database is locked"
  when it upgrades a read to a write halfway through.
"""

from __future__ import annotations

import sqlite3

from tortoise.backends.base.client import TransactionContext
from tortoise.backends.sqlite.client import (
    SqliteClient,
    SqliteTransactionContext,
    SqliteTransactionWrapper,
)
from tortoise.exceptions import TransactionManagementError


def _upper(value: object) -> object:
    return value.upper() if isinstance(value, str) else value


def _lower(value: object) -> object:
    return value.lower() if isinstance(value, str) else value


class ImmediateTransactionWrapper(SqliteTransactionWrapper):
    async def begin(self) -> None:
        try:
            await self._connection.commit()
            await self._connection.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise TransactionManagementError(exc) from exc


class KundenstammSqliteClient(SqliteClient):
    async def _post_connect(self) -> None:
        await super()._post_connect()
        assert self._connection is not None
        await self._connection.create_function("upper", 1, _upper, deterministic=True)
        await self._connection.create_function("lower", 1, _lower, deterministic=True)

    def _in_transaction(self) -> TransactionContext:
        return SqliteTransactionContext(ImmediateTransactionWrapper(self), self._lock)


client_class = KundenstammSqliteClient
