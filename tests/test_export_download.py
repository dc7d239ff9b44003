"""GET /exports/{organization}/{job}: the signed, expiring download link of an export."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
import urllib.parse
import uuid
from typing import Any

import httpx
import pytest

from domain.export_links import download_path
from models import ExportJob
from models.enums import ExportFormat, JobStatus
from schema.node import decode_id
from settings import Settings
from tests.client import Api, Tenant

EXPORT = """
mutation Export($input: CustomersExportInput) {
  customersExport(input: $input) {
    exportJob { id status url expiresAt fileExpiresAt }
    userErrors { field code message }
  }
}
"""

EXPORT_JOB = """
query ExportJob($id: ID!) {
  exportJob(id: $id) { id status url expiresAt fileExpiresAt errorMessage }
}
"""

CREATE = """
mutation Create($input: CustomerCreateInput!) {
  customerCreate(input: $input) {
    customer { id }
    userErrors { field code message }
  }
}
"""

REFUSED = (403, 404, 410)
XLSX_MAGIC = b"PK\x03\x04"


# --- helpers -------------------------------------------------------------------------------


async def export_completed(tenant: Tenant) -> dict[str, Any]:
    """Starts an export and polls exportJob until it is finished (at most about 30 s)."""
    data = await tenant.execute(EXPORT, {"input": {}})
    payload = data["customersExport"]
    assert payload["userErrors"] == []
    job: dict[str, Any] = payload["exportJob"]
    for _ in range(300):
        job = (await tenant.execute(EXPORT_JOB, {"id": job["id"]}))["exportJob"]
        if job["status"] in ("COMPLETED", "FAILED"):
            break
        await asyncio.sleep(0.1)
    assert job["status"] == "COMPLETED", job
    return job


async def tenant_with_export(tenant: Tenant) -> dict[str, Any]:
    data = await tenant.execute(CREATE, {"input": {"type": "COMPANY", "companyName": "Muster"}})
    assert data["customerCreate"]["userErrors"] == []
    return await export_completed(tenant)


async def stored_job(gid: str) -> ExportJob:
    return await ExportJob.get(id=decode_id(gid, "ExportJob"))


def stored_bytes(settings: Settings, job: ExportJob) -> bytes:
    assert job.file_name is not None
    return (settings.export_dir / job.file_name).read_bytes()


def link_parts(url: str) -> tuple[str, str, int, str]:
    """(organization id, job id, expires, signature) of a download url."""
    parts = urllib.parse.urlsplit(url)
    _, exports, organization, job = parts.path.split("/")
    assert exports == "exports"
    query = urllib.parse.parse_qs(parts.query)
    return organization, job, int(query["expires"][0]), query["signature"][0]


def link(organization: object, job: object, expires: int, signature: str) -> str:
    return f"/exports/{organization}/{job}?expires={expires}&signature={signature}"


def assert_refused(response: httpx.Response, file_content: bytes) -> None:
    assert response.status_code in REFUSED, (response.status_code, response.text)
    assert not response.content.startswith(XLSX_MAGIC)
    assert file_content not in response.content
    assert "attachment" not in response.headers.get("content-disposition", "")


# --- a valid link --------------------------------------------------------------------------


async def test_valid_link_downloads_the_file_without_auth(
    api: Api, tenant: Tenant, settings: Settings
) -> None:
    # given
    job = await tenant_with_export(tenant)
    # when
    response = await api.http.get(job["url"])
    # then
    assert response.status_code == 200
    assert "authorization" not in response.request.headers
    assert response.headers["content-disposition"].startswith("attachment")
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.content.startswith(XLSX_MAGIC)
    stored = await stored_job(job["id"])
    assert response.content == stored_bytes(settings, stored)


async def test_url_is_public_url_with_a_signed_path_valid_for_an_hour(
    tenant: Tenant, settings: Settings
) -> None:
    # given
    before = time.time()
    job = await tenant_with_export(tenant)
    # when
    data = await tenant.execute(EXPORT_JOB, {"id": job["id"]})
    after = time.time()
    # then
    reported = data["exportJob"]
    assert reported["url"].startswith(settings.public_url + "/exports/")
    organization, job_id, expires, signature = link_parts(reported["url"])
    stored = await stored_job(job["id"])
    assert (organization, job_id) == (str(tenant.organization_id), str(stored.id))
    assert len(signature) >= 32
    expires_at = dt.datetime.fromisoformat(reported["expiresAt"])
    assert int(expires_at.timestamp()) == expires
    assert before + 3600 - 1 <= expires <= after + 3600 + 1
    assert stored.file_expires_at is not None
    assert stored.file_expires_at.timestamp() >= expires


async def test_link_is_minted_anew_on_each_query(api: Api, tenant: Tenant) -> None:
    # given
    job = await tenant_with_export(tenant)
    first = (await tenant.execute(EXPORT_JOB, {"id": job["id"]}))["exportJob"]
    await asyncio.sleep(1.1)
    # when
    second = (await tenant.execute(EXPORT_JOB, {"id": job["id"]}))["exportJob"]
    # then
    assert second["expiresAt"] > first["expiresAt"]
    assert second["url"] != first["url"]
    for url in (first["url"], second["url"]):
        assert (await api.http.get(url)).status_code == 200
    stored = await stored_job(job["id"])
    assert stored.status is JobStatus.COMPLETED


# --- links that are not valid --------------------------------------------------------------


def _flip(signature: str) -> str:
    return ("0" if signature[0] != "0" else "1") + signature[1:]


@pytest.mark.parametrize(
    "tamper",
    ["signature", "job", "organization", "expires", "no-signature", "no-expires"],
)
async def test_tampered_link_is_refused(
    api: Api, tenant: Tenant, other_tenant: Tenant, settings: Settings, tamper: str
) -> None:
    # given
    job = await tenant_with_export(tenant)
    other_job = await export_completed(tenant)
    organization, job_id, expires, signature = link_parts(job["url"])
    _, other_job_id, _, _ = link_parts(other_job["url"])
    url = {
        "signature": link(organization, job_id, expires, _flip(signature)),
        "job": link(organization, other_job_id, expires, signature),
        "organization": link(other_tenant.organization_id, job_id, expires, signature),
        "expires": link(organization, job_id, expires + 86400, signature),
        "no-signature": f"/exports/{organization}/{job_id}?expires={expires}",
        "no-expires": f"/exports/{organization}/{job_id}?signature={signature}",
    }[tamper]
    # when
    response = await api.http.get(url)
    # then
    stored = await stored_job(job["id"])
    assert_refused(response, stored_bytes(settings, stored))
    assert stored.status is JobStatus.COMPLETED


async def test_expired_link_is_refused(api: Api, tenant: Tenant, settings: Settings) -> None:
    # given
    job = await tenant_with_export(tenant)
    stored = await stored_job(job["id"])
    expired = int(time.time()) - 60
    path = download_path(settings.secret_key, tenant.organization_id, stored.id, expired)
    # when
    response = await api.http.get(path)
    # then
    assert_refused(response, stored_bytes(settings, stored))
    assert (await ExportJob.get(id=stored.id)).file_name == stored.file_name


async def test_self_signed_link_to_another_organizations_job_is_refused(
    api: Api, tenant: Tenant, other_tenant: Tenant, settings: Settings
) -> None:
    # given: the other organization's export, and a link signed with a guessed secret
    foreign = await tenant_with_export(other_tenant)
    stored = await stored_job(foreign["id"])
    expires = int(time.time()) + 3600
    forged = download_path("guessed-" + "y" * 32, other_tenant.organization_id, stored.id, expires)
    # when
    response = await api.http.get(forged)
    # then
    assert_refused(response, stored_bytes(settings, stored))
    assert stored.organization_id == other_tenant.organization_id


async def test_own_link_pointing_at_another_organizations_job_is_refused(
    api: Api, tenant: Tenant, other_tenant: Tenant, settings: Settings
) -> None:
    # given: a validly signed link for the caller's organization, but a foreign job in it
    await tenant_with_export(tenant)
    foreign = await tenant_with_export(other_tenant)
    stored = await stored_job(foreign["id"])
    expires = int(time.time()) + 3600
    path = download_path(settings.secret_key, tenant.organization_id, stored.id, expires)
    # when
    response = await api.http.get(path)
    # then
    assert_refused(response, stored_bytes(settings, stored))
    assert stored.organization_id == other_tenant.organization_id


async def test_link_to_an_unfinished_job_is_refused(
    api: Api, tenant: Tenant, settings: Settings
) -> None:
    # given
    pending = await ExportJob.create(
        organization_id=tenant.organization_id,
        format=ExportFormat.XLSX,
        heartbeat_at=dt.datetime.now(dt.UTC),
    )
    expires = int(time.time()) + 3600
    path = download_path(settings.secret_key, tenant.organization_id, pending.id, expires)
    # when
    response = await api.http.get(path)
    # then
    assert response.status_code in REFUSED
    assert not response.content.startswith(XLSX_MAGIC)
    assert "attachment" not in response.headers.get("content-disposition", "")
    assert (await ExportJob.get(id=pending.id)).status is JobStatus.PENDING


async def test_link_to_an_unknown_job_is_refused(
    api: Api, tenant: Tenant, settings: Settings
) -> None:
    # given
    unknown = uuid.uuid4()
    expires = int(time.time()) + 3600
    path = download_path(settings.secret_key, tenant.organization_id, unknown, expires)
    # when
    response = await api.http.get(path)
    # then
    assert response.status_code in REFUSED
    assert not response.content.startswith(XLSX_MAGIC)
    assert await ExportJob.filter(id=unknown).count() == 0


async def test_link_to_a_deleted_file_is_refused(
    api: Api, tenant: Tenant, settings: Settings
) -> None:
    # given
    job = await tenant_with_export(tenant)
    stored = await stored_job(job["id"])
    content = stored_bytes(settings, stored)
    assert stored.file_name is not None
    (settings.export_dir / stored.file_name).unlink()
    # when
    response = await api.http.get(job["url"])
    # then
    assert_refused(response, content)
    after = await ExportJob.get(id=stored.id)
    assert (after.status, after.file_name) == (JobStatus.COMPLETED, stored.file_name)
