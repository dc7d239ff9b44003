"""customersExport with format DATEV: the EXTF file "Debitoren/Kreditoren" (DATEV add-on)."""

from __future__ import annotations

import asyncio
import csv
from typing import Any

from domain.organizations import create_organization
from models import Customer, ExportJob
from models.enums import ExportFormat, JobStatus
from schema.node import decode_id
from tests.client import Api, Tenant
from tests.helpers import create_customer

EXPORT = """
mutation Export($input: CustomersExportInput) {
  customersExport(input: $input) {
    exportJob { id status format rowCount url errorMessage }
    userErrors { field code message }
  }
}
"""

EXPORT_JOB = """
query ExportJob($id: ID!) {
  exportJob(id: $id) { id status format rowCount url errorMessage }
}
"""

CREATE = """
mutation Create($input: CustomerCreateInput!) {
  customerCreate(input: $input) {
    customer { id customerNumber datev { debtorNumber } }
    userErrors { field code message }
  }
}
"""

DATEV_SETTINGS = """
mutation Settings($input: DatevSettingsInput!) {
  organizationDatevSettingsUpdate(input: $input) {
    organization { datevSettings { accountLength consultantNumber clientNumber } }
    userErrors { field code message }
  }
}
"""

HEADER_FIELDS = 31
COLUMNS = 254
# 1-based positions in DATEV's Debitoren/Kreditoren format (Formatversion 5).
KONTO = 1
NAME_COMPANY = 2
NAME_PERSON = 4
FIRST_NAME_PERSON = 5
ADDRESSEE_TYPE = 7
EU_COUNTRY = 9
EU_VAT_ID = 10
STREET = 16
ZIP = 18
CITY = 19
COUNTRY = 20
EMAIL = 33


# --- helpers -------------------------------------------------------------------------------


async def datev_export(api: Api, tenant: Tenant) -> tuple[dict[str, Any], bytes]:
    """Starts a DATEV export, polls it (at most about 30 s) and downloads the file."""
    data = await tenant.execute(EXPORT, {"input": {"format": "DATEV"}})
    payload = data["customersExport"]
    assert payload["userErrors"] == []
    job: dict[str, Any] = payload["exportJob"]
    assert (job["status"], job["format"]) == ("PENDING", "DATEV")
    for _ in range(300):
        job = (await tenant.execute(EXPORT_JOB, {"id": job["id"]}))["exportJob"]
        if job["status"] in ("COMPLETED", "FAILED"):
            break
        await asyncio.sleep(0.1)
    assert job["status"] == "COMPLETED", job
    response = await api.http.get(job["url"])
    assert response.status_code == 200, response.text
    assert response.headers["content-disposition"].startswith("attachment")
    return job, response.content


def lines_of(content: bytes) -> list[str]:
    """The file's lines (Windows-1252, each ended by CR LF)."""
    assert content.endswith(b"\r\n")
    assert content.count(b"\n") == content.count(b"\r\n")
    assert content.count(b"\r") == content.count(b"\r\n")
    return content.decode("cp1252").split("\r\n")[:-1]


def fields_of(line: str) -> list[str]:
    return next(csv.reader([line], delimiter=";", quotechar='"'))


def data_rows(content: bytes) -> list[list[str]]:
    rows = [fields_of(line) for line in lines_of(content)[2:]]
    for row in rows:
        assert len(row) == COLUMNS
    return rows


def by_account(content: bytes) -> dict[str, list[str]]:
    return {row[KONTO - 1]: row for row in data_rows(content)}


def raw_rows(content: bytes) -> list[str]:
    return lines_of(content)[2:]


async def debtor_number(customer: dict[str, Any]) -> str:
    stored = await Customer.get(id=decode_id(customer["id"], "Customer"))
    assert stored.datev_debtor_number is not None
    return stored.datev_debtor_number


# --- the add-on ----------------------------------------------------------------------------


async def test_datev_export_needs_the_addon(tenant: Tenant) -> None:
    # given
    await create_customer(tenant, CREATE, type="COMPANY", companyName="Muster GmbH")
    # when
    data = await tenant.execute(EXPORT, {"input": {"format": "DATEV"}})
    # then
    payload = data["customersExport"]
    assert payload["exportJob"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [
        (["input", "format"], "ADDON_NOT_ENABLED")
    ]
    assert await ExportJob.filter(organization_id=tenant.organization_id).count() == 0


# --- the file ------------------------------------------------------------------------------


async def test_file_is_windows_1252_with_crlf_and_the_extf_header(
    api: Api, datev_tenant: Tenant
) -> None:
    # given
    settings = await datev_tenant.execute(
        DATEV_SETTINGS,
        {"input": {"accountLength": 5, "consultantNumber": "1234567", "clientNumber": "42"}},
    )
    assert settings["organizationDatevSettingsUpdate"]["userErrors"] == []
    created = await create_customer(
        datev_tenant,
        CREATE,
        type="COMPANY",
        companyName="Müller GmbH",
        address={"street": "Königsallee", "zip": "80331", "city": "München", "countryCode": "DE"},
    )
    # when
    job, content = await datev_export(api, datev_tenant)
    # then
    assert "Müller GmbH".encode("cp1252") in content
    assert "Müller".encode() not in content
    lines = lines_of(content)
    assert len(lines) == 3
    assert lines[0].startswith('"EXTF";700;16;"Debitoren/Kreditoren";5;')
    header = fields_of(lines[0])
    assert len(header) == HEADER_FIELDS
    assert (header[10], header[11], header[13]) == ("1234567", "42", "5")
    headings = lines[1].split(";")
    assert len(headings) == COLUMNS
    assert headings[KONTO - 1] == "Konto"
    assert headings[EU_COUNTRY - 1] == "EU-Land"
    assert (headings[STREET - 1], headings[ZIP - 1], headings[CITY - 1]) == (
        "Straße",
        "Postleitzahl",
        "Ort",
    )
    assert headings[EMAIL - 1] == "E-Mail"
    [row] = data_rows(content)
    account = await debtor_number(created)
    assert account == created["datev"]["debtorNumber"]
    assert len(account) == 6
    assert row[KONTO - 1] == account
    assert row[NAME_COMPANY - 1] == "Müller GmbH"
    assert job["rowCount"] == 1
    stored = await ExportJob.get(id=decode_id(job["id"], "ExportJob"))
    assert (stored.format, stored.status, stored.row_count) == (
        ExportFormat.DATEV,
        JobStatus.COMPLETED,
        1,
    )


async def test_rows_carry_account_names_type_invoice_address_email_and_vat_id(
    api: Api, datev_tenant: Tenant
) -> None:
    # given
    company = await create_customer(
        datev_tenant,
        CREATE,
        type="COMPANY",
        companyName="Muster GmbH",
        email="info@muster.example",
        vatId="DE136695976",
        address={
            "street": "Hauptstraße",
            "houseNumber": "1",
            "zip": "10115",
            "city": "Berlin",
            "countryCode": "DE",
        },
        invoiceAddress={
            "street": "Rechnungsweg",
            "houseNumber": "5",
            "zip": "1010",
            "city": "Wien",
            "countryCode": "AT",
        },
    )
    person = await create_customer(
        datev_tenant,
        CREATE,
        type="PERSON",
        firstName="Erika",
        lastName="Mustermann",
        vatId="ATU13585627",
    )
    # when
    job, content = await datev_export(api, datev_tenant)
    # then
    rows = by_account(content)
    company_row = rows[await debtor_number(company)]
    assert company_row[NAME_COMPANY - 1] == "Muster GmbH"
    assert (company_row[NAME_PERSON - 1], company_row[FIRST_NAME_PERSON - 1]) == ("", "")
    assert company_row[ADDRESSEE_TYPE - 1] == "2"
    assert (company_row[EU_COUNTRY - 1], company_row[EU_VAT_ID - 1]) == ("DE", "136695976")
    assert company_row[STREET - 1] == "Rechnungsweg 5"
    assert (company_row[ZIP - 1], company_row[CITY - 1], company_row[COUNTRY - 1]) == (
        "1010",
        "Wien",
        "AT",
    )
    assert company_row[EMAIL - 1] == "info@muster.example"
    person_row = rows[await debtor_number(person)]
    assert person_row[NAME_PERSON - 1] == "Mustermann"
    assert person_row[FIRST_NAME_PERSON - 1] == "Erika"
    assert person_row[NAME_COMPANY - 1] == ""
    assert person_row[ADDRESSEE_TYPE - 1] == "1"
    assert (person_row[EU_COUNTRY - 1], person_row[EU_VAT_ID - 1]) == ("AT", "U13585627")
    assert job["rowCount"] == 2
    assert await Customer.filter(organization_id=datev_tenant.organization_id).count() == 2


async def test_values_are_cut_to_datev_lengths(api: Api, datev_tenant: Tenant) -> None:
    # given
    long_name = "Lange Firmenbezeichnung " + "x" * 231
    assert len(long_name) == 255
    created = await create_customer(datev_tenant, CREATE, type="COMPANY", companyName=long_name)
    # when
    _, content = await datev_export(api, datev_tenant)
    # then
    [row] = data_rows(content)
    assert row[NAME_COMPANY - 1] == long_name[:50]
    stored = await Customer.get(id=decode_id(created["id"], "Customer"))
    assert stored.company_name == long_name


async def test_inner_quotes_are_doubled(api: Api, datev_tenant: Tenant) -> None:
    # given
    created = await create_customer(
        datev_tenant, CREATE, type="COMPANY", companyName='Firma "Alt; Neu" GmbH'
    )
    # when
    _, content = await datev_export(api, datev_tenant)
    # then
    [raw] = raw_rows(content)
    assert '"Firma ""Alt; Neu"" GmbH"' in raw
    [row] = data_rows(content)
    assert row[NAME_COMPANY - 1] == 'Firma "Alt; Neu" GmbH'
    assert row[KONTO - 1] == await debtor_number(created)


async def test_characters_outside_windows_1252_are_replaced_not_a_failed_export(
    api: Api, datev_tenant: Tenant
) -> None:
    # given
    name = "Łódź Handel 😀 Ölmühle"
    created = await create_customer(datev_tenant, CREATE, type="COMPANY", companyName=name)
    # when
    _, content = await datev_export(api, datev_tenant)
    # then
    [row] = data_rows(content)
    exported = row[NAME_COMPANY - 1]
    assert len(exported) == len(name)
    for original, written in zip(name, exported, strict=True):
        if original.encode("cp1252", errors="ignore"):
            assert written == original
        else:
            assert written != original
    assert exported[1:3] == "ód"
    assert " Handel " in exported
    assert exported.endswith(" Ölmühle")
    stored = await Customer.get(id=decode_id(created["id"], "Customer"))
    assert stored.company_name == name


async def test_export_contains_only_the_callers_customers(api: Api, datev_tenant: Tenant) -> None:
    # given
    other_organization, other_key = await create_organization(
        name="Andere Steuer KG", datev_enabled=True
    )
    other = Tenant(api=api, organization_id=other_organization.id, key=other_key.secret)
    own = await create_customer(datev_tenant, CREATE, type="COMPANY", companyName="Eigene GmbH")
    await create_customer(other, CREATE, type="COMPANY", companyName="Fremde AG")
    # when
    job, content = await datev_export(api, datev_tenant)
    # then
    assert [row[NAME_COMPANY - 1] for row in data_rows(content)] == ["Eigene GmbH"]
    assert b"Fremde AG" not in content
    assert job["rowCount"] == 1
    assert [row[KONTO - 1] for row in data_rows(content)] == [await debtor_number(own)]
    assert await Customer.filter(organization_id=other_organization.id).count() == 1
