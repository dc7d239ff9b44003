"""Which database the default connection talks to, for the few statements that differ."""

from __future__ import annotations

from tortoise import connections


def is_postgres() -> bool:
    dialect: str = connections.get("default").capabilities.dialect
    return dialect == "postgres"
