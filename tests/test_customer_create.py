"""customerCreate: required fields by type, validation, defaults, addresses, numbers."""

from __future__ import annotations

import json
from typing import Any

import pytest

from models import Address, Customer, NumberRange
from models.enums import AddressType, CustomerType, Language, NumberRangeKind
from schema.errors import camel
from schema.node import decode_id
from tests.client import Api, Tenant
from tests.helpers import customer_create, errors_of

CREATE = """
mutation Create($input: CustomerCreateInput!) {
  customerCreate(input: $input) {
    customer {
      id customerNumber type status displayName companyName firstName lastName
      email invoiceEmail differingInvoiceEmail phone language currencyCode vatId
      commercialRegisterNumber externalId version createdAt archivedAt datev { debtorNumber }
      defaultPaymentMethod { type isDefault }
      defaultAddress { id type isDefault street zip city countryCode }
      invoiceAddress { id type street city }
      differingInvoiceAddress { id type street }
      addresses { id type isDefault }
    }
    userErrors { field code message }
  }
}
"""


async def create(tenant: Tenant, **fields: Any) -> dict[str, Any]:
    return await customer_create(tenant, CREATE, **fields)


async def test_person_with_address_is_stored_with_defaults(tenant: Tenant) -> None:
    # given
    address = {
        "street": "Hauptstraße",
        "houseNumber": "1",
        "zip": "10115",
        "city": "Berlin",
        "countryCode": "de",
    }
    # when
    payload = await create(
        tenant,
        type="PERSON",
        firstName=" Erika ",
        lastName="Mustermann",
        email="Erika@Example.COM",
        address=address,
    )
    # then
    assert payload["userErrors"] == []
    customer = payload["customer"]
    assert customer["displayName"] == "Erika Mustermann"
    assert customer["customerNumber"] == "K00001"
    assert customer["language"] == "DE"
    assert customer["currencyCode"] == "EUR"
    assert customer["status"] == "ACTIVE"
    assert customer["version"] == 1
    assert customer["invoiceEmail"] == "Erika@example.com"
    assert customer["differingInvoiceEmail"] is None
    assert customer["datev"] is None
    assert customer["defaultAddress"]["countryCode"] == "DE"
    assert customer["invoiceAddress"]["id"] == customer["defaultAddress"]["id"]
    stored = await Customer.get(id=decode_id(customer["id"], "Customer"))
    assert stored.organization_id == tenant.organization_id
    assert (stored.first_name, stored.last_name, stored.email) == (
        "Erika",
        "Mustermann",
        "Erika@example.com",
    )
    rows = await Address.filter(customer_id=stored.id)
    assert [(r.type, r.is_default, r.city) for r in rows] == [(AddressType.DEFAULT, True, "Berlin")]


async def test_without_address_an_empty_default_address_is_created(tenant: Tenant) -> None:
    # when
    payload = await create(tenant, type="COMPANY", companyName="Muster GmbH")
    # then
    customer = payload["customer"]
    assert customer["defaultAddress"]["type"] == "DEFAULT"
    assert customer["defaultAddress"]["street"] is None
    rows = await Address.filter(customer_id=decode_id(customer["id"], "Customer"))
    assert len(rows) == 1
    assert rows[0].is_default
    assert rows[0].street is None


# --- helpers -------------------------------------------------------------------------------


async def customer_count(tenant: Tenant) -> int:
    return await Customer.filter(organization_id=tenant.organization_id).count()


async def address_count(tenant: Tenant) -> int:
    return await Address.filter(organization_id=tenant.organization_id).count()


async def next_customer_number_value(tenant: Tenant) -> int:
    number_range = await NumberRange.get(
        organization_id=tenant.organization_id, kind=NumberRangeKind.CUSTOMER
    )
    value: int = number_range.next_value
    return value


async def assert_nothing_stored(tenant: Tenant) -> None:
    assert await customer_count(tenant) == 0
    assert await address_count(tenant) == 0
    assert await next_customer_number_value(tenant) == 1


async def stored_customer(payload: dict[str, Any]) -> Customer:
    customer_id = decode_id(payload["customer"]["id"], "Customer")
    assert customer_id is not None
    return await Customer.get(id=customer_id)


PERSON: dict[str, Any] = {"type": "PERSON", "firstName": "Erika", "lastName": "Mustermann"}


# --- required fields by type ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "missing"),
    [
        pytest.param({"type": "PERSON"}, ["firstName", "lastName"], id="person-without-names"),
        pytest.param(
            {"type": "PERSON", "firstName": "Erika", "lastName": "   "},
            ["lastName"],
            id="person-blank-last-name",
        ),
        pytest.param(
            {"type": "PERSON", "companyName": "Muster GmbH"},
            ["firstName", "lastName"],
            id="person-with-company-name-only",
        ),
        pytest.param(
            {"type": "COMPANY", "firstName": "Erika", "lastName": "Mustermann"},
            ["companyName"],
            id="company-without-company-name",
        ),
    ],
)
async def test_missing_required_names_are_reported_together(
    tenant: Tenant, fields: dict[str, Any], missing: list[str]
) -> None:
    # when
    payload = await create(tenant, **fields)
    # then
    assert payload["customer"] is None
    assert errors_of(payload) == [(["input", name], "REQUIRED") for name in missing]
    await assert_nothing_stored(tenant)


async def test_company_with_contact_person_is_named_by_its_company_name(tenant: Tenant) -> None:
    # when
    payload = await create(
        tenant, type="COMPANY", companyName="Muster GmbH", firstName="Max", lastName="Muster"
    )
    # then
    assert payload["userErrors"] == []
    customer = payload["customer"]
    assert customer["type"] == "COMPANY"
    assert customer["displayName"] == "Muster GmbH"
    assert (customer["firstName"], customer["lastName"]) == ("Max", "Muster")
    stored = await stored_customer(payload)
    assert stored.type is CustomerType.COMPANY
    assert (stored.company_name, stored.first_name, stored.last_name) == (
        "Muster GmbH",
        "Max",
        "Muster",
    )
    assert stored.display_name == "Muster GmbH"


# --- validation ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "field", "code"),
    [
        pytest.param({"email": "not-an-email"}, ["input", "email"], "INVALID", id="email"),
        pytest.param(
            {"invoiceEmail": "erika@"}, ["input", "invoiceEmail"], "INVALID", id="invoice-email"
        ),
        pytest.param(
            {"address": {"countryCode": "XX"}},
            ["input", "address", "countryCode"],
            "INVALID",
            id="country-code-unknown",
        ),
        pytest.param(
            {"address": {"countryCode": "DEU"}},
            ["input", "address", "countryCode"],
            "INVALID",
            id="country-code-alpha-3",
        ),
        pytest.param(
            {"invoiceAddress": {"countryCode": "XX"}},
            ["input", "invoiceAddress", "countryCode"],
            "INVALID",
            id="invoice-country-code",
        ),
        pytest.param(
            {"currencyCode": "EURO"}, ["input", "currencyCode"], "INVALID", id="currency-length"
        ),
        pytest.param(
            {"currencyCode": "XYZ"}, ["input", "currencyCode"], "INVALID", id="currency-unknown"
        ),
        pytest.param({"vatId": "DE123456789"}, ["input", "vatId"], "INVALID", id="vat-checksum"),
        pytest.param({"vatId": "DE12345"}, ["input", "vatId"], "INVALID", id="vat-format"),
        pytest.param(
            {"lastName": "M" * 256}, ["input", "lastName"], "TOO_LONG", id="last-name-256"
        ),
        pytest.param(
            {"customerNumber": "K" * 256},
            ["input", "customerNumber"],
            "TOO_LONG",
            id="customer-number-256",
        ),
        pytest.param(
            {"address": {"street": "S" * 256}},
            ["input", "address", "street"],
            "TOO_LONG",
            id="street-256",
        ),
        pytest.param(
            {"address": {"zip": "1011", "countryCode": "DE"}},
            ["input", "address", "zip"],
            "INVALID",
            id="german-zip-4-digits",
        ),
        pytest.param(
            {"address": {"zip": "1011A", "countryCode": "de"}},
            ["input", "address", "zip"],
            "INVALID",
            id="german-zip-letter",
        ),
        pytest.param(
            {"invoiceAddress": {"zip": "101150", "countryCode": "DE"}},
            ["input", "invoiceAddress", "zip"],
            "INVALID",
            id="german-invoice-zip-6-digits",
        ),
        pytest.param(
            {"firstName": "Erika\nHacker"}, ["input", "firstName"], "INVALID", id="newline"
        ),
        pytest.param({"phone": "030\t123"}, ["input", "phone"], "INVALID", id="tab"),
        pytest.param(
            {"companyName": "Muster\ufffeGmbH"}, ["input", "companyName"], "INVALID", id="nonchar"
        ),
        pytest.param(
            {"address": {"city": "Berlin\x00"}},
            ["input", "address", "city"],
            "INVALID",
            id="address-nul",
        ),
        pytest.param(
            {"commercialRegisterNumber": "HRB\x85 1"},
            ["input", "commercialRegisterNumber"],
            "INVALID",
            id="c1-control",
        ),
    ],
)
async def test_invalid_value_is_refused_and_nothing_is_stored(
    tenant: Tenant, fields: dict[str, Any], field: list[str], code: str
) -> None:
    # when
    payload = await create(tenant, **(PERSON | fields))
    # then
    assert payload["customer"] is None
    assert errors_of(payload) == [(field, code)]
    await assert_nothing_stored(tenant)


async def test_all_violations_of_a_request_are_reported_together(tenant: Tenant) -> None:
    # when
    payload = await create(
        tenant,
        type="PERSON",
        firstName="Erika",
        email="kaputt",
        currencyCode="XYZ",
        vatId="DE123456789",
        phone="P" * 256,
        address={"zip": "123", "countryCode": "DE", "street": "Haupt\tstraße"},
        invoiceAddress={"countryCode": "ZZ"},
    )
    # then
    assert payload["customer"] is None
    assert sorted(errors_of(payload)) == sorted(
        [
            (["input", "lastName"], "REQUIRED"),
            (["input", "email"], "INVALID"),
            (["input", "currencyCode"], "INVALID"),
            (["input", "vatId"], "INVALID"),
            (["input", "phone"], "TOO_LONG"),
            (["input", "address", "zip"], "INVALID"),
            (["input", "address", "street"], "INVALID"),
            (["input", "invoiceAddress", "countryCode"], "INVALID"),
        ]
    )
    await assert_nothing_stored(tenant)


@pytest.mark.parametrize(
    ("fields", "attribute", "stored"),
    [
        pytest.param({"vatId": "DE136695976"}, "vat_id", "DE136695976", id="vat-de"),
        pytest.param({"vatId": "ATU13585627"}, "vat_id", "ATU13585627", id="vat-at"),
        pytest.param({"currencyCode": "chf"}, "currency_code", "CHF", id="currency-upper"),
        pytest.param({"currencyCode": "USD"}, "currency_code", "USD", id="currency-usd"),
        pytest.param(
            {"email": "info@muster-gmbh.example"},
            "email",
            "info@muster-gmbh.example",
            id="email-without-dns",
        ),
        pytest.param({"lastName": "M" * 255}, "last_name", "M" * 255, id="last-name-255"),
        pytest.param(
            {"customerNumber": "K" * 255}, "customer_number", "K" * 255, id="customer-number-255"
        ),
        pytest.param({"externalId": "x" * 255}, "external_id", "x" * 255, id="external-id-255"),
    ],
)
async def test_valid_value_is_stored(
    tenant: Tenant, fields: dict[str, Any], attribute: str, stored: str
) -> None:
    # when
    payload = await create(tenant, **(PERSON | fields))
    # then
    assert payload["userErrors"] == []
    assert payload["customer"][camel(attribute)] == stored
    assert getattr(await stored_customer(payload), attribute) == stored


@pytest.mark.parametrize(
    ("address", "zip_code"),
    [
        pytest.param({"zip": "01067", "countryCode": "DE"}, "01067", id="german-5-digits"),
        pytest.param({"zip": "1011"}, "1011", id="no-country"),
        pytest.param({"zip": "SW1A 1AA", "countryCode": "GB"}, "SW1A 1AA", id="british"),
    ],
)
async def test_postal_code_is_checked_only_for_germany(
    tenant: Tenant, address: dict[str, Any], zip_code: str
) -> None:
    # when
    payload = await create(tenant, **PERSON, address=address)
    # then
    assert payload["userErrors"] == []
    assert payload["customer"]["defaultAddress"]["zip"] == zip_code
    rows = await Address.filter(customer_id=(await stored_customer(payload)).id)
    assert [row.zip for row in rows] == [zip_code]


# --- defaults ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "language"),
    [
        pytest.param({"address": {"countryCode": "DE"}}, "DE", id="germany"),
        pytest.param({"address": {"countryCode": "AT"}}, "DE", id="austria"),
        pytest.param({"address": {"countryCode": "ch"}}, "DE", id="switzerland"),
        pytest.param({"address": {"countryCode": "FR"}}, "EN", id="france"),
        pytest.param({"address": {"countryCode": "US"}}, "EN", id="usa"),
        pytest.param({"address": {"city": "Berlin"}}, "DE", id="no-country"),
        pytest.param({}, "DE", id="no-address"),
        pytest.param({"language": "EN", "address": {"countryCode": "DE"}}, "EN", id="given-en"),
        pytest.param({"language": "DE", "address": {"countryCode": "FR"}}, "DE", id="given-de"),
    ],
)
async def test_language_defaults_from_the_address_country(
    tenant: Tenant, fields: dict[str, Any], language: str
) -> None:
    # when
    payload = await create(tenant, **(PERSON | fields))
    # then
    assert payload["userErrors"] == []
    assert payload["customer"]["language"] == language
    assert (await stored_customer(payload)).language == Language(language)


async def test_currency_defaults_to_eur(tenant: Tenant) -> None:
    # when
    payload = await create(tenant, **PERSON, address={"countryCode": "CH"})
    # then
    assert payload["userErrors"] == []
    assert payload["customer"]["currencyCode"] == "EUR"
    assert (await stored_customer(payload)).currency_code == "EUR"


# --- addresses and differing billing data ----------------------------------------------------


async def test_differing_billing_email_and_address_are_stored(tenant: Tenant) -> None:
    # when
    payload = await create(
        tenant,
        type="COMPANY",
        companyName="Muster GmbH",
        email="info@muster.example",
        invoiceEmail="buchhaltung@muster.example",
        address={"street": "Lieferweg", "zip": "10115", "city": "Berlin", "countryCode": "DE"},
        invoiceAddress={"street": "Rechnungsweg", "city": "München", "countryCode": "DE"},
    )
    # then
    assert payload["userErrors"] == []
    customer = payload["customer"]
    assert customer["email"] == "info@muster.example"
    assert customer["invoiceEmail"] == "buchhaltung@muster.example"
    assert customer["differingInvoiceEmail"] == "buchhaltung@muster.example"
    assert customer["defaultAddress"]["street"] == "Lieferweg"
    assert customer["invoiceAddress"]["type"] == "INVOICE"
    assert customer["invoiceAddress"]["street"] == "Rechnungsweg"
    assert customer["differingInvoiceAddress"]["id"] == customer["invoiceAddress"]["id"]
    assert customer["invoiceAddress"]["id"] != customer["defaultAddress"]["id"]
    stored = await stored_customer(payload)
    assert (stored.email, stored.invoice_email) == (
        "info@muster.example",
        "buchhaltung@muster.example",
    )
    rows = await Address.filter(customer_id=stored.id).order_by("type")
    assert [(r.type, r.is_default, r.street) for r in rows] == [
        (AddressType.DEFAULT, True, "Lieferweg"),
        (AddressType.INVOICE, True, "Rechnungsweg"),
    ]


async def test_without_differing_billing_data_invoices_go_to_the_customer(tenant: Tenant) -> None:
    # when
    payload = await create(
        tenant, **PERSON, email="erika@example.com", address={"street": "Hauptstraße"}
    )
    # then
    assert payload["userErrors"] == []
    customer = payload["customer"]
    assert customer["invoiceEmail"] == "erika@example.com"
    assert customer["differingInvoiceEmail"] is None
    assert customer["invoiceAddress"]["id"] == customer["defaultAddress"]["id"]
    assert customer["invoiceAddress"]["street"] == "Hauptstraße"
    assert customer["differingInvoiceAddress"] is None
    stored = await stored_customer(payload)
    assert stored.invoice_email is None
    rows = await Address.filter(customer_id=stored.id)
    assert [(r.type, r.is_default) for r in rows] == [(AddressType.DEFAULT, True)]


@pytest.mark.parametrize(
    ("fields", "display_name"),
    [
        pytest.param(PERSON, "Erika Mustermann", id="person"),
        pytest.param(
            {"type": "COMPANY", "companyName": "Muster GmbH", "firstName": "Max"},
            "Muster GmbH",
            id="company",
        ),
    ],
)
async def test_display_name_by_type(
    tenant: Tenant, fields: dict[str, Any], display_name: str
) -> None:
    # when
    payload = await create(tenant, **fields)
    # then
    assert payload["customer"]["displayName"] == display_name
    assert (await stored_customer(payload)).display_name == display_name


# --- customer numbers and uniqueness -------------------------------------------------------


async def test_customer_numbers_come_from_the_number_range(tenant: Tenant) -> None:
    # when
    first = await create(tenant, **PERSON)
    second = await create(tenant, type="COMPANY", companyName="Muster GmbH")
    # then
    assert first["customer"]["customerNumber"] == "K00001"
    assert second["customer"]["customerNumber"] == "K00002"
    rows = await Customer.filter(organization_id=tenant.organization_id)
    assert sorted(row.customer_number for row in rows) == ["K00001", "K00002"]
    assert await next_customer_number_value(tenant) == 3


async def test_given_customer_number_is_kept_and_uses_no_number(tenant: Tenant) -> None:
    # when
    payload = await create(tenant, **PERSON, customerNumber=" 4711 ")
    # then
    assert payload["customer"]["customerNumber"] == "4711"
    assert (await stored_customer(payload)).customer_number == "4711"
    assert await next_customer_number_value(tenant) == 1


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        pytest.param({"customerNumber": "4711"}, "customerNumber", id="customer-number"),
        pytest.param({"externalId": "crm-1"}, "externalId", id="external-id"),
    ],
)
async def test_taken_unique_value_is_refused(
    tenant: Tenant, fields: dict[str, Any], field: str
) -> None:
    # given
    first = await create(tenant, **PERSON, **fields)
    assert first["userErrors"] == []
    counter = await next_customer_number_value(tenant)
    # when
    payload = await create(tenant, type="COMPANY", companyName="Muster GmbH", **fields)
    # then
    assert payload["customer"] is None
    assert errors_of(payload) == [(["input", field], "TAKEN")]
    assert await customer_count(tenant) == 1
    assert await address_count(tenant) == 1
    assert await next_customer_number_value(tenant) == counter


async def test_same_customer_number_in_another_organization_is_fine(
    tenant: Tenant, other_tenant: Tenant
) -> None:
    # given
    await create(other_tenant, **PERSON, customerNumber="4711", externalId="crm-1")
    # when
    payload = await create(tenant, **PERSON, customerNumber="4711", externalId="crm-1")
    # then
    assert payload["userErrors"] == []
    stored = await stored_customer(payload)
    assert stored.organization_id == tenant.organization_id
    assert (stored.customer_number, stored.external_id) == ("4711", "crm-1")
    assert await Customer.filter(customer_number="4711").count() == 2


# --- DATEV add-on and permissions ----------------------------------------------------------


@pytest.mark.parametrize(
    "datev",
    [
        pytest.param({}, id="allocate"),
        pytest.param({"debtorNumber": "10001"}, id="given"),
    ],
)
async def test_datev_without_the_addon_is_refused(tenant: Tenant, datev: dict[str, Any]) -> None:
    # when
    payload = await create(tenant, **PERSON, datev=datev)
    # then
    assert payload["customer"] is None
    assert errors_of(payload) == [(["input", "datev"], "ADDON_NOT_ENABLED")]
    await assert_nothing_stored(tenant)


async def test_read_key_may_not_create(api: Api, tenant: Tenant, read_only_key: str) -> None:
    # when
    response = await api.post(CREATE, {"input": PERSON}, key=read_only_key)
    # then
    assert response.status_code == 200
    body = response.json()
    assert "errors" not in body
    payload = body["data"]["customerCreate"]
    assert payload["customer"] is None
    assert errors_of(payload) == [(None, "FORBIDDEN")]
    await assert_nothing_stored(tenant)


async def test_lone_surrogate_in_json_is_refused_not_a_server_error(tenant: Tenant) -> None:
    # given: JSON may escape a lone surrogate, which no database can store as UTF-8
    body = json.dumps(
        {"query": CREATE, "variables": {"input": {"type": "COMPANY", "companyName": "A\ud800B"}}}
    )
    # when
    response = await tenant.api.http.post(
        "/graphql",
        content=body,
        headers={"Authorization": f"Bearer {tenant.key}", "Content-Type": "application/json"},
    )
    # then
    assert response.status_code == 400
    assert "Unicode" in response.text
    assert await Customer.filter(organization_id=tenant.organization_id).count() == 0
