"""customersImport: XLSX/CSV files through the customer rules, all rows or none, hostile files."""

from __future__ import annotations

import dataclasses
import io
import json
import uuid
import zipfile
from collections.abc import AsyncIterator
from typing import Any

import httpx
import openpyxl
import pytest

from app import create_app
from domain.customers.registry import POSTAL_FIELDS
from domain.organizations import create_organization, update_organization
from domain.users import create_user
from models import Address, Customer, NumberRange
from models.enums import AddressType, UserRole
from settings import Settings
from tests.client import Api, Tenant
from tests.helpers import create_customer
from tests.test_customers_export import download, export_completed

IMPORT = """
mutation Import($file: Upload!, $dryRun: Boolean, $mode: ImportMode) {
  customersImport(input: {file: $file, dryRun: $dryRun, mode: $mode}) {
    result { dryRun rowsTotal created updated errors { row column code message } }
    userErrors { field code message }
  }
}
"""

CREATE = """
mutation Create($input: CustomerCreateInput!) {
  customerCreate(input: $input) {
    customer { id customerNumber }
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

LOGIN = """
mutation Login($input: LoginInput!) {
  login(input: $input) { token userErrors { field code message } }
}
"""

PASSWORD = "korrekt-pferd-batterie"
ADDRESS = {
    "street": "Hauptstraße",
    "houseNumber": "1",
    "zip": "10115",
    "city": "Berlin",
    "countryCode": "DE",
}
# What a round trip through a file compares of each customer.
CUSTOMER_ATTRIBUTES = (
    "type",
    "status",
    "company_name",
    "first_name",
    "last_name",
    "email",
    "invoice_email",
    "phone",
    "language",
    "currency_code",
    "vat_id",
    "default_payment_method",
)


# --- helpers -------------------------------------------------------------------------------


async def upload(
    http: httpx.AsyncClient,
    key: str,
    data: bytes,
    *,
    name: str = "kunden.csv",
    dry_run: bool | None = None,
    mode: str | None = None,
) -> httpx.Response:
    """A GraphQL multipart request (operations, map, the file under "0")."""
    variables: dict[str, Any] = {"file": None, "dryRun": dry_run, "mode": mode}
    return await http.post(
        "/graphql",
        data={
            "operations": json.dumps({"query": IMPORT, "variables": variables}),
            "map": json.dumps({"0": ["variables.file"]}),
        },
        files={"0": (name, data, "application/octet-stream")},
        headers={"Authorization": f"Bearer {key}"},
    )


async def import_file(
    tenant: Tenant,
    data: bytes,
    *,
    key: str | None = None,
    name: str = "kunden.csv",
    dry_run: bool | None = None,
    mode: str | None = None,
) -> dict[str, Any]:
    response = await upload(
        tenant.api.http, key or tenant.key, data, name=name, dry_run=dry_run, mode=mode
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body["errors"]
    payload: dict[str, Any] = body["data"]["customersImport"]
    return payload


def csv_bytes(rows: list[list[str]], *, delimiter: str = ";", encoding: str = "utf-8") -> bytes:
    return "".join(delimiter.join(row) + "\r\n" for row in rows).encode(encoding)


def errors_of(payload: dict[str, Any]) -> list[tuple[int, str | None, str]]:
    result = payload["result"]
    assert result is not None, payload
    return [(e["row"], e["column"], e["code"]) for e in result["errors"]]


async def counters(organization_id: uuid.UUID) -> list[tuple[str, int]]:
    ranges = await NumberRange.filter(organization_id=organization_id)
    return sorted((str(r.kind), r.next_value) for r in ranges)


async def stored_customers(organization_id: uuid.UUID) -> dict[str, dict[str, Any]]:
    """Customers of an organization by number, with their default addresses."""
    result: dict[str, dict[str, Any]] = {}
    for customer in await Customer.filter(organization_id=organization_id):
        addresses = await Address.filter(customer_id=customer.id, is_default=True)
        by_type = {
            a.type: {attribute: getattr(a, attribute) for attribute in POSTAL_FIELDS}
            for a in addresses
        }
        result[customer.customer_number] = {
            **{attribute: getattr(customer, attribute) for attribute in CUSTOMER_ATTRIBUTES},
            "address": by_type.get(AddressType.DEFAULT),
            "invoice_address": by_type.get(AddressType.INVOICE),
        }
    return result


def zip_bytes(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def workbook_bytes(rows: list[list[str]]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def macro_workbook() -> bytes:
    data = workbook_bytes([["Kundentyp", "Firmenname"], ["Unternehmen", "Makro GmbH"]])
    buffer = io.BytesIO(data)
    with zipfile.ZipFile(buffer, "a") as archive:
        archive.writestr("xl/vbaProject.bin", b'Attribute VB_Name = "Modul1"\r\n' * 4)
    return buffer.getvalue()


def zip_bomb() -> bytes:
    return zip_bytes(
        {
            "xl/workbook.xml": b"<workbook/>",
            "xl/worksheets/sheet1.xml": b"\x00" * (50 * 1_048_576),
        }
    )


async def login_as(tenant: Tenant, role: UserRole) -> str:
    email = f"{role.value.lower()}@example.com"
    await create_user(
        organization_id=tenant.organization_id, email_address=email, role=role, password=PASSWORD
    )
    response = await tenant.api.post(
        LOGIN, {"input": {"email": email, "password": PASSWORD}}, key=None
    )
    assert response.status_code == 200, response.text
    payload = response.json()["data"]["login"]
    assert payload["userErrors"] == []
    token: str = payload["token"]
    return token


# --- round trip ----------------------------------------------------------------------------


async def test_export_reimports_into_another_organization_unchanged(
    api: Api, tenant: Tenant, other_tenant: Tenant
) -> None:
    # given
    await create_customer(
        tenant,
        CREATE,
        type="COMPANY",
        companyName="Rechnung GmbH",
        email="info@rechnung.example",
        invoiceEmail="buchhaltung@rechnung.example",
        phone="+49 30 123456",
        vatId="DE136695976",
        address=ADDRESS,
        invoiceAddress={
            "companyName": "Rechnung GmbH Buchhaltung",
            "street": "Postfach",
            "houseNumber": "12",
            "zip": "80331",
            "city": "München",
            "countryCode": "DE",
        },
        defaultPaymentMethod="SEPA_DEBIT",
    )
    await create_customer(
        tenant,
        CREATE,
        type="PERSON",
        firstName="Erika",
        lastName="Mustermann",
        email="erika@example.com",
        language="EN",
        address={**ADDRESS, "addition": "Hinterhaus"},
        defaultPaymentMethod="INVOICE",
    )
    archived = await create_customer(
        tenant, CREATE, type="PERSON", firstName="Max", lastName="Alt", address=ADDRESS
    )
    archive = await tenant.execute(ARCHIVE, {"input": {"id": archived["id"]}})
    assert archive["customerArchive"]["userErrors"] == []
    content = await download(api, await export_completed(tenant))
    expected = await stored_customers(tenant.organization_id)
    assert len(expected) == 3
    # when
    payload = await import_file(other_tenant, content, name="kunden.xlsx")
    # then
    assert payload["userErrors"] == []
    assert payload["result"] == {
        "dryRun": False,
        "rowsTotal": 3,
        "created": 3,
        "updated": 0,
        "errors": [],
    }
    imported = await stored_customers(other_tenant.organization_id)
    assert imported == expected
    first = imported[archived["customerNumber"]]
    assert str(first["status"]) == "ARCHIVED"
    company = next(c for c in imported.values() if c["company_name"] == "Rechnung GmbH")
    assert company["invoice_email"] == "buchhaltung@rechnung.example"
    assert company["invoice_address"]["city"] == "München"
    assert str(company["default_payment_method"]) == "SEPA_DEBIT"


# --- dry run, all or nothing, duplicates, columns --------------------------------------------


async def test_dry_run_reports_everything_and_writes_nothing(tenant: Tenant) -> None:
    # given
    await create_customer(tenant, CREATE, type="PERSON", firstName="Vera", lastName="Vorhanden")
    before = await counters(tenant.organization_id)
    data = csv_bytes(
        [
            ["Kundennummer", "Kundentyp", "Firmenname", "Vorname", "Nachname"],
            ["", "Unternehmen", "Neu GmbH", "", ""],
            ["", "Privatperson", "", "Nina", "Neumann"],
        ]
    )
    # when
    payload = await import_file(tenant, data, dry_run=True)
    # then
    assert payload["userErrors"] == []
    assert payload["result"] == {
        "dryRun": True,
        "rowsTotal": 2,
        "created": 2,
        "updated": 0,
        "errors": [],
    }
    assert await Customer.filter(organization_id=tenant.organization_id).count() == 1
    assert await counters(tenant.organization_id) == before


async def test_bad_row_in_the_middle_writes_nothing_and_names_cells(tenant: Tenant) -> None:
    # given
    await create_customer(tenant, CREATE, type="PERSON", firstName="Vera", lastName="Vorhanden")
    before = await counters(tenant.organization_id)
    data = csv_bytes(
        [
            ["Kundentyp", "Vorname", "Nachname", "Kunden-E-Mail-Adresse"],
            ["Privatperson", "Anna", "Erste", "anna@example.com"],
            ["Privatperson", "Kaputt", "", "kein-at-zeichen"],
            ["Privatperson", "Otto", "Dritte", "otto@example.com"],
        ]
    )
    # when
    payload = await import_file(tenant, data)
    # then
    assert payload["userErrors"] == []
    assert sorted(errors_of(payload)) == [
        (3, "Kunden-E-Mail-Adresse", "INVALID"),
        (3, "Nachname", "REQUIRED"),
    ]
    assert (payload["result"]["created"], payload["result"]["updated"]) == (0, 0)
    assert payload["result"]["rowsTotal"] == 3
    stored = await Customer.filter(organization_id=tenant.organization_id)
    assert [c.last_name for c in stored] == ["Vorhanden"]
    assert await counters(tenant.organization_id) == before


async def test_duplicates_inside_the_file_are_taken_naming_the_other_row(tenant: Tenant) -> None:
    # given
    data = csv_bytes(
        [
            ["Kundennummer", "Externe ID", "Kundentyp", "Firmenname"],
            ["K100", "", "Unternehmen", "Eins"],
            ["K100", "", "Unternehmen", "Zwei"],
            ["", "crm-7", "Unternehmen", "Drei"],
            ["", "crm-7", "Unternehmen", "Vier"],
        ]
    )
    # when
    payload = await import_file(tenant, data)
    # then
    assert payload["userErrors"] == []
    errors = payload["result"]["errors"]
    assert [(e["row"], e["column"], e["code"]) for e in errors] == [
        (3, "Kundennummer", "TAKEN"),
        (5, "Externe ID", "TAKEN"),
    ]
    assert "row 2" in errors[0]["message"]
    assert "row 4" in errors[1]["message"]
    assert payload["result"]["created"] == 0
    assert await Customer.filter(organization_id=tenant.organization_id).count() == 0


async def test_unknown_column_is_reported_not_dropped(tenant: Tenant) -> None:
    # given
    data = csv_bytes(
        [["Kundentyp", "Firmenname", "Lieblingsfarbe"], ["Unternehmen", "Blau AG", "x"]]
    )
    # when
    payload = await import_file(tenant, data)
    # then
    assert payload["userErrors"] == []
    assert errors_of(payload) == [(1, "Lieblingsfarbe", "INVALID")]
    assert payload["result"]["created"] == 0
    assert await Customer.filter(organization_id=tenant.organization_id).count() == 0


async def test_empty_numbers_are_allocated(datev_tenant: Tenant) -> None:
    # given
    data = csv_bytes(
        [
            ["Kundennummer", "DATEV-Debitorennummer", "Kundentyp", "Firmenname"],
            ["", "", "Unternehmen", "Nummernlos GmbH"],
        ]
    )
    # when
    payload = await import_file(datev_tenant, data)
    # then
    assert payload["userErrors"] == []
    assert payload["result"]["errors"] == []
    assert payload["result"]["created"] == 1
    stored = await Customer.get(organization_id=datev_tenant.organization_id)
    assert stored.customer_number == "K00001"
    assert stored.datev_debtor_number is not None
    assert stored.datev_debtor_number.isdigit()


# --- upsert and CREATE_ONLY ----------------------------------------------------------------


async def test_upsert_updates_the_customer_with_the_same_number(tenant: Tenant) -> None:
    # given
    existing = await create_customer(
        tenant, CREATE, type="PERSON", firstName="Alma", lastName="Altname"
    )
    data = csv_bytes(
        [
            ["Kundennummer", "Kundentyp", "Vorname", "Nachname"],
            [existing["customerNumber"], "Privatperson", "Alma", "Neuname"],
            ["", "Privatperson", "Gerd", "Ganzneu"],
        ]
    )
    # when
    payload = await import_file(tenant, data)
    # then
    assert payload["userErrors"] == []
    assert payload["result"] == {
        "dryRun": False,
        "rowsTotal": 2,
        "created": 1,
        "updated": 1,
        "errors": [],
    }
    stored = await Customer.filter(organization_id=tenant.organization_id)
    assert sorted((c.customer_number, c.display_name) for c in stored) == [
        (existing["customerNumber"], "Alma Neuname"),
        ("K00002", "Gerd Ganzneu"),
    ]


async def test_upsert_matches_by_external_id_when_the_number_cell_is_empty(
    tenant: Tenant,
) -> None:
    # given
    existing = await create_customer(
        tenant, CREATE, type="COMPANY", companyName="Alt AG", externalId="crm-42"
    )
    data = csv_bytes(
        [
            ["Kundennummer", "Externe ID", "Kundentyp", "Firmenname"],
            ["", "crm-42", "Unternehmen", "Neu AG"],
        ]
    )
    # when
    payload = await import_file(tenant, data)
    # then
    assert payload["userErrors"] == []
    assert payload["result"]["errors"] == []
    assert (payload["result"]["created"], payload["result"]["updated"]) == (0, 1)
    stored = await Customer.get(organization_id=tenant.organization_id)
    assert (stored.customer_number, stored.external_id, stored.company_name) == (
        existing["customerNumber"],
        "crm-42",
        "Neu AG",
    )


async def test_create_only_reports_existing_customers_as_taken(tenant: Tenant) -> None:
    # given
    existing = await create_customer(
        tenant, CREATE, type="PERSON", firstName="Berta", lastName="Bleibt"
    )
    data = csv_bytes(
        [
            ["Kundennummer", "Kundentyp", "Vorname", "Nachname"],
            ["", "Privatperson", "Nils", "Neu"],
            [existing["customerNumber"], "Privatperson", "Berta", "Geändert"],
        ]
    )
    # when
    payload = await import_file(tenant, data, mode="CREATE_ONLY")
    # then
    assert payload["userErrors"] == []
    assert errors_of(payload) == [(3, "Kundennummer", "TAKEN")]
    assert (payload["result"]["created"], payload["result"]["updated"]) == (0, 0)
    stored = await Customer.filter(organization_id=tenant.organization_id)
    assert [c.last_name for c in stored] == ["Bleibt"]


# --- CSV variants --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("delimiter", "encoding"),
    [
        pytest.param(",", "utf-8-sig", id="utf8-bom-comma"),
        pytest.param(";", "utf-8", id="utf8-semicolon"),
        pytest.param(";", "cp1252", id="windows-1252"),
    ],
)
async def test_csv_variants_are_read(tenant: Tenant, delimiter: str, encoding: str) -> None:
    # given: headers in another order and case than the export writes them
    data = csv_bytes(
        [
            ["NACHNAME", "kundentyp", "Vorname", "standard-kundenadresse: ort"],
            ["Müller", "Privatperson", "Jürgen", "Köln"],
        ],
        delimiter=delimiter,
        encoding=encoding,
    )
    # when
    payload = await import_file(tenant, data)
    # then
    assert payload["userErrors"] == []
    assert payload["result"]["errors"] == []
    assert payload["result"]["created"] == 1
    stored = await Customer.get(organization_id=tenant.organization_id)
    assert (stored.first_name, stored.last_name) == ("Jürgen", "Müller")
    address = await Address.get(customer_id=stored.id, type=AddressType.DEFAULT)
    assert address.city == "Köln"


# --- hostile files -------------------------------------------------------------------------


@pytest.fixture
async def small_limit_http(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(dataclasses.replace(settings, import_max_bytes=1000, import_max_rows=10))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            yield http


@pytest.mark.parametrize(
    "row_count",
    [
        pytest.param(200, id="over-the-file-limit"),
        pytest.param(5000, id="over-the-request-body-limit"),
    ],
)
async def test_file_over_the_size_limit_is_refused(
    small_limit_http: httpx.AsyncClient, row_count: int
) -> None:
    # given
    organization, key = await create_organization(name="Groß GmbH")
    rows = [["Kundentyp", "Firmenname"]] + [["Unternehmen", f"Firma {i}"] for i in range(row_count)]
    data = csv_bytes(rows)
    assert len(data) > 1000
    # when
    response = await upload(small_limit_http, key.secret, data)
    # then
    assert response.status_code in (200, 413), response.text
    if response.status_code == 200:
        body = response.json()
        assert "errors" not in body, body["errors"]
        payload = body["data"]["customersImport"]
        assert payload["result"] is None
        assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [
            (["input", "file"], "TOO_LONG")
        ]
    assert await Customer.filter(organization_id=organization.id).count() == 0


@pytest.mark.parametrize(
    ("name", "data"),
    [
        pytest.param("bombe.xlsx", zip_bomb(), id="zip-bomb"),
        pytest.param("makro.xlsm", macro_workbook(), id="macro-workbook"),
        pytest.param(
            "geheim.xlsx",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 2048,
            id="ole-encrypted",
        ),
        pytest.param("zufall.xlsx", bytes(range(256)) * 8, id="random-binary"),
        pytest.param("archiv.xlsx", zip_bytes({"readme.txt": b"Kein Workbook."}), id="plain-zip"),
    ],
)
async def test_hostile_files_are_invalid_and_write_nothing(
    tenant: Tenant, name: str, data: bytes
) -> None:
    # when
    response = await upload(tenant.api.http, tenant.key, data, name=name)
    # then
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body["errors"]
    payload = body["data"]["customersImport"]
    assert payload["result"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [
        (["input", "file"], "INVALID")
    ]
    assert await Customer.filter(organization_id=tenant.organization_id).count() == 0


# --- who may import ------------------------------------------------------------------------

ROW = [["Kundentyp", "Vorname", "Nachname"], ["Privatperson", "Ina", "Importiert"]]


async def test_web_users_may_not_import_while_customers_are_read_only(tenant: Tenant) -> None:
    # given
    await update_organization(tenant.organization_id, customers_read_only=True)
    token = await login_as(tenant, UserRole.ADMIN)
    # when
    payload = await import_file(tenant, csv_bytes(ROW), key=token)
    # then
    assert payload["result"] is None
    assert [e["code"] for e in payload["userErrors"]] == ["READ_ONLY"]
    assert await Customer.filter(organization_id=tenant.organization_id).count() == 0


async def test_api_key_still_imports_while_customers_are_read_only(tenant: Tenant) -> None:
    # given
    await update_organization(tenant.organization_id, customers_read_only=True)
    # when
    payload = await import_file(tenant, csv_bytes(ROW))
    # then
    assert payload["userErrors"] == []
    assert payload["result"]["created"] == 1
    stored = await Customer.get(organization_id=tenant.organization_id)
    assert stored.last_name == "Importiert"


async def test_read_key_is_forbidden(tenant: Tenant, read_only_key: str) -> None:
    # when
    payload = await import_file(tenant, csv_bytes(ROW), key=read_only_key)
    # then
    assert payload["result"] is None
    assert [e["code"] for e in payload["userErrors"]] == ["FORBIDDEN"]
    assert await Customer.filter(organization_id=tenant.organization_id).count() == 0


async def test_a_typed_number_late_in_a_large_file_is_not_also_allocated(tenant: Tenant) -> None:
    # given: 1,500 rows (more than one write chunk); the last brings its own number, one
    # the counter would otherwise hand out to an early row
    rows = [["Kundentyp", "Kundennummer", "Firmenname"]]
    rows += [["Unternehmen", "", f"Firma {n}"] for n in range(1499)]
    rows += [["Unternehmen", "K00500", "Letzte GmbH"]]
    # when
    payload = await import_file(tenant, csv_bytes(rows))
    # then
    assert payload["result"]["errors"] == []
    assert payload["result"]["created"] == 1500
    stored = await Customer.filter(organization_id=tenant.organization_id).values_list(
        "customer_number", "display_name"
    )
    numbers = [number for number, _ in stored]
    assert len(set(numbers)) == 1500
    assert ("K00500", "Letzte GmbH") in stored


async def test_file_over_the_row_limit_is_refused(small_limit_http: httpx.AsyncClient) -> None:
    # given: eleven rows against a limit of ten, small enough for the byte limit
    organization, key = await create_organization(name="Viel GmbH")
    data = csv_bytes([["Kundentyp", "Firmenname"]] + [["Unternehmen", f"F{i}"] for i in range(11)])
    assert len(data) < 1000
    # when
    response = await upload(small_limit_http, key.secret, data)
    # then
    payload = response.json()["data"]["customersImport"]
    assert payload["result"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [
        (["input", "file"], "INVALID")
    ]
    assert "10 rows" in payload["userErrors"][0]["message"]
    assert await Customer.filter(organization_id=organization.id).count() == 0


def damaged_workbook() -> bytes:
    """A real workbook whose sheet XML is cut off in the middle of a row."""
    book = openpyxl.Workbook()
    book.active.append(["Kundentyp", "Firmenname"])
    book.active.append(["Unternehmen", "Muster GmbH"])
    buffer = io.BytesIO()
    book.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data[: data.index(b'<row r="2"') + 20]
            target.writestr(item, data)
    return out.getvalue()


async def test_a_damaged_worksheet_is_invalid_not_a_server_error(tenant: Tenant) -> None:
    # when
    payload = await import_file(tenant, damaged_workbook(), name="kaputt.xlsx")
    # then
    assert payload["result"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [
        (["input", "file"], "INVALID")
    ]
    assert await Customer.filter(organization_id=tenant.organization_id).count() == 0


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        pytest.param(
            [
                ["Kundentyp", "Firmenname", "DATEV-Debitorennummer"],
                ["Unternehmen", "A GmbH", "10500"],
                ["Unternehmen", "B GmbH", "10500"],
            ],
            [(3, "DATEV-Debitorennummer", "TAKEN")],
            id="debtor-number-twice",
        ),
        pytest.param(
            [["Kundentyp", "Firmenname"], ["Unternehmen", "A GmbH", "verloren@example.com"]],
            [(2, None, "INVALID")],
            id="value-without-header",
        ),
        pytest.param(
            [["Kundentyp", "Firmenname", "firmenname"], ["Unternehmen", "A GmbH", "B GmbH"]],
            [(1, "firmenname", "INVALID")],
            id="header-twice",
        ),
    ],
)
async def test_ambiguous_files_are_reported_and_nothing_written(
    datev_tenant: Tenant, rows: list[list[str]], expected: list[tuple[int, str | None, str]]
) -> None:
    # when
    payload = await import_file(datev_tenant, csv_bytes(rows))
    # then
    assert errors_of(payload) == expected
    assert await Customer.filter(organization_id=datev_tenant.organization_id).count() == 0


def workbook_with_entities(secret_file: str) -> bytes:
    """A workbook whose sheet declares entities: one nested (billion laughs in small), one
    that reads a file of the server."""
    source = zipfile.ZipFile(
        io.BytesIO(workbook_bytes([["Kundentyp", "Firmenname"], ["Unternehmen", "PLATZHALTER"]]))
    )
    doctype = (
        '<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">'
        f'<!ENTITY datei SYSTEM "file://{secret_file}">]>'
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = doctype.encode() + data.replace(b"PLATZHALTER", b"&b;&datei;")
            target.writestr(item, data)
    return out.getvalue()


async def test_entities_in_a_workbook_are_never_resolved(tenant: Tenant, tmp_path: Any) -> None:
    # given
    secret = tmp_path / "geheim.txt"
    secret.write_text("GEHEIMNIS")
    # when
    payload = await import_file(tenant, workbook_with_entities(str(secret)), name="x.xlsx")
    # then: the name stays empty (a required value is missing) or the file is refused
    text = json.dumps(payload)
    assert "GEHEIMNIS" not in text
    assert "aaaaaaaaaa" not in text
    assert payload["result"] is None or errors_of(payload) == [(2, "Firmenname", "REQUIRED")]
    assert await Customer.filter(organization_id=tenant.organization_id).count() == 0
