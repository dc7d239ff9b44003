"""SQLite engine for Tortoise with the two behaviours a customer database needs.

- UPPER/LOWER that know Unicode: SQLite's own fold ASCII only, so a search for "müller"
  would miss "MÜLLER GmbH" (case-insensitive filters compare UPPER(column)).
- Write transactions start with BEGIN IMMEDIATE: the write lock is taken up front, so a
  second process waits in the busy timeout instead of failing with "database is locked"
  when it upgrades a read to a write halfway through.
- secure_delete: what a write replaces or deletes is overwritten with zeros, not left in
  the file's free space, so erased personal data (DSGVO) cannot be read from the file.
  Debian's SQLite is built with it on; other builds are not, so it is set explicitly.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3

from tortoise.backends.base.client import BaseDBAsyncClient, TransactionContext
from tortoise.backends.sqlite.client import (
    SqliteClient,
    SqliteTransactionContext,
    SqliteTransactionWrapper,
)
from tortoise.connection import get_connections
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


class SafeTransactionContext(SqliteTransactionContext):
    """Tortoise's context, but one whose BEGIN may fail without leaking the lock.

    The original takes the process's connection lock, then BEGINs; when BEGIN fails
    (the busy timeout ran out behind another process's write) or is cancelled, nobody
    releases the lock and every later query of the process waits forever.
    """

    async def __aenter__(self) -> SqliteTransactionWrapper:
        await self._trxlock.acquire()
        try:
            await self.ensure_connection()
            self.token = get_connections().set(self.connection_name, self.connection)
            try:
                await self.connection.begin()
            except BaseException:
                await self._end_orphaned_begin()
                get_connections().reset(self.token)
                raise
        except BaseException:
            self._trxlock.release()
            raise
        wrapper: SqliteTransactionWrapper = self.connection
        return wrapper

    async def _end_orphaned_begin(self) -> None:
        """A cancelled BEGIN IMMEDIATE still runs on aiosqlite's thread once the other
        process lets go, and would leave the shared connection inside a transaction. A
        ROLLBACK queued right behind it ends that before any other statement runs."""
        # Nothing began (the common case), or cancelled once more: either way go on.
        with contextlib.suppress(BaseException):
            await asyncio.shield(self.connection._connection.rollback())


class KundenstammSqliteClient(SqliteClient):
    async def _post_connect(self) -> None:
        await super()._post_connect()
        assert self._connection is not None
        await self._connection.create_function("upper", 1, _upper, deterministic=True)
        await self._connection.create_function("lower", 1, _lower, deterministic=True)
        await self._connection.execute("PRAGMA secure_delete = ON")

    def _in_transaction(self) -> TransactionContext:
        return SafeTransactionContext(ImmediateTransactionWrapper(self), self._lock)


async def checkpoint(client: BaseDBAsyncClient) -> bool:
    """Copy the write-ahead log into the database file and empty it: the log still holds
    the pages as they were before recent writes. False when another process's reader kept
    part of the log (it is emptied by a later checkpoint)."""
    rows = await client.execute_query_dict("PRAGMA wal_checkpoint(TRUNCATE)")
    return not rows or not rows[0]["busy"]


client_class = KundenstammSqliteClient
