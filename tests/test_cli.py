"""The `kundenstamm` command, run as a user would: a real process on the test database."""

from __future__ import annotations

import asyncio
import json
import os
import stat
import uuid
from pathlib import Path
from typing import Any

import httpx

from models import ApiKey, Organization
from models.enums import ApiKeyScope
from tests.client import Api
from tests.live_server import FIRST_KEY_FILE, ROOT, first_keys, free_port, kundenstamm_command

ORGANIZATION = "query { organization { name datevEnabled customersReadOnly } }"
CREATE = """
mutation Create($input: CustomerCreateInput!) {
  customerCreate(input: $input) { customer { customerNumber } userErrors { code } }
}
"""


async def run_cli(
    database_url: str, *args: str, env: dict[str, str] | None = None
) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        *kundenstamm_command(),
        *args,
        cwd=ROOT,
        env={**os.environ, "KUNDENSTAMM_DATABASE_URL": database_url, **(env or {})},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def org_create(database_url: str, *args: str) -> dict[str, Any]:
    code, out, err = await run_cli(database_url, "org", "create", "--json", *args)
    assert code == 0, err
    parsed: dict[str, Any] = json.loads(out)
    return parsed


async def test_org_create_json_prints_one_object_with_a_working_key(
    api: Api, database_url: str
) -> None:
    # when
    created = await org_create(database_url, "--name", "Beispiel GmbH", "--datev")
    # then
    assert set(created) == {"organization_id", "api_key"}
    data = await api.execute(ORGANIZATION, key=created["api_key"])
    assert data["organization"] == {
        "name": "Beispiel GmbH",
        "datevEnabled": True,
        "customersReadOnly": False,
    }
    stored = await Organization.get(id=uuid.UUID(created["organization_id"]))
    assert stored.datev_enabled is True
    key = await ApiKey.get(organization_id=stored.id)
    assert key.scope is ApiKeyScope.WRITE
    assert created["api_key"] not in key.key_hash


async def test_org_update_switches_operator_settings(api: Api, database_url: str) -> None:
    # given
    created = await org_create(database_url, "--name", "Beispiel GmbH")
    # when
    code, out, err = await run_cli(
        database_url,
        "org",
        "update",
        created["organization_id"],
        "--datev",
        "on",
        "--customers-read-only",
        "on",
    )
    # then
    assert code == 0, err
    assert "datev=on" in out
    data = await api.execute(ORGANIZATION, key=created["api_key"])
    assert data["organization"]["datevEnabled"] is True
    assert data["organization"]["customersReadOnly"] is True
    stored = await Organization.get(id=uuid.UUID(created["organization_id"]))
    assert (stored.datev_enabled, stored.customers_read_only) == (True, True)


async def test_org_update_of_unknown_organization_fails(api: Api, database_url: str) -> None:
    # when
    code, _, err = await run_cli(database_url, "org", "update", str(uuid.uuid4()), "--datev", "on")
    # then
    assert code == 1
    assert "No organization" in err
    assert await Organization.all().count() == 0


async def test_read_scope_key_reads_but_cannot_write(api: Api, database_url: str) -> None:
    # given
    created = await org_create(database_url, "--name", "Beispiel GmbH")
    # when
    code, out, err = await run_cli(
        database_url,
        "apikey",
        "create",
        "--org",
        created["organization_id"],
        "--scope",
        "read",
        "--json",
    )
    # then
    assert code == 0, err
    issued = json.loads(out)
    assert issued["id"] == issued["api_key_id"]
    data = await api.execute(ORGANIZATION, key=issued["api_key"])
    assert data["organization"]["name"] == "Beispiel GmbH"
    refused = await api.execute(
        CREATE, {"input": {"type": "COMPANY", "companyName": "X"}}, key=issued["api_key"]
    )
    assert refused["customerCreate"]["userErrors"] == [{"code": "FORBIDDEN"}]
    stored = await ApiKey.get(id=uuid.UUID(issued["api_key_id"]))
    assert stored.scope is ApiKeyScope.READ


async def test_revoked_key_is_refused(api: Api, database_url: str) -> None:
    # given
    created = await org_create(database_url, "--name", "Beispiel GmbH")
    _, out, _ = await run_cli(
        database_url, "apikey", "create", "--org", created["organization_id"], "--json"
    )
    issued = json.loads(out)
    # when
    code, _, err = await run_cli(database_url, "apikey", "revoke", issued["api_key_id"])
    # then
    assert code == 0, err
    response = await api.post(ORGANIZATION, key=issued["api_key"])
    assert response.status_code == 401
    stored = await ApiKey.get(id=uuid.UUID(issued["api_key_id"]))
    assert stored.revoked_at is not None


async def test_production_refuses_to_start_without_a_secret(database_url: str) -> None:
    # when
    code, _, err = await run_cli(database_url, "migrate", env={"KUNDENSTAMM_ENV": "production"})
    # then
    assert code == 2
    assert "KUNDENSTAMM_SECRET_KEY" in err


async def test_serve_on_an_empty_database_keeps_a_key_that_works_in_a_private_file(
    api: Api, database_url: str
) -> None:
    # given
    port = free_port()
    process = await asyncio.create_subprocess_exec(
        *kundenstamm_command(),
        "serve",
        "--port",
        str(port),
        cwd=ROOT,
        env={**os.environ, "KUNDENSTAMM_DATABASE_URL": database_url},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
    )
    try:
        assert process.stdout is not None
        printed = ""
        while not FIRST_KEY_FILE.search(printed):
            line = (await asyncio.wait_for(process.stdout.readline(), timeout=30)).decode()
            assert line, "the server stopped before naming the key's file"
            printed += line
        [key] = first_keys(printed)
        key_file = Path(FIRST_KEY_FILE.findall(printed)[0])
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:
            for _ in range(100):
                try:
                    ide = await http.get("/graphql", headers={"Accept": "text/html"})
                    break
                except httpx.TransportError:
                    await asyncio.sleep(0.1)
            # when
            response = await http.post(
                "/graphql",
                json={
                    "query": CREATE,
                    "variables": {"input": {"type": "COMPANY", "companyName": "A"}},
                },
                headers={"Authorization": f"Bearer {key}"},
            )
    finally:
        process.terminate()
        await asyncio.wait_for(process.wait(), timeout=30)
    # then: its output (a pipe, as under a service manager) names the file, never the key
    assert key.startswith("ks_")
    assert key not in printed
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    assert ide.status_code == 200
    assert "graphiql" in ide.text.lower()
    assert response.json()["data"]["customerCreate"] == {
        "customer": {"customerNumber": "K00001"},
        "userErrors": [],
    }
    organization = await Organization.get()
    assert organization.name == "Default"
    # The id `user create --org` needs for the first web-app user.
    assert f'organization "Default" ({organization.id})' in printed
