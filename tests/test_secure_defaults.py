"""No public default secret: without KUNDENSTAMM_SECRET_KEY a server generates one on its
first start and keeps it (0600) in its data directory, so signed links outlive a restart;
the first start's API key is printed only to a terminal (else: test_cli)."""

from __future__ import annotations

import asyncio
import os
import pty
import stat
from pathlib import Path
from typing import Any

import httpx
import pytest

from local_secrets import FIRST_API_KEY_FILE, SECRET_KEY_FILE
from settings import Settings
from tests.client import Api, Tenant
from tests.live_server import ROOT, free_port, kundenstamm_command, live_servers, stop_server

EXPORT = "mutation Export { customersExport { exportJob { id } userErrors { code } } }"
EXPORT_JOB = "query ExportJob($id: ID!) { exportJob(id: $id) { status url } }"
ORGANIZATION = "query { organization { name } }"


def without_secret() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k != "KUNDENSTAMM_SECRET_KEY"}


async def graphql(url: str, query: str, variables: dict[str, Any], key: str) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=url, timeout=30) as http:
        response = await http.post(
            "/graphql",
            json={"query": query, "variables": variables},
            headers={"Authorization": f"Bearer {key}"},
        )
    data: dict[str, Any] = response.json()["data"]
    return data


def test_the_generated_secret_is_kept_private_and_reused(tmp_path: Path) -> None:
    # given
    environ = {"KUNDENSTAMM_DATABASE_URL": f"sqlite://{tmp_path / 'kundenstamm.sqlite3'}"}
    # when
    first = Settings.from_env(environ)
    again = Settings.from_env(environ)
    elsewhere = Settings.from_env({**environ, "KUNDENSTAMM_DATA_DIR": str(tmp_path / "other")})
    # then
    kept = tmp_path / SECRET_KEY_FILE
    assert first.secret_key == again.secret_key == kept.read_text().strip()
    assert len(first.secret_key) >= 32
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert elsewhere.secret_key != first.secret_key


async def test_links_signed_with_the_generated_secret_outlive_a_restart(
    api: Api, tenant: Tenant, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: a server without a configured secret signed a download link
    monkeypatch.delenv("KUNDENSTAMM_SECRET_KEY", raising=False)
    env = {
        "KUNDENSTAMM_EXPORT_DIR": str(tmp_path / "exports"),
        "KUNDENSTAMM_DATA_DIR": str(tmp_path),
    }
    with (tmp_path / "server.log").open("wb") as log:
        async with live_servers(database_url, 1, env, log=log) as [url]:
            job_id = (await graphql(url, EXPORT, {}, tenant.key))["customersExport"]["exportJob"][
                "id"
            ]
            job: dict[str, Any] = {}
            for _ in range(300):
                job = (await graphql(url, EXPORT_JOB, {"id": job_id}, tenant.key))["exportJob"]
                if job["status"] == "COMPLETED":
                    break
                await asyncio.sleep(0.1)
        # when: the server starts again (on the same port: the link names it)
        port = int(url.rsplit(":", 1)[1])
        async with (
            live_servers(database_url, 1, env, log=log, ports=[port]) as [again],
            httpx.AsyncClient(timeout=30) as http,
        ):
            download = await http.get(job["url"])
    # then
    assert again == url
    assert download.status_code == 200
    assert download.content[:2] == b"PK"  # an XLSX file
    assert stat.S_IMODE((tmp_path / SECRET_KEY_FILE).stat().st_mode) == 0o600


async def test_on_a_terminal_the_first_key_is_printed_and_no_file_is_kept(
    empty_database: str, tmp_path: Path
) -> None:
    # given: serve's standard output is a terminal
    controller, terminal = pty.openpty()
    port = free_port()
    process = await asyncio.create_subprocess_exec(
        *kundenstamm_command(),
        "serve",
        "--port",
        str(port),
        cwd=ROOT,
        env={
            **without_secret(),
            "KUNDENSTAMM_DATABASE_URL": empty_database,
            "KUNDENSTAMM_DATA_DIR": str(tmp_path),
        },
        stdout=terminal,
        stderr=asyncio.subprocess.DEVNULL,
    )
    os.close(terminal)
    try:
        # when
        printed = ""
        while "GraphiQL:" not in printed:
            chunk = await asyncio.wait_for(asyncio.to_thread(os.read, controller, 4096), 60)
            assert chunk, f"serve stopped; it printed {printed!r}"
            printed += chunk.decode()
        [key] = [word for word in printed.split() if word.startswith("ks_")]
        for _ in range(100):
            try:
                data = await graphql(f"http://127.0.0.1:{port}", ORGANIZATION, {}, key)
                break
            except httpx.TransportError:
                await asyncio.sleep(0.1)
    finally:
        await stop_server(process)
        os.close(controller)
    # then
    assert data == {"organization": {"name": "Default"}}
    assert not (tmp_path / FIRST_API_KEY_FILE).exists()
