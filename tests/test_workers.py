"""`kundenstamm serve --workers N`: several server processes behind one port.

Real processes over HTTP: concurrent writes spread over two workers, several `serve` and
`migrate` processes starting at once on a new database, SIGTERM while a request runs,
and the validation of N.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import IO, Any

import asyncpg
import httpx
import pytest
from tortoise import Tortoise, connections

from database import migration_lock, tortoise_config
from models import ApiKey, Customer, ExportJob, NumberRange, Organization
from models.enums import JobStatus, NumberRangeKind
from tests.client import Api, Tenant
from tests.live_server import (
    ROOT,
    first_keys,
    free_port,
    kundenstamm_command,
    live_servers,
    start_server,
    stop_server,
    wait_until_up,
)
from tests.sqlite_lock import another_process_writing
from tests.test_cli import run_cli
from tests.test_migrations import MIGRATIONS

CREATE = """
mutation Create($input: CustomerCreateInput!) {
  customerCreate(input: $input) { customer { customerNumber } userErrors { field code message } }
}
"""
EXPORT = """
mutation Export { customersExport(input: {format: XLSX}) { exportJob { id } } }
"""
EXPORT_JOB = "query ExportJob($id: ID!) { exportJob(id: $id) { status url } }"
ORGANIZATION = "query Organization { organization { name } }"
CONCURRENT_CREATES = 200
# 200 writes at once are far beyond one caller's bucket; throttling has tests of its own.
UNTHROTTLED = {
    "KUNDENSTAMM_RATE_LIMIT_BUCKET": "1000000",
    "KUNDENSTAMM_RATE_LIMIT_RESTORE_RATE": "1000000",
}
# Time for a starting process to import its code and wait for the migration lock.
LINE_UP_SECONDS = 3


def company(index: int) -> dict[str, Any]:
    return {"input": {"type": "COMPANY", "companyName": f"Firma {index:03d}"}}


def worker_pids(log: Path) -> set[str]:
    """The worker processes that served POST /graphql, from their request log lines."""
    return set(re.findall(r"\[(\d+)\] kundenstamm\.access \S+ - \"POST /graphql", log.read_text()))


async def workers_started(log: Path, count: int) -> None:
    """Until `count` workers have finished their startup (each logs it with its pid)."""
    for _ in range(600):
        text = await asyncio.to_thread(log.read_text)
        started = set(re.findall(r"\[(\d+)\] .*Application startup complete", text))
        if len(started) >= count:
            return
        await asyncio.sleep(0.1)
    raise TimeoutError(f"fewer than {count} workers started")


@contextlib.contextmanager
def log_file(tmp_path: Path) -> Iterator[tuple[Path, IO[bytes]]]:
    path = tmp_path / "server.log"
    with path.open("wb") as log:
        yield path, log


# --- several workers serve one database ----------------------------------------------------


async def test_two_workers_give_200_concurrent_creates_200_distinct_numbers(
    tenant: Tenant, database_url: str, tmp_path: Path
) -> None:
    # given
    headers = {"Authorization": f"Bearer {tenant.key}"}
    with log_file(tmp_path) as (log_path, log):
        async with (
            live_servers(database_url, 1, UNTHROTTLED, workers=2, log=log) as [url],
            httpx.AsyncClient(
                base_url=url, timeout=60, limits=httpx.Limits(max_connections=CONCURRENT_CREATES)
            ) as http,
        ):
            # A worker still starting up would leave all requests to the other one.
            await workers_started(log_path, 2)
            # when
            responses = await asyncio.gather(
                *(
                    http.post(
                        "/graphql",
                        json={"query": CREATE, "variables": company(i)},
                        headers=headers,
                    )
                    for i in range(CONCURRENT_CREATES)
                )
            )
    # then
    assert [r.status_code for r in responses] == [200] * CONCURRENT_CREATES
    bodies = [r.json() for r in responses]
    assert [b for b in bodies if "errors" in b] == []
    payloads = [b["data"]["customerCreate"] for b in bodies]
    assert [p["userErrors"] for p in payloads] == [[]] * CONCURRENT_CREATES
    numbers = sorted(p["customer"]["customerNumber"] for p in payloads)
    assert numbers == [f"K{n:05d}" for n in range(1, CONCURRENT_CREATES + 1)]
    stored = await Customer.filter(organization_id=tenant.organization_id)
    assert sorted(c.customer_number for c in stored) == numbers
    number_range = await NumberRange.get(
        organization_id=tenant.organization_id, kind=NumberRangeKind.CUSTOMER
    )
    assert number_range.next_value == CONCURRENT_CREATES + 1
    assert len(worker_pids(log_path)) == 2, "both workers should have served requests"


async def test_workers_hand_out_links_to_the_address_serve_listens_on(
    tenant: Tenant, database_url: str, tmp_path: Path
) -> None:
    # given: no KUNDENSTAMM_PUBLIC_URL, so serve derives it from --port
    environment = {"KUNDENSTAMM_EXPORT_DIR": str(tmp_path / "exports")}
    # A connection each: a kept-alive one would stay with one worker.
    headers = {"Authorization": f"Bearer {tenant.key}", "Connection": "close"}
    with log_file(tmp_path) as (log_path, log):
        async with (
            live_servers(database_url, 1, environment, workers=2, log=log) as [url],
            httpx.AsyncClient(base_url=url, timeout=30) as http,
        ):
            started = await http.post("/graphql", json={"query": EXPORT}, headers=headers)
            job_id = started.json()["data"]["customersExport"]["exportJob"]["id"]
            # when: asked often enough that both workers answer
            jobs: list[dict[str, Any]] = []
            for _ in range(300):
                response = await http.post(
                    "/graphql",
                    json={"query": EXPORT_JOB, "variables": {"id": job_id}},
                    headers=headers,
                )
                jobs.append(response.json()["data"]["exportJob"])
                if len([job for job in jobs if job["status"] == "COMPLETED"]) >= 10:
                    break
                await asyncio.sleep(0.1)
    # then
    links = [job["url"] for job in jobs if job["status"] == "COMPLETED"]
    assert len(links) == 10, jobs[-1]
    assert all(link.startswith(f"{url}/exports/{tenant.organization_id}/") for link in links)
    assert len(worker_pids(log_path)) == 2, "both workers should have answered"
    stored = await ExportJob.get(organization_id=tenant.organization_id)
    assert stored.status is JobStatus.COMPLETED


# --- several processes start at once on a new database ---------------------------------------


async def run_migrate(database_url: str) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        *kundenstamm_command(),
        "migrate",
        cwd=ROOT,
        env={**os.environ, "KUNDENSTAMM_DATABASE_URL": database_url},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode is not None
    return process.returncode, out.decode()


async def serve_until_ready(process: asyncio.subprocess.Process) -> str:
    """What `serve` prints before it serves (the first-start key, if it made one)."""
    assert process.stdout is not None
    printed = ""
    while "GraphiQL:" not in printed:
        line = (await asyncio.wait_for(process.stdout.readline(), timeout=60)).decode()
        assert line, f"serve stopped before serving; it printed {printed!r}"
        printed += line
    return printed


@contextlib.asynccontextmanager
async def models_on(database_url: str) -> AsyncIterator[None]:
    """The test's own look at another database than the fixtures' one."""
    await Tortoise.init(config=tortoise_config(database_url))
    try:
        yield
    finally:
        await Tortoise.close_connections()


async def start_at_once(
    database_url: str, *, servers: int, migrations: int, log: IO[bytes]
) -> tuple[list[tuple[int, str]], list[str], list[httpx.Response]]:
    """Servers and migrations started together; their exit codes and output, what the
    servers printed before serving, and each server's answer to the key one of them
    printed.

    The test holds the migration lock until all of them wait for it: then they follow
    each other as closely as the lock lets them (without it, all at once).
    """
    ports = [free_port() for _ in range(servers)]
    async with migration_lock(database_url):
        processes = [await start_server(database_url, port, log=log) for port in ports]
        migrating = asyncio.gather(*(run_migrate(database_url) for _ in range(migrations)))
        await asyncio.sleep(LINE_UP_SECONDS)
    try:
        migrated, printed = await asyncio.gather(
            migrating, asyncio.gather(*(serve_until_ready(process) for process in processes))
        )
        keys = [key for text in printed for key in first_keys(text)]
        assert len(keys) == 1, f"one process prints the first key, once: {printed}"
        answers = []
        for port in ports:
            url = f"http://127.0.0.1:{port}"
            await wait_until_up(url)
            async with httpx.AsyncClient(base_url=url, timeout=30) as http:
                answers.append(
                    await http.post(
                        "/graphql",
                        json={"query": ORGANIZATION},
                        headers={"Authorization": f"Bearer {keys[0]}"},
                    )
                )
    finally:
        for process in processes:
            await stop_server(process)
    return list(migrated), list(printed), answers


async def assert_one_default_organization(database_url: str) -> None:
    async with models_on(database_url):
        organizations = await Organization.all()
        assert [o.name for o in organizations] == ["Default"]
        assert await ApiKey.all().count() == 1
        assert await NumberRange.filter(organization_id=organizations[0].id).count() == 2
        applied = await connections.get("default").execute_query_dict(
            "SELECT app, name FROM tortoise_migrations ORDER BY name"
        )
        assert [(row["app"], row["name"]) for row in applied] == [
            ("models", name) for name in MIGRATIONS
        ]


async def test_serve_and_migrate_starting_at_once_migrate_once_and_make_one_default(
    empty_database: str, tmp_path: Path
) -> None:
    # given: a database without tables
    with log_file(tmp_path) as (_, log):
        # when: two servers and two migrations start at once
        migrated, _, answers = await start_at_once(empty_database, servers=2, migrations=2, log=log)
    # then
    assert [code for code, _ in migrated] == [0, 0], migrated
    assert [a.status_code for a in answers] == [200, 200]
    assert [a.json()["data"] for a in answers] == [{"organization": {"name": "Default"}}] * 2
    await assert_one_default_organization(empty_database)


async def test_servers_starting_at_once_on_a_database_without_organizations_make_one_default(
    database_url: str, tmp_path: Path
) -> None:
    # given: a migrated database without organizations
    with log_file(tmp_path) as (_, log):
        # when: four servers start at once
        _, printed, answers = await start_at_once(database_url, servers=4, migrations=0, log=log)
    # then
    assert sum("Created the organization" in text for text in printed) == 1
    assert [a.status_code for a in answers] == [200] * 4
    assert [a.json()["data"] for a in answers] == [{"organization": {"name": "Default"}}] * 4
    await assert_one_default_organization(database_url)


async def test_a_starting_server_migrates_and_makes_default_only_under_the_lock(
    api: Api, database_url: str, tmp_path: Path
) -> None:
    # given: another process holds the migration lock
    port = free_port()
    with log_file(tmp_path) as (_, log):
        try:
            async with migration_lock(database_url):
                server = await start_server(database_url, port, log=log)
                # when
                await asyncio.sleep(3)
                # then: it waits, and has not made an organization yet
                assert server.returncode is None
                assert await Organization.all().count() == 0
            # and once the lock is free, it goes on
            printed = await serve_until_ready(server)
            await wait_until_up(f"http://127.0.0.1:{port}")
        finally:
            await stop_server(server)
    assert len(first_keys(printed)) == 1
    assert [o.name for o in await Organization.all()] == ["Default"]


# --- SIGTERM -----------------------------------------------------------------------------


@contextlib.asynccontextmanager
async def number_ranges_locked(database_url: str) -> AsyncIterator[None]:
    """Another connection holds what customerCreate must write, until the block ends."""
    if database_url.startswith("sqlite://"):
        with another_process_writing(database_url):
            yield
        return
    holder = await asyncpg.connect(database_url.replace("postgres://", "postgresql://", 1))
    try:
        async with holder.transaction():
            await holder.execute("LOCK TABLE number_ranges IN EXCLUSIVE MODE")
            yield
    finally:
        await holder.close()


async def test_sigterm_lets_a_running_request_finish_and_each_worker_shuts_down(
    tenant: Tenant, database_url: str, tmp_path: Path
) -> None:
    # given: two workers, and a customerCreate waiting for a lock another connection holds
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    headers = {"Authorization": f"Bearer {tenant.key}"}
    with log_file(tmp_path) as (log_path, log):
        server = await start_server(database_url, port, workers=2, log=log, printed=False)
        try:
            await wait_until_up(url)
            async with httpx.AsyncClient(base_url=url, timeout=30) as http:
                async with number_ranges_locked(database_url):
                    running = asyncio.create_task(
                        http.post(
                            "/graphql",
                            json={"query": CREATE, "variables": company(1)},
                            headers=headers,
                        )
                    )
                    await asyncio.sleep(1.5)
                    assert not running.done()
                    # when
                    server.terminate()
                    await asyncio.sleep(1.5)
                    still_serving = server.returncode is None
                response = await running
            code = await asyncio.wait_for(server.wait(), timeout=30)
        finally:
            await stop_server(server)
    # then
    assert still_serving, "the server must wait for the running request"
    assert response.status_code == 200
    assert response.json()["data"]["customerCreate"] == {
        "customer": {"customerNumber": "K00001"},
        "userErrors": [],
    }
    assert code == 0
    stored = await Customer.filter(organization_id=tenant.organization_id)
    assert [c.customer_number for c in stored] == ["K00001"]
    logged = log_path.read_text()
    assert logged.count("Started server process") == 2
    assert logged.count("Application shutdown complete.") == 2, logged
    assert logged.count("Finished server process") == 2


# --- how many workers ----------------------------------------------------------------------


@pytest.mark.parametrize("workers", ["0", "33", "-1", "two", ""])
async def test_workers_out_of_range_are_refused_before_anything_starts(
    tmp_path: Path, workers: str
) -> None:
    # given
    database = tmp_path / "never.sqlite3"
    # when
    code, _, err = await run_cli(f"sqlite://{database}", "serve", "--workers", workers)
    # then
    assert code == 2
    assert "--workers: must be a whole number from 1 to 32" in err
    assert not database.exists()


@pytest.mark.parametrize("value", ["0", "100", "many"])
async def test_web_concurrency_out_of_range_is_refused_before_anything_starts(
    tmp_path: Path, value: str
) -> None:
    # given
    database = tmp_path / "never.sqlite3"
    # when
    code, _, err = await run_cli(f"sqlite://{database}", "serve", env={"WEB_CONCURRENCY": value})
    # then
    assert code == 2
    assert f"WEB_CONCURRENCY must be a whole number from 1 to 32, not '{value}'" in err
    assert not database.exists()


async def test_web_concurrency_starts_that_many_workers(
    tenant: Tenant, database_url: str, tmp_path: Path
) -> None:
    # given: WEB_CONCURRENCY, uvicorn's variable, and no --workers
    port = free_port()
    with log_file(tmp_path) as (log_path, log):
        server = await start_server(
            database_url,
            port,
            {"WEB_CONCURRENCY": "2"},
            workers=None,
            log=log,
            printed=False,
        )
        try:
            # when
            await wait_until_up(f"http://127.0.0.1:{port}")
            async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:
                response = await http.post(
                    "/graphql",
                    json={"query": CREATE, "variables": company(1)},
                    headers={"Authorization": f"Bearer {tenant.key}"},
                )
        finally:
            await stop_server(server)
    # then
    assert response.status_code == 200
    assert response.json()["data"]["customerCreate"]["customer"] == {"customerNumber": "K00001"}
    assert await Customer.filter(organization_id=tenant.organization_id).count() == 1
    assert log_path.read_text().count("Started server process") == 2
