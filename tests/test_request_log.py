"""The server's log: one JSON object per line, one line per request (time, level,
request id, organization, operation, status, duration), probes below info level, and not
one credential of a whole run in it: keys, tokens, passwords, the signing key, the metrics
token, download links' signatures, GET variables."""

from __future__ import annotations

import asyncio
import json
import urllib.parse
from pathlib import Path
from typing import Any

import httpx

from domain.users import create_user
from models.enums import UserRole
from tests.client import Api, Tenant
from tests.live_server import live_servers

SECRET_KEY = "signing-secret-" + "s" * 32
METRICS_TOKEN = "metrics-token-" + "t" * 24
PASSWORD = "korrekt-pferd-batterie-log"
WRONG_PASSWORD = "falsch-pferd-batterie-log"
EMAIL = "anna.log@example.com"
SEARCHED = "geheim.kunde@example.com"
FORGED_KEY = "ks_" + "f" * 43

LOGIN = """
mutation Login($input: LoginInput!) {
  login(input: $input) { token userErrors { code } }
}
"""
CREATE = """
mutation CreateCustomer($input: CustomerCreateInput!) {
  customerCreate(input: $input) { customer { id } userErrors { code } }
}
"""
FIND = """
query FindCustomers($filter: CustomerFilter) {
  customers(first: 5, filter: $filter) { totalCount }
}
"""
EXPORT = "mutation Export { customersExport { exportJob { id } userErrors { code } } }"
EXPORT_JOB = "query ExportJob($id: ID!) { exportJob(id: $id) { status url } }"


async def graphql(
    http: httpx.AsyncClient, query: str, variables: dict[str, Any], token: str
) -> dict[str, Any]:
    response = await http.post(
        "/graphql",
        json={"query": query, "variables": variables},
        headers={"Authorization": f"Bearer {token}"},
    )
    body: dict[str, Any] = response.json()
    return body


async def a_full_run(url: str, key: str) -> list[str]:
    """Everything a client and an operator do; returns the credentials that were used."""
    used = [key, SECRET_KEY, METRICS_TOKEN, PASSWORD, WRONG_PASSWORD, FORGED_KEY, SEARCHED]
    async with httpx.AsyncClient(base_url=url, timeout=30) as http:
        # a customer, searched for with GET (its e-mail address in the URL's variables)
        person = {"type": "PERSON", "firstName": "Gerda", "lastName": "Geheim", "email": SEARCHED}
        created = await graphql(http, CREATE, {"input": person}, key)
        assert created["data"]["customerCreate"]["userErrors"] == []
        found = await http.get(
            "/graphql",
            params={"query": FIND, "variables": json.dumps({"filter": {"search": SEARCHED}})},
            headers={"Authorization": f"Bearer {key}"},
        )
        assert found.json()["data"]["customers"]["totalCount"] == 1
        # a login, a wrong password, a session's request
        login = {"input": {"email": EMAIL, "password": PASSWORD}}
        token = (await http.post("/graphql", json={"query": LOGIN, "variables": login})).json()[
            "data"
        ]["login"]["token"]
        used.append(token)
        wrong = {"input": {"email": EMAIL, "password": WRONG_PASSWORD}}
        await http.post("/graphql", json={"query": LOGIN, "variables": wrong})
        assert "data" in await graphql(http, FIND, {}, token)
        # a forged key, refused
        assert (
            await http.post(
                "/graphql", json={"query": FIND}, headers={"Authorization": f"Bearer {FORGED_KEY}"}
            )
        ).status_code == 401
        # an export, downloaded through its signed link
        job_id = (await graphql(http, EXPORT, {}, key))["data"]["customersExport"]["exportJob"][
            "id"
        ]
        job: dict[str, Any] = {}
        for _ in range(300):
            job = (await graphql(http, EXPORT_JOB, {"id": job_id}, key))["data"]["exportJob"]
            if job["status"] == "COMPLETED":
                break
            await asyncio.sleep(0.1)
        signature = urllib.parse.parse_qs(urllib.parse.urlsplit(job["url"]).query)["signature"][0]
        used.append(signature)
        assert (await http.get(job["url"])).status_code == 200
        # the operator's probes and scrape
        assert (await http.get("/healthz")).status_code == 200
        assert (await http.get("/readyz")).status_code == 200
        metrics = await http.get("/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"})
        assert metrics.status_code == 200
    return used


async def test_a_whole_run_logs_json_lines_without_any_credential(
    api: Api, tenant: Tenant, database_url: str, tmp_path: Path
) -> None:
    # given: a production-like server logging JSON
    await create_user(
        organization_id=tenant.organization_id,
        email_address=EMAIL,
        role=UserRole.EMPLOYEE,
        password=PASSWORD,
    )
    env = {
        "KUNDENSTAMM_LOG_FORMAT": "json",
        "KUNDENSTAMM_SECRET_KEY": SECRET_KEY,
        "KUNDENSTAMM_METRICS_TOKEN": METRICS_TOKEN,
        "KUNDENSTAMM_EXPORT_DIR": str(tmp_path / "exports"),
    }
    log_path = tmp_path / "server.log"
    # when
    with log_path.open("wb") as log:
        async with live_servers(database_url, 1, env, log=log) as [url]:
            used = await a_full_run(url, tenant.key)
    text = log_path.read_text()
    lines = [json.loads(line) for line in text.splitlines()]
    # then: not one credential, in any form the log might hold it
    for credential in used:
        for form in {credential, urllib.parse.quote(credential), json.dumps(credential)[1:-1]}:
            assert form not in text, f"a credential is in the log: {credential[:6]}…"
    # every line one object with time and level; a line per request with its facts
    assert all({"time", "level", "message"} <= line.keys() for line in lines)
    requests = [line for line in lines if line["logger"] == "kundenstamm.access"]
    assert all(
        {"request_id", "status", "duration_ms", "method", "path"} <= line.keys()
        for line in requests
    )
    searches = [line for line in requests if line.get("operation") == "FindCustomers"]
    assert [line["status"] for line in searches][:1] == [200]
    assert searches[0]["organization_id"] == str(tenant.organization_id)
    assert searches[0]["path"] == "/graphql"
    downloads = [line for line in requests if line["path"].startswith("/exports/")]
    assert [line["status"] for line in downloads] == [200]
    # probes are not at info level (the server logs at info)
    assert not [line for line in requests if line["path"] in ("/healthz", "/readyz", "/metrics")]
    # a server started without KUNDENSTAMM_ENV says that it runs as development
    assert [line["level"] for line in lines if "development mode" in line["message"]] == ["warning"]
    # uvicorn's own access log is off
    assert not [line for line in lines if line["logger"] == "uvicorn.access"]
