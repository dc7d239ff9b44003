"""`kundenstamm backup FILE` while customers are being written, and a restore from it that
`kundenstamm migrate` accepts and that holds every customer committed before the backup
began (SQLite: the online backup API; PostgreSQL: pg_dump, restored with pg_restore)."""

from __future__ import annotations

import asyncio
import os
import shutil
import sqlite3
import stat
from pathlib import Path

import asyncpg
import pytest

from database.backup import pg_dump_command
from tests.client import Tenant
from tests.conftest import POSTGRES_URL, recreate_postgres_database
from tests.live_server import ROOT, kundenstamm_command

CREATE = """
mutation Create($input: CustomerCreateInput!) {
  customerCreate(input: $input) { customer { customerNumber } userErrors { code } }
}
"""


async def run_cli(database_url: str, *args: str) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        *kundenstamm_command(),
        *args,
        cwd=ROOT,
        env={**os.environ, "KUNDENSTAMM_DATABASE_URL": database_url},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await asyncio.wait_for(process.communicate(), timeout=120)
    assert process.returncode is not None
    return process.returncode, out.decode()


class Writer:
    """Creates customers one after another; knows which were committed (answered)."""

    def __init__(self, tenant: Tenant) -> None:
        self.tenant = tenant
        self.committed: list[str] = []
        self.running = True
        self.under_way = asyncio.Event()

    async def run(self) -> None:
        index = 0
        while self.running:
            index += 1
            company = {"type": "COMPANY", "companyName": f"Firma {index:05d}"}
            data = await self.tenant.execute(CREATE, {"input": company})
            self.committed.append(data["customerCreate"]["customer"]["customerNumber"])
            if len(self.committed) >= 20:
                self.under_way.set()


async def backup_during_writes(tenant: Tenant, database_url: str, target: Path) -> list[str]:
    """Runs the backup while a writer goes on; returns what was committed before it."""
    writer = Writer(tenant)
    writing = asyncio.create_task(writer.run())
    try:
        await asyncio.wait_for(writer.under_way.wait(), timeout=60)
        before = list(writer.committed)
        code, out = await run_cli(database_url, "backup", str(target))
        assert code == 0, out
        assert not writing.done(), "the writer must still be writing"
    finally:
        writer.running = False
        await writing
    return before


def sqlite_customer_numbers(path: Path) -> set[str]:
    connection = sqlite3.connect(path)
    try:
        return {row[0] for row in connection.execute("SELECT customer_number FROM customers")}
    finally:
        connection.close()


@pytest.mark.skipif(POSTGRES_URL is not None, reason="the SQLite backup")
async def test_a_sqlite_backup_during_writes_restores_every_committed_customer(
    tenant: Tenant, database_url: str, tmp_path: Path
) -> None:
    # given
    target = tmp_path / "backup.sqlite3"
    # when
    before = await backup_during_writes(tenant, database_url, target)
    restored = tmp_path / "restored" / "kundenstamm.sqlite3"
    restored.parent.mkdir()
    shutil.copyfile(target, restored)  # the restore: the file put in the database's place
    migrated, out = await run_cli(f"sqlite://{restored}", "migrate")
    numbers = await asyncio.to_thread(sqlite_customer_numbers, restored)
    # then
    assert migrated == 0, out
    assert set(before) <= numbers
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    assert not [name for name in os.listdir(tmp_path) if name.endswith(".partial")]


@pytest.mark.skipif(POSTGRES_URL is None, reason="the PostgreSQL backup")
@pytest.mark.skipif(pg_dump_command() is None, reason="needs pg_dump")
async def test_a_postgres_backup_during_writes_restores_every_committed_customer(
    tenant: Tenant, database_url: str, tmp_path: Path
) -> None:
    # given
    assert POSTGRES_URL is not None
    target = tmp_path / "backup.dump"
    restored = POSTGRES_URL.rsplit("/", 1)[0] + "/kundenstamm_restore_test"
    await recreate_postgres_database(restored)
    # when
    before = await backup_during_writes(tenant, database_url, target)
    dump = pg_dump_command()
    assert dump is not None
    restore = await asyncio.create_subprocess_exec(
        str(Path(dump).with_name("pg_restore")),
        "--no-owner",
        f"--dbname={restored.replace('postgres://', 'postgresql://', 1)}",
        str(target),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    restore_out, _ = await asyncio.wait_for(restore.communicate(), timeout=120)
    migrated, out = await run_cli(restored, "migrate")
    connection = await asyncpg.connect(restored.replace("postgres://", "postgresql://", 1))
    try:
        numbers = {
            row[0] for row in await connection.fetch("SELECT customer_number FROM customers")
        }
    finally:
        await connection.close()
    # then
    assert restore.returncode == 0, restore_out.decode()
    assert migrated == 0, out
    assert set(before) <= numbers
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600


async def test_a_backup_of_a_missing_sqlite_database_fails_with_a_message(
    tmp_path: Path,
) -> None:
    # when
    code, out = await run_cli(
        f"sqlite://{tmp_path / 'none.sqlite3'}", "backup", str(tmp_path / "x")
    )
    # then
    assert code == 1
    assert "no database file" in out
    assert not (tmp_path / "none.sqlite3").exists()
