"""customersExport (XLSX) and exportJob: the job's life, the workbook it writes, its limits."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import io
import os
import socket
import sys
import uuid
import zipfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import openpyxl
import pytest
from openpyxl.styles.numbers import is_date_format
from openpyxl.utils import get_column_letter

from app import create_app
from models import Address, Customer, ExportJob
from models.enums import AddressType, CustomerType, ExportFormat, JobStatus, Language
from schema.node import decode_id, encode_id
from settings import Settings
from tests.client import Api, Tenant
from tests.helpers import create_customer

EXPORT = """
mutation Export($input: CustomersExportInput) {
  customersExport(input: $input) {
    exportJob {
      id status format rowCount url expiresAt fileExpiresAt errorMessage createdAt finishedAt
    }
    userErrors { field code message }
  }
}
"""

EXPORT_JOB = """
query ExportJob($id: ID!) {
  exportJob(id: $id) {
    id status format rowCount url expiresAt fileExpiresAt errorMessage createdAt finishedAt
  }
}
"""

CREATE = """
mutation Create($input: CustomerCreateInput!) {
  customerCreate(input: $input) {
    customer { id customerNumber createdAt datev { debtorNumber } }
    userErrors { field code message }
  }
}
"""

ARCHIVE = """
mutation Archive($input: CustomerIdInput!) {
  customerArchive(input: $input) {
    customer { id status }
    userErrors { field code message }
  }
}
"""

BERLIN = ZoneInfo("Europe/Berlin")
FINISHED = ("COMPLETED", "FAILED")
MASTER_HEADERS = [
    "Kundennummer",
    "Kundentyp",
    "Status",
    "Firmenname",
    "Vorname",
    "Nachname",
    "Telefon",
    "Sprache",
    "Währung",
    "USt-IdNr.",
    "Registergericht",
    "Handelsregisternummer",
]
TRAILING_HEADERS = [
    "Kunden-E-Mail-Adresse",
    "Rechnungs-E-Mail-Adresse",
    "Standard-Zahlungsart",
]
INVOICE_GROUP = "Standard-Rechnungsadresse: "
DEFAULT_GROUP = "Standard-Kundenadresse: "


# --- helpers -------------------------------------------------------------------------------


async def start_export(tenant: Tenant, **fields: Any) -> dict[str, Any]:
    data = await tenant.execute(EXPORT, {"input": fields})
    payload: dict[str, Any] = data["customersExport"]
    return payload


async def wait_for(tenant: Tenant, job_id: str) -> dict[str, Any]:
    """Polls exportJob until it is finished (at most about 30 seconds)."""
    job: dict[str, Any] | None = None
    for _ in range(300):
        job = (await tenant.execute(EXPORT_JOB, {"id": job_id}))["exportJob"]
        assert job is not None
        if job["status"] in FINISHED:
            return job
        await asyncio.sleep(0.1)
    raise AssertionError(f"export {job_id} did not finish: {job}")


async def export_completed(tenant: Tenant, **fields: Any) -> dict[str, Any]:
    payload = await start_export(tenant, **fields)
    assert payload["userErrors"] == []
    job = await wait_for(tenant, payload["exportJob"]["id"])
    assert job["status"] == "COMPLETED", job
    return job


async def download(api: Api, job: dict[str, Any]) -> bytes:
    response = await api.http.get(job["url"])
    assert response.status_code == 200, response.text
    return response.content


async def exported_sheet(api: Api, tenant: Tenant, **fields: Any) -> tuple[Any, bytes]:
    """The worksheet of a completed export, and the file's bytes."""
    content = await download(api, await export_completed(tenant, **fields))
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    assert len(workbook.worksheets) == 1
    return workbook.worksheets[0], content


def header_of(sheet: Any) -> list[str]:
    return [cell.value for cell in next(sheet.iter_rows(min_row=1, max_row=1))]


def rows_by_header(sheet: Any) -> list[dict[str, Any]]:
    headers = header_of(sheet)
    return [dict(zip(headers, row, strict=True)) for row in sheet.iter_rows(min_row=2)]


def values_by_header(sheet: Any) -> list[dict[str, Any]]:
    return [{name: cell.value for name, cell in row.items()} for row in rows_by_header(sheet)]


def sheet_xml(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        names = [n for n in archive.namelist() if n.startswith("xl/worksheets/")]
        return "".join(archive.read(name).decode() for name in names)


def stored_file(settings: Settings, job: ExportJob) -> Path | None:
    if job.file_name is None:
        return None
    path = settings.export_dir / job.file_name
    return path if path.is_file() else None


async def stored_job(gid: str) -> ExportJob:
    return await ExportJob.get(id=decode_id(gid, "ExportJob"))


@asynccontextmanager
async def restarted(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """A new app process on the same database and export directory: its startup runs."""
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            yield http


async def job_via(http: httpx.AsyncClient, tenant: Tenant, gid: str) -> dict[str, Any] | None:
    response = await http.post(
        "/graphql",
        json={"query": EXPORT_JOB, "variables": {"id": gid}},
        headers={"Authorization": f"Bearer {tenant.key}"},
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body["errors"]
    job: dict[str, Any] | None = body["data"]["exportJob"]
    return job


async def insert_job(
    tenant: Tenant, status: JobStatus, heartbeat_age: dt.timedelta = dt.timedelta(0)
) -> ExportJob:
    return await ExportJob.create(
        organization_id=tenant.organization_id,
        format=ExportFormat.XLSX,
        status=status,
        heartbeat_at=dt.datetime.now(dt.UTC) - heartbeat_age,
    )


# --- the job -------------------------------------------------------------------------------


async def test_export_returns_pending_job_at_once_and_completes_in_background(
    api: Api, tenant: Tenant, settings: Settings
) -> None:
    # given
    await create_customer(tenant, CREATE, type="COMPANY", companyName="Muster GmbH")
    await create_customer(tenant, CREATE, type="PERSON", firstName="Erika", lastName="Mustermann")
    # when
    payload = await start_export(tenant, format="XLSX")
    # then
    assert payload["userErrors"] == []
    started = payload["exportJob"]
    assert started["status"] == "PENDING"
    assert started["format"] == "XLSX"
    assert (started["url"], started["rowCount"], started["finishedAt"]) == (None, None, None)
    job = await wait_for(tenant, started["id"])
    assert job["status"] == "COMPLETED"
    assert job["rowCount"] == 2
    assert job["errorMessage"] is None
    assert job["finishedAt"] is not None
    assert job["url"].startswith(f"{settings.public_url}/exports/")
    stored = await stored_job(started["id"])
    assert stored.organization_id == tenant.organization_id
    assert (stored.status, stored.format, stored.row_count) == (
        JobStatus.COMPLETED,
        ExportFormat.XLSX,
        2,
    )
    path = stored_file(settings, stored)
    assert path is not None
    assert path.parent == settings.export_dir
    assert path.read_bytes() == await download(api, job)


async def test_export_without_input_is_an_xlsx_of_all_customers(api: Api, tenant: Tenant) -> None:
    # given
    await create_customer(tenant, CREATE, type="COMPANY", companyName="Muster GmbH")
    # when
    data = await tenant.execute(EXPORT)
    # then
    payload = data["customersExport"]
    assert payload["userErrors"] == []
    assert payload["exportJob"]["format"] == "XLSX"
    job = await wait_for(tenant, payload["exportJob"]["id"])
    assert (job["status"], job["rowCount"]) == ("COMPLETED", 1)
    stored = await stored_job(job["id"])
    assert (stored.format, stored.include_archived) == (ExportFormat.XLSX, True)


async def test_job_of_another_organization_is_null(tenant: Tenant, other_tenant: Tenant) -> None:
    # given
    foreign = await insert_job(other_tenant, JobStatus.PENDING)
    # when
    data = await tenant.execute(EXPORT_JOB, {"id": encode_id("ExportJob", foreign.id)})
    # then
    assert data["exportJob"] is None
    stored = await ExportJob.get(id=foreign.id)
    assert stored.organization_id == other_tenant.organization_id


async def test_unknown_job_id_is_null(tenant: Tenant) -> None:
    # given: an organization without export jobs
    # when
    data = await tenant.execute(EXPORT_JOB, {"id": encode_id("ExportJob", uuid.uuid4())})
    # then
    assert data["exportJob"] is None
    assert await ExportJob.filter(organization_id=tenant.organization_id).count() == 0


async def test_job_whose_file_cannot_be_written_ends_failed_with_a_message(
    tenant: Tenant, settings: Settings, tmp_path: Path
) -> None:
    # given: the export directory is taken by a plain file
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("occupied")
    await create_customer(tenant, CREATE, type="COMPANY", companyName="Muster GmbH")
    async with restarted(dataclasses.replace(settings, export_dir=blocked)) as http:
        # when
        response = await http.post(
            "/graphql",
            json={"query": EXPORT, "variables": {"input": {}}},
            headers={"Authorization": f"Bearer {tenant.key}"},
        )
        # then
        assert response.status_code == 200, response.text
        gid = response.json()["data"]["customersExport"]["exportJob"]["id"]
        job: dict[str, Any] | None = None
        for _ in range(300):
            job = await job_via(http, tenant, gid)
            assert job is not None
            if job["status"] in FINISHED:
                break
            await asyncio.sleep(0.1)
        assert job is not None
        assert job["status"] == "FAILED", job
        assert job["errorMessage"]
        assert job["url"] is None
        stored = await stored_job(gid)
        assert stored.status is JobStatus.FAILED
        assert stored.error_message
        assert stored.file_name is None


# --- restart and clean-up ------------------------------------------------------------------


async def test_job_interrupted_by_a_restart_is_failed_at_startup(
    tenant: Tenant, settings: Settings
) -> None:
    # given
    abandoned = await insert_job(tenant, JobStatus.RUNNING, dt.timedelta(minutes=10))
    alive = await insert_job(tenant, JobStatus.RUNNING)
    # when
    async with restarted(settings) as http:
        # then
        reported = await job_via(http, tenant, encode_id("ExportJob", abandoned.id))
        assert reported is not None
        assert reported["status"] == "FAILED"
        assert reported["errorMessage"]
        assert reported["url"] is None
        still_running = await job_via(http, tenant, encode_id("ExportJob", alive.id))
        assert still_running is not None
        assert still_running["status"] == "RUNNING"
        assert still_running["errorMessage"] is None
        stored_abandoned = await ExportJob.get(id=abandoned.id)
        assert stored_abandoned.status is JobStatus.FAILED
        assert stored_abandoned.error_message
        stored_alive = await ExportJob.get(id=alive.id)
        assert stored_alive.status is JobStatus.RUNNING
        assert stored_alive.error_message is None


async def test_job_of_a_stopped_server_on_this_host_is_failed_at_once(
    tenant: Tenant, settings: Settings
) -> None:
    # given: a job owned by a server process that has exited, its heartbeat still fresh
    process = await asyncio.create_subprocess_exec(sys.executable, "-c", "pass")
    await process.wait()
    orphan = await insert_job(tenant, JobStatus.RUNNING)
    await ExportJob.filter(id=orphan.id).update(
        owner_host=socket.gethostname(), owner_pid=process.pid
    )
    mine = await insert_job(tenant, JobStatus.PENDING)
    await ExportJob.filter(id=mine.id).update(
        owner_host=socket.gethostname(), owner_pid=os.getpid()
    )
    # when
    async with restarted(settings) as http:
        # then
        reported = await job_via(http, tenant, encode_id("ExportJob", orphan.id))
        assert reported is not None
        assert reported["status"] == "FAILED"
        assert (await ExportJob.get(id=orphan.id)).status is JobStatus.FAILED
        assert (await ExportJob.get(id=mine.id)).status is JobStatus.PENDING


async def test_expired_file_is_deleted_at_startup(
    api: Api, tenant: Tenant, settings: Settings
) -> None:
    # given
    await create_customer(tenant, CREATE, type="COMPANY", companyName="Muster GmbH")
    job = await export_completed(tenant)
    row = await stored_job(job["id"])
    path = stored_file(settings, row)
    assert path is not None
    await ExportJob.filter(id=row.id).update(
        file_expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
    )
    # when
    async with restarted(settings) as http:
        # then
        reported = await job_via(http, tenant, job["id"])
        assert reported is not None
        assert reported["status"] == "COMPLETED"
        assert reported["url"] is None
        assert reported["expiresAt"] is None
        assert not path.exists()
        assert list(settings.export_dir.iterdir()) == []
        stored = await ExportJob.get(id=row.id)
        assert stored.file_name is None


async def test_file_not_yet_expired_survives_a_restart(
    api: Api, tenant: Tenant, settings: Settings
) -> None:
    # given
    await create_customer(tenant, CREATE, type="COMPANY", companyName="Muster GmbH")
    job = await export_completed(tenant)
    row = await stored_job(job["id"])
    # when
    async with restarted(settings) as http:
        # then
        reported = await job_via(http, tenant, job["id"])
        assert reported is not None
        assert reported["url"] is not None
        assert (await http.get(reported["url"])).status_code == 200
        stored = await ExportJob.get(id=row.id)
        assert stored.file_name == row.file_name
        assert stored_file(settings, stored) is not None


# --- limits --------------------------------------------------------------------------------


async def test_third_running_export_is_a_conflict(tenant: Tenant) -> None:
    # given
    await insert_job(tenant, JobStatus.PENDING)
    await insert_job(tenant, JobStatus.PENDING)
    # when
    payload = await start_export(tenant)
    # then
    assert payload["exportJob"] is None
    assert [error["code"] for error in payload["userErrors"]] == ["CONFLICT"]
    assert payload["userErrors"][0]["message"]
    assert await ExportJob.filter(organization_id=tenant.organization_id).count() == 2


async def test_finished_exports_do_not_count_against_the_limit(tenant: Tenant) -> None:
    # given
    await insert_job(tenant, JobStatus.COMPLETED)
    await insert_job(tenant, JobStatus.FAILED)
    await insert_job(tenant, JobStatus.PENDING)
    # when
    payload = await start_export(tenant)
    # then
    assert payload["userErrors"] == []
    assert payload["exportJob"]["status"] == "PENDING"
    assert await ExportJob.filter(organization_id=tenant.organization_id).count() == 4


async def test_running_exports_of_another_organization_do_not_count(
    tenant: Tenant, other_tenant: Tenant
) -> None:
    # given
    await insert_job(other_tenant, JobStatus.RUNNING)
    await insert_job(other_tenant, JobStatus.PENDING)
    # when
    payload = await start_export(tenant)
    # then
    assert payload["userErrors"] == []
    stored = await stored_job(payload["exportJob"]["id"])
    assert stored.organization_id == tenant.organization_id


# --- the workbook --------------------------------------------------------------------------


async def test_sheet_has_german_headers_grouped_frozen_and_sized(api: Api, tenant: Tenant) -> None:
    # given
    await create_customer(tenant, CREATE, type="COMPANY", companyName="Muster GmbH")
    # when
    sheet, _ = await exported_sheet(api, tenant)
    # then
    headers = header_of(sheet)
    assert headers[: len(MASTER_HEADERS) + 1] == [*MASTER_HEADERS, "Angelegt am"]
    assert "DATEV-Debitorennummer" not in headers
    addresses = headers[len(MASTER_HEADERS) + 1 : -len(TRAILING_HEADERS)]
    assert headers[-len(TRAILING_HEADERS) :] == TRAILING_HEADERS
    invoice = [h for h in addresses if h.startswith(INVOICE_GROUP)]
    default = [h for h in addresses if h.startswith(DEFAULT_GROUP)]
    assert addresses == invoice + default
    assert [h.removeprefix(INVOICE_GROUP) for h in invoice] == [
        h.removeprefix(DEFAULT_GROUP) for h in default
    ]
    for part in ("Straße", "PLZ", "Ort", "Land"):
        assert INVOICE_GROUP + part in invoice
    assert sheet.freeze_panes == "A2"
    for index in range(1, len(headers) + 1):
        letter = get_column_letter(index)
        assert (sheet.column_dimensions[letter].width or 0) > 0, letter
    assert sheet.max_row == 2
    assert await Customer.filter(organization_id=tenant.organization_id).count() == 1


async def test_row_carries_customer_addresses_emails_and_payment_label(
    api: Api, tenant: Tenant
) -> None:
    # given
    created = await create_customer(
        tenant,
        CREATE,
        type="COMPANY",
        companyName="Muster GmbH",
        phone="+49 30 123456",
        email="info@muster.example",
        invoiceEmail="rechnung@muster.example",
        vatId="DE136695976",
        commercialRegisterCourt="Amtsgericht Charlottenburg",
        commercialRegisterNumber="HRB 12345",
        defaultPaymentMethod="SEPA_DEBIT",
        address={
            "street": "Hauptstraße",
            "houseNumber": "1",
            "zip": "10115",
            "city": "Berlin",
            "countryCode": "DE",
        },
        invoiceAddress={
            "companyName": "Muster GmbH Buchhaltung",
            "street": "Rechnungsweg",
            "houseNumber": "5",
            "zip": "80331",
            "city": "München",
            "countryCode": "DE",
        },
    )
    # when
    sheet, _ = await exported_sheet(api, tenant)
    # then
    rows = rows_by_header(sheet)
    assert len(rows) == 1
    values = {name: cell.value for name, cell in rows[0].items()}
    stored = await Customer.get(id=decode_id(created["id"], "Customer"))
    assert values["Kundennummer"] == stored.customer_number == created["customerNumber"]
    assert values["Firmenname"] == "Muster GmbH"
    assert (values["Vorname"], values["Nachname"]) == (None, None)
    assert values["Telefon"] == "+49 30 123456"
    assert values["Währung"] == "EUR"
    assert values["USt-IdNr."] == stored.vat_id == "DE136695976"
    assert values["Registergericht"] == "Amtsgericht Charlottenburg"
    assert values["Handelsregisternummer"] == "HRB 12345"
    assert values[INVOICE_GROUP + "Firma"] == "Muster GmbH Buchhaltung"
    assert values[INVOICE_GROUP + "Straße"] == "Rechnungsweg"
    assert values[INVOICE_GROUP + "Hausnummer"] == "5"
    assert values[INVOICE_GROUP + "PLZ"] == "80331"
    assert values[INVOICE_GROUP + "Ort"] == "München"
    assert values[INVOICE_GROUP + "Land"] == "DE"
    assert values[DEFAULT_GROUP + "Straße"] == "Hauptstraße"
    assert values[DEFAULT_GROUP + "PLZ"] == "10115"
    assert values[DEFAULT_GROUP + "Ort"] == "Berlin"
    assert values["Kunden-E-Mail-Adresse"] == "info@muster.example"
    assert values["Rechnungs-E-Mail-Adresse"] == "rechnung@muster.example"
    assert values["Standard-Zahlungsart"] == "SEPA-Lastschrift"
    created_cell = rows[0]["Angelegt am"]
    assert isinstance(created_cell.value, dt.datetime)
    assert is_date_format(created_cell.number_format), created_cell.number_format
    local = stored.created_at.astimezone(BERLIN).replace(tzinfo=None)
    assert abs(created_cell.value - local) < dt.timedelta(seconds=1)


async def test_customer_without_invoice_address_repeats_default_address(
    api: Api, tenant: Tenant
) -> None:
    # given
    await create_customer(
        tenant,
        CREATE,
        type="PERSON",
        firstName="Erika",
        lastName="Mustermann",
        email="erika@example.com",
        address={"street": "Hauptstraße", "zip": "10115", "city": "Berlin", "countryCode": "DE"},
    )
    # when
    sheet, _ = await exported_sheet(api, tenant)
    # then
    [values] = values_by_header(sheet)
    assert (values["Vorname"], values["Nachname"]) == ("Erika", "Mustermann")
    for part in ("Straße", "PLZ", "Ort", "Land"):
        assert values[INVOICE_GROUP + part] == values[DEFAULT_GROUP + part]
    assert values[INVOICE_GROUP + "Ort"] == "Berlin"
    assert values["Rechnungs-E-Mail-Adresse"] == "erika@example.com"
    assert values["Standard-Zahlungsart"] is None
    addresses = await Address.filter(organization_id=tenant.organization_id)
    assert [a.type for a in addresses] == [AddressType.DEFAULT]


async def test_datev_debtor_number_column_only_with_the_addon(
    api: Api, datev_tenant: Tenant
) -> None:
    # given
    created = await create_customer(datev_tenant, CREATE, type="COMPANY", companyName="Steuer GmbH")
    # when
    sheet, _ = await exported_sheet(api, datev_tenant)
    # then
    headers = header_of(sheet)
    assert headers[: len(MASTER_HEADERS) + 2] == [
        *MASTER_HEADERS,
        "DATEV-Debitorennummer",
        "Angelegt am",
    ]
    [values] = values_by_header(sheet)
    stored = await Customer.get(id=decode_id(created["id"], "Customer"))
    assert stored.datev_debtor_number is not None
    assert values["DATEV-Debitorennummer"] == stored.datev_debtor_number
    assert values["DATEV-Debitorennummer"] == created["datev"]["debtorNumber"]


async def test_archived_customers_are_included_by_default(api: Api, tenant: Tenant) -> None:
    # given
    active = await create_customer(tenant, CREATE, type="COMPANY", companyName="Aktiv GmbH")
    archived = await create_customer(tenant, CREATE, type="COMPANY", companyName="Alt GmbH")
    await tenant.execute(ARCHIVE, {"input": {"id": archived["id"]}})
    # when
    sheet, _ = await exported_sheet(api, tenant)
    # then
    rows = {row["Kundennummer"]: row for row in values_by_header(sheet)}
    assert set(rows) == {active["customerNumber"], archived["customerNumber"]}
    assert rows[archived["customerNumber"]]["Firmenname"] == "Alt GmbH"
    assert rows[archived["customerNumber"]]["Status"] != rows[active["customerNumber"]]["Status"]
    stored = await Customer.get(id=decode_id(archived["id"], "Customer"))
    assert stored.archived_at is not None


async def test_archived_customers_are_left_out_when_asked(api: Api, tenant: Tenant) -> None:
    # given
    active = await create_customer(tenant, CREATE, type="COMPANY", companyName="Aktiv GmbH")
    archived = await create_customer(tenant, CREATE, type="COMPANY", companyName="Alt GmbH")
    await tenant.execute(ARCHIVE, {"input": {"id": archived["id"]}})
    # when
    payload = await start_export(tenant, includeArchived=False)
    # then
    job = await wait_for(tenant, payload["exportJob"]["id"])
    assert (job["status"], job["rowCount"]) == ("COMPLETED", 1)
    sheet = openpyxl.load_workbook(io.BytesIO(await download(api, job))).worksheets[0]
    assert [row["Kundennummer"] for row in values_by_header(sheet)] == [active["customerNumber"]]
    stored = await stored_job(job["id"])
    assert stored.include_archived is False
    assert await Customer.filter(organization_id=tenant.organization_id).count() == 2


async def test_rows_are_sorted_by_customer_number(api: Api, tenant: Tenant) -> None:
    # given
    for number in ("K00003", "K00001", "K00002"):
        await create_customer(
            tenant, CREATE, type="COMPANY", companyName=f"Firma {number}", customerNumber=number
        )
    # when
    sheet, _ = await exported_sheet(api, tenant)
    # then
    values = values_by_header(sheet)
    assert [row["Kundennummer"] for row in values] == ["K00001", "K00002", "K00003"]
    assert [row["Firmenname"] for row in values] == [
        "Firma K00001",
        "Firma K00002",
        "Firma K00003",
    ]
    stored = await Customer.filter(organization_id=tenant.organization_id).count()
    assert stored == 3


async def test_export_contains_only_the_callers_customers(
    api: Api, tenant: Tenant, other_tenant: Tenant
) -> None:
    # given
    await create_customer(tenant, CREATE, type="COMPANY", companyName="Eigene GmbH")
    await create_customer(other_tenant, CREATE, type="COMPANY", companyName="Fremde AG")
    # when
    sheet, content = await exported_sheet(api, tenant)
    # then
    assert [row["Firmenname"] for row in values_by_header(sheet)] == ["Eigene GmbH"]
    assert "Fremde AG" not in sheet_xml(content)
    assert await Customer.filter(organization_id=other_tenant.organization_id).count() == 1


# --- spreadsheet safety --------------------------------------------------------------------


FORMULA_LIKE = {
    "Firmenname": '=HYPERLINK("http://evil.example","Klick")',
    INVOICE_GROUP + "Straße": "+1 Hauptstraße",
    INVOICE_GROUP + "Ort": "-2+3",
    INVOICE_GROUP + "Adresszusatz": "@SUM(A1:A9)",
    "Nachname": "\t=1+2",
}


async def test_formula_like_values_are_written_as_text(api: Api, tenant: Tenant) -> None:
    # given
    created = await create_customer(
        tenant,
        CREATE,
        type="COMPANY",
        companyName=FORMULA_LIKE["Firmenname"],
        address={
            "street": FORMULA_LIKE[INVOICE_GROUP + "Straße"],
            "city": FORMULA_LIKE[INVOICE_GROUP + "Ort"],
            "addition": FORMULA_LIKE[INVOICE_GROUP + "Adresszusatz"],
        },
    )
    customer_id = decode_id(created["id"], "Customer")
    # the API refuses tabs, so this one goes straight into the database
    await Customer.filter(id=customer_id).update(last_name=FORMULA_LIKE["Nachname"])
    # when
    sheet, content = await exported_sheet(api, tenant)
    # then
    [row] = rows_by_header(sheet)
    for header, value in FORMULA_LIKE.items():
        assert row[header].data_type == "s", header
        assert row[header].value == value, header
    assert "<f>" not in sheet_xml(content)
    assert "<f " not in sheet_xml(content)
    stored = await Customer.get(id=customer_id)
    assert stored.company_name == FORMULA_LIKE["Firmenname"]


async def test_control_characters_are_removed_not_a_failed_export(api: Api, tenant: Tenant) -> None:
    # given
    created = await create_customer(tenant, CREATE, type="COMPANY", companyName="Muster GmbH")
    customer_id = decode_id(created["id"], "Customer")
    await Customer.filter(id=customer_id).update(company_name="A\x07B", phone="\x1b030\x0b12")
    # when
    sheet, _ = await exported_sheet(api, tenant)
    # then
    [values] = values_by_header(sheet)
    assert values["Firmenname"] == "AB"
    assert values["Telefon"] == "03012"
    stored = await Customer.get(id=customer_id)
    assert stored.company_name == "A\x07B"


async def test_characters_xml_cannot_carry_are_removed_not_a_failed_export(
    api: Api, tenant: Tenant
) -> None:
    # given: the API refuses noncharacters, but data written by older releases may hold them
    created = await create_customer(tenant, CREATE, type="COMPANY", companyName="Muster GmbH")
    await Customer.filter(id=decode_id(created["id"], "Customer")).update(
        company_name="Muster\ufffeGmbH\uffff"
    )
    # when
    payload = await start_export(tenant)
    # then
    job = await wait_for(tenant, payload["exportJob"]["id"])
    assert (job["status"], job["errorMessage"]) == ("COMPLETED", None)
    sheet = openpyxl.load_workbook(io.BytesIO(await download(api, job))).worksheets[0]
    [values] = values_by_header(sheet)
    assert values["Firmenname"] == "MusterGmbH"
    stored = await Customer.get(id=decode_id(created["id"], "Customer"))
    assert stored.company_name == "Muster\ufffeGmbH\uffff"


# --- size ----------------------------------------------------------------------------------


async def create_many(tenant: Tenant, count: int) -> None:
    """Customers straight into the database: the export is under test, not customerCreate."""
    customers = [
        Customer(
            id=uuid.uuid4(),
            organization_id=tenant.organization_id,
            customer_number=f"M{n:05d}",
            type=CustomerType.COMPANY,
            display_name=f"Firma {n}",
            company_name=f"Firma {n}",
            language=Language.DE,
            currency_code="EUR",
        )
        for n in range(1, count + 1)
    ]
    await Customer.bulk_create(customers, batch_size=500)
    await Address.bulk_create(
        [
            Address(
                organization_id=tenant.organization_id,
                customer_id=customer.id,
                type=AddressType.DEFAULT,
                is_default=True,
                city=f"Ort {customer.customer_number}",
            )
            for customer in customers
        ],
        batch_size=500,
    )


async def test_export_of_more_customers_than_one_page(api: Api, tenant: Tenant) -> None:
    # given
    await create_many(tenant, 1200)
    # when
    sheet, _ = await exported_sheet(api, tenant)
    # then
    values = values_by_header(sheet)
    assert len(values) == 1200
    assert [row["Kundennummer"] for row in values] == [f"M{n:05d}" for n in range(1, 1201)]
    assert all(row[INVOICE_GROUP + "Ort"] == f"Ort {row['Kundennummer']}" for row in values)
    stored = await ExportJob.get(organization_id=tenant.organization_id)
    assert stored.row_count == 1200
    assert await Customer.filter(organization_id=tenant.organization_id).count() == 1200


@pytest.mark.parametrize("include_archived", [True, False])
async def test_export_of_an_organization_without_customers_has_only_the_header(
    api: Api, tenant: Tenant, include_archived: bool
) -> None:
    # given: an organization without customers
    # when
    sheet, _ = await exported_sheet(api, tenant, includeArchived=include_archived)
    # then
    assert header_of(sheet)[0] == "Kundennummer"
    assert sheet.max_row == 1
    stored = await ExportJob.get(organization_id=tenant.organization_id)
    assert (stored.status, stored.row_count) == (JobStatus.COMPLETED, 0)
