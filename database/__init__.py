"""Tortoise configuration and migrations, shared by the server, the CLI and the tests."""

from __future__ import annotations

from typing import Any

from tortoise import Tortoise, connections
from tortoise.backends.base.config_generator import expand_db_url
from tortoise.migrations.api import migrate

MODEL_MODULES = ["models"]


class MigrationError(RuntimeError):
    pass


def tortoise_config(database_url: str, *, migrating: bool = False) -> dict[str, Any]:
    return {
        "connections": {"default": _connection(database_url, migrating=migrating)},
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


def _connection(database_url: str, *, migrating: bool) -> str | dict[str, Any]:
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
    return config


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
    await migrate_to(database_url)
