"""Fixtures: the real app over HTTP (httpx ASGITransport) on a real, freshly emptied database.

SQLite by default. With KUNDENSTAMM_TEST_DATABASE_URL=postgres://... the same tests run
against PostgreSQL. The schema always comes from the committed migrations.
"""

from __future__ import annotations

import os
import shutil
import urllib.parse
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import pytest
from starlette.applications import Starlette

from app import create_app
from database import apply_migrations
from domain.organizations import create_organization
from models.enums import ApiKeyScope
from settings import Settings
from tests.client import Api, Tenant, api_from

POSTGRES_URL = os.environ.get("KUNDENSTAMM_TEST_DATABASE_URL")


def _admin_dsn(url: str) -> tuple[str, str]:
    parts = urllib.parse.urlsplit(url)
    database = parts.path.lstrip("/")
    admin = urllib.parse.urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
    return admin, database


async def recreate_postgres_database(url: str) -> None:
    admin, database = _admin_dsn(url)
    connection = await asyncpg.connect(admin)
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        await connection.execute(f'CREATE DATABASE "{database}"')
    finally:
        await connection.close()


async def _empty_postgres_tables(url: str) -> None:
    connection = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
    try:
        tables = await connection.fetch(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
            "AND tablename <> 'tortoise_migrations'"
        )
        names = ", ".join(f'"{row["tablename"]}"' for row in tables)
        await connection.execute(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
    finally:
        await connection.close()


@pytest.fixture(autouse=True)
def own_data_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Servers and settings keep their generated files (signing key, first key) in the
    test's own folder, never in the checkout: the data directory falls back to the
    working directory when the database is not a SQLite file."""
    monkeypatch.setenv("KUNDENSTAMM_DATA_DIR", str(tmp_path))
    monkeypatch.chdir(tmp_path)


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A database migrated once per session: a SQLite file to copy, or the PostgreSQL URL."""
    import asyncio

    if POSTGRES_URL:
        asyncio.run(recreate_postgres_database(POSTGRES_URL))
        asyncio.run(apply_migrations(POSTGRES_URL))
        yield POSTGRES_URL
        return
    template = tmp_path_factory.mktemp("template") / "template.sqlite3"
    asyncio.run(apply_migrations(f"sqlite://{template}"))
    yield str(template)


@pytest.fixture
async def database_url(migrated_template: str, tmp_path: Path) -> str:
    if POSTGRES_URL:
        await _empty_postgres_tables(POSTGRES_URL)
        return POSTGRES_URL
    target = tmp_path / "kundenstamm.sqlite3"
    shutil.copyfile(migrated_template, target)
    return f"sqlite://{target}"


@pytest.fixture
async def empty_database(tmp_path: Path) -> AsyncIterator[str]:
    """A database without any table, not even the migrations' own."""
    if POSTGRES_URL:
        url = POSTGRES_URL.rsplit("/", 1)[0] + "/kundenstamm_migrations_test"
        await recreate_postgres_database(url)
        yield url
    else:
        yield f"sqlite://{tmp_path / 'empty.sqlite3'}"


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        database_url=database_url,
        public_url="http://testserver",
        secret_key="test-secret-" + "x" * 32,
        export_dir=tmp_path / "exports",
        # Tests set up data faster than any client may, and some send documents priced far
        # above a page (the depth limit's); cost and throttling have tests of their own.
        rate_limit_bucket=1_000_000,
        rate_limit_restore_rate=1_000_000,
        max_query_cost=1_000_000,
    )


@pytest.fixture
async def served_app(settings: Settings) -> AsyncIterator[Starlette]:
    """The app with its real lifespan (database opened as in production)."""
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        yield app


@pytest.fixture
async def api(served_app: Starlette) -> AsyncIterator[Api]:
    """The app over HTTP, as a client at 127.0.0.1."""
    async with api_from(served_app, "127.0.0.1") as client:
        yield client


@pytest.fixture
async def tenant(api: Api) -> Tenant:
    organization, key = await create_organization(name="Muster GmbH")
    return Tenant(api=api, organization_id=organization.id, key=key.secret)


@pytest.fixture
async def other_tenant(api: Api) -> Tenant:
    organization, key = await create_organization(name="Andere AG")
    return Tenant(api=api, organization_id=organization.id, key=key.secret)


@pytest.fixture
async def datev_tenant(api: Api) -> Tenant:
    organization, key = await create_organization(name="Steuer KG", datev_enabled=True)
    return Tenant(api=api, organization_id=organization.id, key=key.secret)


@pytest.fixture
async def read_only_key(tenant: Tenant) -> str:
    from domain.api_keys import issue_key

    key = await issue_key(organization_id=tenant.organization_id, scope=ApiKeyScope.READ)
    return key.secret
