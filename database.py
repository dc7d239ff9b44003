"""Tortoise configuration and migrations, shared by the server, the CLI and the tests."""

from __future__ import annotations

from typing import Any

from tortoise import Tortoise
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
    if database_url.startswith("sqlite://"):
        # WAL lets readers of other processes go on while one writes; the busy
        # timeout turns a brief lock by another process into a wait, not an error.
        separator = "&" if "?" in database_url else "?"
        return f"{database_url}{separator}journal_mode=WAL&busy_timeout=10000"
    return database_url


async def apply_migrations(database_url: str) -> None:
    """Bring the database schema up to date with the committed migrations."""
    try:
        await migrate(config=tortoise_config(database_url))
    finally:
        await Tortoise.close_connections()
