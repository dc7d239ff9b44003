"""SQLite engine for Tortoise with the two behaviours a customer database needs.

- UPPER/LOWER that know Unicode: SQLite's own fold ASCII only, so a search for "müller"
  would miss "MÜLLER GmbH" (case-insensitive filters compare UPPER(column)).
- Write transactions start with BEGIN IMMEDIATE: the write lock is taken up front, so a
  second process waits in the busy timeout instead of failing with "database is locked"
  when it upgrades a read to a write halfway through.
- Reads outside a transaction go to a second, read-only connection. Tortoise serialises
  every statement of a process on one connection: a write waiting for another process's
  write lock (an import publishing, say) held up every read of the process behind it,
  though WAL lets readers go on. Reads still see every committed write: each statement
  of the reader starts a fresh read of the database.
- Writes take turns with other processes' (database/write_turns.py): a batch job's
  transactions give way to the server's writes instead of racing them for the lock.
- secure_delete: what a write replaces or deletes is overwritten with zeros, not left in
  the file's free space, so erased personal data (DSGVO) cannot be read from the file.
  Debian's SQLite is built with it on; other builds are not, so it is set explicitly.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections.abc import Sequence
from typing import Any, cast

import aiosqlite
from tortoise.backends.base.client import (
    BaseDBAsyncClient,
    ConnectionWrapper,
    TransactionContext,
)
from tortoise.backends.sqlite.client import (
    SqliteClient,
    SqliteTransactionContext,
    SqliteTransactionWrapper,
    translate_exceptions,
)
from tortoise.connection import get_connections
from tortoise.exceptions import TransactionManagementError

from database.write_turns import WriteTurns

SERVER_PATIENCE_SECONDS = 2.0
"""A server write waits this long at most for a batch transaction to end."""
BATCH_PATIENCE_SECONDS = 1.0
"""A batch transaction waits this long at most for server writes, then goes in anyway."""


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

    def __init__(self, connection: Any, trxlock: asyncio.Lock, turns: WriteTurns | None) -> None:
        super().__init__(connection, trxlock)
        self._turns = turns

    async def __aenter__(self) -> SqliteTransactionWrapper:
        await self._trxlock.acquire()
        try:
            await self.ensure_connection()
            if self._turns is not None:
                await self._turns.take()
            self.token = get_connections().set(self.connection_name, self.connection)
            try:
                await self.connection.begin()
            except BaseException:
                await self._end_orphaned_begin()
                get_connections().reset(self.token)
                raise
        except BaseException:
            await _end_turn(self._turns, None)  # nothing written: no checkpoint
            self._trxlock.release()
            raise
        wrapper: SqliteTransactionWrapper = self.connection
        return wrapper

    async def __aexit__(self, exc_type: Any, exc_val: Any, exc_tb: Any) -> None:
        # The turn is given back before the connection lock: the base class releases that.
        try:
            if not self.connection._finalized:
                if exc_type:
                    if exc_type is not TransactionManagementError:
                        await self.connection.rollback()
                else:
                    await self.connection.commit()
        finally:
            try:
                await _end_turn(self._turns, self.connection._connection)
            finally:
                get_connections().reset(self.token)
                self._trxlock.release()

    async def _end_orphaned_begin(self) -> None:
        """A cancelled BEGIN IMMEDIATE still runs on aiosqlite's thread once the other
        process lets go, and would leave the shared connection inside a transaction. A
        ROLLBACK queued right behind it ends that before any other statement runs."""
        # Nothing began (the common case), or cancelled once more: either way go on.
        with contextlib.suppress(BaseException):
            await asyncio.shield(self.connection._connection.rollback())


class _TurnTakingConnection(ConnectionWrapper[aiosqlite.Connection]):
    """The process's connection for one statement, with the process's turn to write."""

    __slots__ = ("_turns",)

    def __init__(
        self, lock: asyncio.Lock, client: BaseDBAsyncClient, turns: WriteTurns | None
    ) -> None:
        super().__init__(lock, client)
        self._turns = turns

    async def __aenter__(self) -> aiosqlite.Connection:
        connection = await super().__aenter__()
        if self._turns is not None:
            try:
                await self._turns.take()
            except BaseException:
                self._lock.release()
                raise
        return connection

    async def __aexit__(self, exc_type: Any, exc_val: Any, exc_tb: Any) -> None:
        try:
            await _end_turn(self._turns, self.connection)
        finally:
            await super().__aexit__(exc_type, exc_val, exc_tb)


async def _end_turn(turns: WriteTurns | None, connection: aiosqlite.Connection | None) -> None:
    """Give the turn back; a batch process then copies its writes into the database file.

    SQLite copies the write-ahead log into the file (a checkpoint) in the commit that
    makes the log pass 1,000 pages, and an import fills it fast: the server's writes
    found themselves doing the import's checkpoints, or waiting for them. So a batch
    process turns that off for itself and checkpoints after each of its turns. Less
    often is not cheaper for the server: a log that is never copied completely is never
    restarted either, and every commit of the server past 1,000 pages then copies what
    is left (the API's write p50 went from 12 to 27 ms with a checkpoint every 0.25 s).
    """
    if turns is None:
        return
    turns.give_back()
    if turns.batch and connection is not None:
        await _checkpoint_passive(connection)


async def _checkpoint_passive(connection: aiosqlite.Connection) -> None:
    # Best effort: a checkpoint that finds the log busy copies what it can.
    with contextlib.suppress(sqlite3.Error):
        await connection.execute("PRAGMA wal_checkpoint(PASSIVE)")


async def _add_functions(connection: aiosqlite.Connection) -> None:
    await connection.create_function("upper", 1, _upper, deterministic=True)
    await connection.create_function("lower", 1, _lower, deterministic=True)


def _reads_only(query: str) -> bool:
    return query.lstrip()[:6].upper() == "SELECT"


class KundenstammSqliteClient(SqliteClient):
    def __init__(self, file_path: str, *, batch_writer: bool = False, **kwargs: Any) -> None:
        """`batch_writer`: this process runs batch jobs; its writes give way to the server's."""
        super().__init__(file_path, **kwargs)
        self._reader: aiosqlite.Connection | None = None
        self._reader_lock = asyncio.Lock()
        self._batch_writer = batch_writer
        self._turns: WriteTurns | None = None

    async def _post_connect(self) -> None:
        await super()._post_connect()
        assert self._connection is not None
        await _add_functions(self._connection)
        await self._connection.execute("PRAGMA secure_delete = ON")

    async def create_connection(self, with_db: bool) -> None:
        await super().create_connection(with_db)
        # An in-memory database is private to its connection: no reader can share it.
        if self._reader is None and self.filename != ":memory:":
            reader = await aiosqlite.connect(self.filename, isolation_level=None)
            reader._conn.row_factory = sqlite3.Row
            busy_timeout = self.pragmas.get("busy_timeout")
            if busy_timeout is not None:
                await reader.execute(f"PRAGMA busy_timeout = {int(busy_timeout)}")
            await reader.execute("PRAGMA query_only = ON")
            await _add_functions(reader)
            self._reader = reader
            if self._batch_writer:
                assert self._connection is not None
                # Checkpoints after its turn (`_end_turn`), not in its commits.
                await self._connection.execute("PRAGMA wal_autocheckpoint = 0")
                # A batch transaction holds the turn until it committed: no flush to disk
                # in the commit (half its time). The checkpoints after its turns flush
                # the log; a batch job calls `flush` before it lets go of its input.
                # Until then a power cut or an operating system crash (not a crash of
                # the process) may undo its last commits, and its job runs again.
                await self._connection.execute("PRAGMA synchronous = NORMAL")
                # The indexes of a table of 100,000 customers, kept in memory (32 MiB).
                await self._connection.execute("PRAGMA cache_size = -32768")
            self._turns = WriteTurns(
                f"{self.filename}-writers",
                batch=self._batch_writer,
                patience=BATCH_PATIENCE_SECONDS if self._batch_writer else SERVER_PATIENCE_SECONDS,
            )

    async def close(self) -> None:
        if self._reader is not None:
            await self._reader.close()
            self._reader = None
        if self._turns is not None:
            self._turns.close()
            self._turns = None
        await super().close()

    def _in_transaction(self) -> TransactionContext:
        return SafeTransactionContext(ImmediateTransactionWrapper(self), self._lock, self._turns)

    def batch_contended(self) -> bool:
        """A batch process whose turns had to wait for the server's writes a moment ago."""
        return self._turns is not None and self._turns.batch and self._turns.contended()

    def acquire_connection(self) -> ConnectionWrapper[aiosqlite.Connection]:
        """Statements outside a transaction; those that reach this connection write."""
        return _TurnTakingConnection(self._lock, self, self._turns)

    async def _read(self, query: str, values: list[Any] | None) -> list[sqlite3.Row]:
        assert self._reader is not None
        query = query.replace("\x00", "'||CHAR(0)||'")  # as Tortoise's own statements
        self.log.debug("%s: %s", query, values)
        async with self._reader_lock:
            rows = await self._reader.execute_fetchall(query, values)
        return list(rows)

    @translate_exceptions
    async def execute_query(
        self, query: str, values: list[Any] | None = None
    ) -> tuple[int, Sequence[dict[str, Any]]]:
        if self._reader is None or not _reads_only(query):
            written: tuple[int, Sequence[dict[str, Any]]] = await super().execute_query(
                query, values
            )
            return written
        rows = await self._read(query, values)
        return len(rows), cast(Sequence[dict[str, Any]], rows)

    @translate_exceptions
    async def execute_query_dict(
        self, query: str, values: list[Any] | None = None
    ) -> list[dict[str, Any]]:
        if self._reader is None or not _reads_only(query):
            found: list[dict[str, Any]] = await super().execute_query_dict(query, values)
            return found
        rows = await self._read(query, values)
        return [dict(row) for row in rows]


async def flush(client: BaseDBAsyncClient) -> None:
    """A batch writer's commits onto the disk (its commits do not flush themselves)."""
    if isinstance(client, KundenstammSqliteClient) and client._connection is not None:
        async with client._lock:
            await _checkpoint_passive(client._connection)


async def checkpoint(client: BaseDBAsyncClient) -> bool:
    """Copy the write-ahead log into the database file and empty it: the log still holds
    the pages as they were before recent writes. False when another process's reader kept
    part of the log (it is emptied by a later checkpoint)."""
    rows = await client.execute_query_dict("PRAGMA wal_checkpoint(TRUNCATE)")
    return not rows or not rows[0]["busy"]


client_class = KundenstammSqliteClient
