"""Imports as jobs: background runs with progress, tenant isolation, idempotency, restarts."""

from __future__ import annotations

import asyncio
import json
import signal
import uuid
from typing import Any

import httpx
import pytest

from models import Customer, ImportJob
from models.enums import JobStatus
from schema.node import decode_id
from settings import Settings
from tests.client import Tenant
from tests.live_server import free_port, start_server, stop_server, wait_until_up
from tests.test_customers_import import csv_bytes

IMPORT = """
mutation Import($file: Upload!, $dryRun: Boolean, $background: Boolean) {
  customersImport(input: {file: $file, dryRun: $dryRun, background: $background}) {
    result { dryRun rowsTotal created updated errors { row column code message } }
    importJob { id status dryRun mode rowsTotal rowsProcessed }
    userErrors { field code message }
  }
}
"""

JOB = """
query Job($id: ID!) {
  importJob(id: $id) {
    id status dryRun rowsTotal rowsProcessed errorMessage finishedAt
    result { dryRun rowsTotal created updated errors { row column code } }
  }
}
"""

NODE = """
query Node($id: ID!) { node(id: $id) { id ... on ImportJob { status } } }
"""

TOTAL = """
query { customers(first: 1, filter: {status: ALL}) { totalCount edges { node { id } } } }
"""

HEADER = ["Kundentyp", "Firmenname", "Kunden-E-Mail-Adresse"]


def companies(count: int, prefix: str = "Firma") -> bytes:
    rows = [HEADER] + [
        ["Unternehmen", f"{prefix} {n} GmbH", f"kontakt{n}@example.com"] for n in range(count)
    ]
    return csv_bytes(rows)


async def post_import(
    http: httpx.AsyncClient,
    key: str,
    data: bytes,
    *,
    background: bool | None = None,
    dry_run: bool | None = None,
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    variables = {"file": None, "background": background, "dryRun": dry_run}
    response = await http.post(
        "/graphql",
        data={
            "operations": json.dumps({"query": IMPORT, "variables": variables}),
            "map": json.dumps({"0": ["variables.file"]}),
        },
        files={"0": ("kunden.csv", data, "text/csv")},
        headers={"Authorization": f"Bearer {key}", **(headers or {})},
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body
    payload: dict[str, Any] = body["data"]["customersImport"]
    return payload


async def query(http: httpx.AsyncClient, key: str, document: str, **variables: Any) -> Any:
    response = await http.post(
        "/graphql",
        json={"query": document, "variables": variables},
        headers={"Authorization": f"Bearer {key}"},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


async def poll(
    http: httpx.AsyncClient, key: str, job_id: str, *, until: tuple[str, ...] = ("COMPLETED",)
) -> list[dict[str, Any]]:
    """Every state seen until the job reaches one of `until` (bounded: 120 s). It polls as
    fast as a progress bar may and, like any client, waits when it is throttled (a long
    job on a loaded machine outlasts the bucket at this pace)."""
    seen: list[dict[str, Any]] = []
    async with asyncio.timeout(120):
        while True:
            response = await http.post(
                "/graphql",
                json={"query": JOB, "variables": {"id": job_id}},
                headers={"Authorization": f"Bearer {key}"},
            )
            if response.status_code == 429:
                await asyncio.sleep(float(response.headers["retry-after"]))
                continue
            assert response.status_code == 200, response.text
            body = response.json()
            assert "errors" not in body, body
            job = body["data"]["importJob"]
            seen.append(job)
            if job["status"] in until or job["status"] == "FAILED":
                return seen
            await asyncio.sleep(0.02)


async def test_a_background_import_answers_at_once_and_reports_progress(
    tenant: Tenant, settings: Settings
) -> None:
    # given
    rows = 3000
    # when
    payload = await post_import(tenant.api.http, tenant.key, companies(rows), background=True)
    seen = await poll(tenant.api.http, tenant.key, payload["importJob"]["id"])
    # then
    assert payload["result"] is None
    assert payload["userErrors"] == []
    assert payload["importJob"]["status"] == "PENDING"
    assert payload["importJob"]["rowsProcessed"] == 0
    final = seen[-1]
    assert final["status"] == "COMPLETED", final
    assert final["result"] == {
        "dryRun": False,
        "rowsTotal": rows,
        "created": rows,
        "updated": 0,
        "errors": [],
    }
    assert (final["rowsTotal"], final["rowsProcessed"]) == (rows, rows)
    assert final["finishedAt"] is not None
    progress = [job["rowsProcessed"] for job in seen]
    assert progress == sorted(progress), "progress only moves forward"
    assert any(0 < value < rows for value in progress), progress
    stored = await Customer.filter(organization_id=tenant.organization_id)
    assert len(stored) == rows
    assert len({customer.customer_number for customer in stored}) == rows
    assert all(customer.staged_import_id is None for customer in stored)
    job = await ImportJob.get(id=decode_id(final["id"], "ImportJob"))
    assert job.status is JobStatus.COMPLETED
    assert not (settings.import_dir / str(job.file_name)).exists(), "the upload is removed"


async def test_without_background_the_mutation_waits_and_returns_the_finished_job(
    tenant: Tenant,
) -> None:
    # when
    payload = await post_import(tenant.api.http, tenant.key, companies(3))
    # then
    assert payload["result"]["created"] == 3
    assert payload["importJob"]["status"] == "COMPLETED"
    assert payload["importJob"]["rowsProcessed"] == 3
    assert await Customer.filter(organization_id=tenant.organization_id).count() == 3


async def test_a_background_dry_run_writes_nothing(tenant: Tenant) -> None:
    # when
    payload = await post_import(
        tenant.api.http, tenant.key, companies(5), background=True, dry_run=True
    )
    seen = await poll(tenant.api.http, tenant.key, payload["importJob"]["id"])
    # then
    assert payload["importJob"]["dryRun"] is True
    assert seen[-1]["result"]["dryRun"] is True
    assert seen[-1]["result"]["created"] == 5
    assert await Customer.filter(organization_id=tenant.organization_id).count() == 0


async def test_a_file_that_cannot_be_read_fails_the_job_with_the_reason(tenant: Tenant) -> None:
    # given: a zip archive that is no workbook
    broken = b"PK\x03\x04" + b"\x00" * 200
    # when
    waited = await post_import(tenant.api.http, tenant.key, broken)
    payload = await post_import(tenant.api.http, tenant.key, broken, background=True)
    seen = await poll(tenant.api.http, tenant.key, payload["importJob"]["id"])
    # then
    assert waited["userErrors"][0]["field"] == ["input", "file"]
    assert waited["userErrors"][0]["code"] == "INVALID"
    assert seen[-1]["status"] == "FAILED"
    assert seen[-1]["errorMessage"] == waited["userErrors"][0]["message"]
    assert await Customer.filter(organization_id=tenant.organization_id).count() == 0


async def test_another_organizations_import_job_is_null(
    tenant: Tenant, other_tenant: Tenant
) -> None:
    # given
    payload = await post_import(tenant.api.http, tenant.key, companies(2))
    job_id = payload["importJob"]["id"]
    # when
    foreign = await query(other_tenant.api.http, other_tenant.key, JOB, id=job_id)
    foreign_node = await query(other_tenant.api.http, other_tenant.key, NODE, id=job_id)
    own_node = await query(tenant.api.http, tenant.key, NODE, id=job_id)
    # then
    assert foreign == {"importJob": None}
    assert foreign_node == {"node": None}
    assert own_node["node"] == {"id": job_id, "status": "COMPLETED"}
    assert await Customer.filter(organization_id=other_tenant.organization_id).count() == 0


async def test_an_idempotency_key_gives_one_job_for_retries(tenant: Tenant) -> None:
    # given
    key = {"Idempotency-Key": str(uuid.uuid4())}
    data = companies(4)
    # when
    first = await post_import(tenant.api.http, tenant.key, data, background=True, headers=key)
    retry = await post_import(tenant.api.http, tenant.key, data, background=True, headers=key)
    await poll(tenant.api.http, tenant.key, first["importJob"]["id"])
    waiting = await post_import(
        tenant.api.http, tenant.key, data, headers={"Idempotency-Key": str(uuid.uuid4())}
    )
    # then
    assert retry == first
    assert await ImportJob.filter(organization_id=tenant.organization_id).count() == 1
    assert await Customer.filter(organization_id=tenant.organization_id).count() == 4
    assert waiting["userErrors"] == [
        {
            "field": ["input", "background"],
            "code": "INVALID",
            "message": "With an Idempotency-Key, run the import as a job: send background: "
            "true and poll importJob(id).",
        }
    ]


# --- several server processes ----------------------------------------------------------------


async def _running_with_rows(http: httpx.AsyncClient, key: str, job_id: str) -> dict[str, Any]:
    """Wait until the job has staged rows, i.e. is in the middle of its work."""
    for _ in range(3000):
        job = (await query(http, key, JOB, id=job_id))["importJob"]
        if job["status"] == "RUNNING" and job["rowsProcessed"] >= 1000:
            return dict(job)
        assert job["status"] in ("PENDING", "RUNNING"), job
        await asyncio.sleep(0.02)
    raise TimeoutError("the import did not get going")


@pytest.mark.parametrize("stop", ["kill", "terminate"])
async def test_an_import_survives_the_end_of_its_server_process(
    tenant: Tenant, database_url: str, tmp_path: Any, stop: str
) -> None:
    # given: a server running a large import, whose rows are staged but not yet visible
    organization_id, secret = tenant.organization_id, tenant.key
    env = {"KUNDENSTAMM_EXPORT_DIR": str(tmp_path / "exports")}
    rows = 6000
    first_port, second_port = free_port(), free_port()
    first = await start_server(database_url, first_port, env)
    second = None
    try:
        base = f"http://127.0.0.1:{first_port}"
        await wait_until_up(base)
        async with httpx.AsyncClient(base_url=base, timeout=30) as http:
            payload = await post_import(http, secret, companies(rows), background=True)
            job_id = payload["importJob"]["id"]
            await _running_with_rows(http, secret, job_id)
            visible = await query(http, secret, TOTAL)
            staged = await Customer.filter(
                organization_id=organization_id, staged_import_id__isnull=False
            ).count()
        # when: the server goes away mid-import (killed, or stopped), another one starts
        if stop == "kill":
            first.send_signal(signal.SIGKILL)
        else:
            first.send_signal(signal.SIGTERM)
        await asyncio.wait_for(first.wait(), timeout=60)
        second = await start_server(database_url, second_port, env)
        base = f"http://127.0.0.1:{second_port}"
        await wait_until_up(base)
        async with httpx.AsyncClient(base_url=base, timeout=30) as http:
            seen = await poll(http, secret, job_id)
    finally:
        await stop_server(first)
        if second is not None:
            await stop_server(second)
    # then: the job ran again from the start and published every row exactly once
    assert visible["customers"]["totalCount"] == 0, "staged rows are invisible"
    assert staged >= 1000
    assert seen[-1]["status"] == "COMPLETED", seen[-1]
    assert seen[-1]["result"]["created"] == rows
    stored = await Customer.filter(organization_id=organization_id)
    assert len(stored) == rows
    assert len({customer.company_name for customer in stored}) == rows
    assert all(customer.staged_import_id is None for customer in stored)
    job = await ImportJob.get(id=decode_id(job_id, "ImportJob"))
    assert job.attempts == (2 if stop == "kill" else 1)
