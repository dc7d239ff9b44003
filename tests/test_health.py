"""GET /healthz (the process answers) and GET /readyz (the database answers and no
migration is pending): no key, no charge."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from tortoise import connections

from app import create_app
from database import migrate_to
from settings import Settings
from tests.client import Api, api_from
from tests.live_server import ROOT, kundenstamm_command

# The migrations in order (their numbers); a database one behind the code lacks the newest.
MIGRATIONS = sorted(path.stem for path in (ROOT / "migrations").glob("[0-9][0-9][0-9][0-9]_*.py"))
NEWEST = MIGRATIONS[-1]
LAST_BUT_ONE = f"models.{MIGRATIONS[-2]}"


async def applied_migrations() -> set[str]:
    rows = await connections.get("default").execute_query_dict(
        "SELECT name FROM tortoise_migrations"
    )
    return {row["name"] for row in rows}


async def test_healthz_answers_without_a_key(api: Api) -> None:
    # when
    response = await api.http.get("/healthz")
    # then
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "x-request-id" in response.headers


async def test_readyz_is_ready_on_a_migrated_database(api: Api) -> None:
    # when
    response = await api.http.get("/readyz")
    # then
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert set(MIGRATIONS) <= await applied_migrations()


async def test_readyz_is_503_until_pending_migrations_are_applied(
    empty_database: str, tmp_path: Path
) -> None:
    # given: a database one migration behind the code (a deploy before `migrate`)
    await migrate_to(empty_database, LAST_BUT_ONE)
    app = create_app(Settings(database_url=empty_database, export_dir=tmp_path / "exports"))
    async with app.router.lifespan_context(app), api_from(app, "127.0.0.1") as api:
        # when
        before = await api.http.get("/readyz")
        alive = await api.http.get("/healthz")
        pending = await applied_migrations()
        migrate = await asyncio.create_subprocess_exec(
            *kundenstamm_command(),
            "migrate",
            cwd=ROOT,
            env={**os.environ, "KUNDENSTAMM_DATABASE_URL": empty_database},
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )
        assert await asyncio.wait_for(migrate.wait(), timeout=120) == 0
        after = await api.http.get("/readyz")
    # then: not ready, saying why, and nothing migrated by the probe itself
    assert before.status_code == 503
    assert before.json() == {
        "status": "unavailable",
        "reason": "migrations_pending",
        "pending": [NEWEST],
    }
    assert NEWEST not in pending
    assert alive.status_code == 200
    assert after.status_code == 200
