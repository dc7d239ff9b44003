"""Tortoise configuration and migrations, shared by the server, the CLI and the tests."""

from __future__ import annotations

import asyncio
import fcntl
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
from tortoise import Tortoise, connections
from tortoise.backends.base.config_generator import expand_db_url
from tortoise.migrations.api import migrate

MODEL_MODULES = ["models"]


class MigrationError(RuntimeError):
    pass


def tortoise_config(
    database_url: str, *, migrating: bool = False, batch_writer: bool = False
) -> dict[str, Any]:
    """`batch_writer`: for a process that runs batch jobs (imports); on SQLite its writes
    give way to the server processes' (database/write_turns.py)."""
    return {
        "connections": {
            "default": _connection(database_url, migrating=migrating, batch_writer=batch_writer)
        },
        "apps": {
            "models": {
                "models": MODEL_MODULES,
                "default_connection": "default",
                "migrations": "migrations",
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


def _connection(database_url: str, *, migrating: bool, batch_writer: bool) -> str | dict[str, Any]:
    config = expand_db_url(database_url)
    if not database_url.startswith("sqlite://"):
        # asyncpg prepares every statement; PostgreSQL may then reuse one generic plan,
        # made when a tenant or a table was small, for a tenant or transaction that is
        # large (an import inserting 100,000 rows slowed down quadratically that way).
        # Our statements are cheap to plan: plan each with its actual parameters.
        config["credentials"].setdefault("server_settings", {})["plan_cache_mode"] = (
            "force_custom_plan"
        )
        config["engine"] = "database.postgres"
        return config
    config["engine"] = "database.sqlite"
    credentials = config["credentials"]
    # WAL lets readers go on while one process writes; the busy timeout turns a brief
    # lock by another process into a wait, not an error.
    credentials.setdefault("journal_mode", "WAL")
    credentials.setdefault("busy_timeout", 10_000)
    # SQLite changes a column by copying the table and dropping the old one. With foreign
    # keys on, that drop would cascade into (and empty) the referencing tables, so
    # migrations run with them off and are checked afterwards, as SQLite documents.
    credentials["foreign_keys"] = "OFF" if migrating else "ON"
    credentials["batch_writer"] = batch_writer
    return config


def rows_per_write(*, alone: int, contended: int) -> int:
    """How many rows a batch job writes per transaction.

    `contended` while this is a batch process on SQLite whose turns to write had to wait
    for server processes' writes a moment ago: each of its transactions holds the one
    write lock, and a request's write may wait for it to end. Else `alone`: fewer
    transactions, a faster import.
    """
    from database.sqlite import KundenstammSqliteClient

    client = connections.get("default")
    if isinstance(client, KundenstammSqliteClient) and client.batch_contended():
        return contended
    return alone


async def flush_writes() -> None:
    """Call before a batch job lets go of what it could be run again from (its upload):
    on SQLite, a batch process's commits reach the disk only with its checkpoints."""
    from database.sqlite import flush

    await flush(connections.get("default"))


async def wipe_replaced_data() -> bool:
    """After erasing data: leave no old copy of it in the database's files.

    SQLite (secure_delete is on, see database/sqlite.py) only needs its write-ahead log
    checkpointed and emptied. PostgreSQL keeps replaced row versions until VACUUM reuses
    their space; they are unreachable through SQL. Call outside any transaction; False
    when a copy may remain for now.
    """
    client = connections.get("default")
    if client.capabilities.dialect != "sqlite":
        return True
    from database.sqlite import checkpoint

    return await checkpoint(client)


async def migrate_to(database_url: str, target: str | None = None) -> None:
    """Apply committed migrations (all, or up to `target`, e.g. "models.0002_...")."""
    try:
        await migrate(config=tortoise_config(database_url, migrating=True), target=target)
        if database_url.startswith("sqlite://"):
            broken = await connections.get("default").execute_query_dict("PRAGMA foreign_key_check")
            if broken:
                raise MigrationError(f"migration left rows with broken references: {broken[:5]}")
    finally:
        await Tortoise.close_connections()


async def apply_migrations(database_url: str) -> None:
    """Bring the database schema up to date with the committed migrations."""
    async with migration_lock(database_url):
        await migrate_to(database_url)


# PostgreSQL's advisory locks keyed by two 32-bit numbers: a key space apart from the
# 64-bit keys of idempotent requests (domain/idempotency), so the two never collide.
MIGRATION_LOCK_KEYS = (0x4B53, 1)  # "KS", the migration


@asynccontextmanager
async def migration_lock(database_url: str) -> AsyncIterator[None]:
    """Held while one process migrates (and sets up a new database): one at a time.

    Several `kundenstamm serve` or `migrate` processes may start at once on one database;
    the others wait here and then find the work done. PostgreSQL: a session advisory
    lock on a connection of its own (released also when the process dies). SQLite: an
    exclusive flock on a file next to the database, released by the kernel when the
    process dies too (BEGIN EXCLUSIVE on the database would shut out the migration's own
    connection); the file stays, empty.
    """
    config = expand_db_url(database_url)
    credentials = config["credentials"]
    if not database_url.startswith("sqlite://"):
        connection = await asyncpg.connect(
            host=credentials.get("host"),
            port=credentials.get("port"),
            user=credentials.get("user"),
            password=credentials.get("password"),
            database=credentials.get("database"),
            ssl=credentials.get("ssl"),
        )
        try:
            await connection.execute("SELECT pg_advisory_lock($1, $2)", *MIGRATION_LOCK_KEYS)
            yield
        finally:
            await connection.close()  # ends the session, and with it the lock
        return
    path = credentials["file_path"]
    if path == ":memory:":
        yield  # a database of this process alone
        return
    descriptor = os.open(f"{path}.migration-lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        while True:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                await asyncio.sleep(0.05)  # polled: a blocking wait could not be cancelled
        yield
    finally:
        os.close(descriptor)  # releases the lock
