"""Tortoise configuration and migrations, shared by the server, the CLI and the tests."""

from __future__ import annotations

from typing import Any

from tortoise import Tortoise
from tortoise.backends.base.config_generator import expand_db_url
from tortoise.migrations.api import migrate

MODEL_MODULES = ["models"]


def tortoise_config(database_url: str) -> dict[str, Any]:
    return {
        "connections": {"default": _connection(database_url)},
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


def _connection(database_url: str) -> str | dict[str, Any]:
    if not database_url.startswith("sqlite://"):
        return database_url
    config = expand_db_url(database_url)
    config["engine"] = "database.sqlite"
    credentials = config["credentials"]
    # WAL lets readers go on while one process writes; the busy timeout turns a brief
    # lock by another process into a wait, not an error.
    credentials.setdefault("journal_mode", "WAL")
    credentials.setdefault("busy_timeout", 10_000)
    return config


async def apply_migrations(database_url: str) -> None:
    """Bring the database schema up to date with the committed migrations."""
    try:
        await migrate(config=tortoise_config(database_url))
    finally:
        await Tortoise.close_connections()
