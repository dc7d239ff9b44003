"""customerUpdate: absent vs null, versions, required fields, validation, uniqueness, scope."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from domain.customers.registry import EDITABLE_FIELDS
from models import Customer
from models.enums import CustomerType, Language
from schema.node import decode_id, encode_id
from tests.client import Api, Tenant
from tests.helpers import errors_of

CREATE = """
mutation Create($input: CustomerCreateInput!) {
  customerCreate(input: $input) {
    customer { id customerNumber version }
    userErrors { field code message }
  }
}
"""

UPDATE = """
mutation Update($input: CustomerUpdateInput!) {
  customerUpdate(input: $input) {
    customer {
      id customerNumber type displayName companyName firstName lastName
      email invoiceEmail differingInvoiceEmail phone language currencyCode vatId
      commercialRegisterCourt externalId version datev { debtorNumber }
    }
    userErrors { field code message }
  }
}
"""

PERSON: dict[str, Any] = {
    "type": "PERSON",
    "firstName": "Erika",
    "lastName": "Mustermann",
    "email": "erika@example.com",
    "phone": "030 123456",
}
COMPANY: dict[str, Any] = {"type": "COMPANY", "companyName": "Muster GmbH"}

# The stored attributes an update may change, compared before and after a refused update.
SNAPSHOT_FIELDS = (*EDITABLE_FIELDS, "display_name", "version", "updated_at")


async def create(tenant: Tenant, **fields: Any) -> str:
    """A customer of tenant; its global id."""
    data = await tenant.execute(CREATE, {"input": fields})
    payload = data["customerCreate"]
    assert payload["userErrors"] == []
    customer_id: str = payload["customer"]["id"]
    return customer_id


async def update(tenant: Tenant, customer_id: str, **fields: Any) -> dict[str, Any]:
    data = await tenant.execute(UPDATE, {"input": {"id": customer_id, **fields}})
    payload: dict[str, Any] = data["customerUpdate"]
    return payload


async def stored(customer_id: str) -> Customer:
    pk = decode_id(customer_id, "Customer")
    assert pk is not None
    return await Customer.get(id=pk)


async def snapshot(customer_id: str) -> dict[str, Any]:
    row = await stored(customer_id)
    return {name: getattr(row, name) for name in SNAPSHOT_FIELDS}


# --- absent, null and versions -------------------------------------------------------------


async def test_absent_fields_stay_and_null_clears(tenant: Tenant) -> None:
    # given
    customer_id = await create(tenant, **PERSON, vatId="DE136695976")
    # when
    payload = await update(tenant, customer_id, phone=None, vatId=None)
    # then
    assert payload["userErrors"] == []
    customer = payload["customer"]
    assert customer["phone"] is None
    assert customer["vatId"] is None
    assert (customer["firstName"], customer["lastName"], customer["email"]) == (
        "Erika",
        "Mustermann",
        "erika@example.com",
    )
    assert customer["version"] == 2
    row = await stored(customer_id)
    assert (row.phone, row.vat_id) == (None, None)
    assert (row.first_name, row.last_name, row.email) == (
        "Erika",
        "Mustermann",
        "erika@example.com",
    )
    assert row.version == 2


async def test_given_values_are_cleaned_and_stored(tenant: Tenant) -> None:
    # given
    customer_id = await create(tenant, **PERSON)
    # when
    payload = await update(
        tenant,
        customer_id,
        email=" Erika@Example.COM ",
        currencyCode="chf",
        language="EN",
        vatId="ATU13585627",
        commercialRegisterCourt=" Amtsgericht Berlin ",
    )
    # then
    assert payload["userErrors"] == []
    customer = payload["customer"]
    assert customer["email"] == "Erika@example.com"
    assert customer["currencyCode"] == "CHF"
    assert customer["language"] == "EN"
    assert customer["vatId"] == "ATU13585627"
    assert customer["commercialRegisterCourt"] == "Amtsgericht Berlin"
    row = await stored(customer_id)
    assert (row.email, row.currency_code, row.language, row.vat_id) == (
        "Erika@example.com",
        "CHF",
        Language.EN,
        "ATU13585627",
    )
    assert row.commercial_register_court == "Amtsgericht Berlin"


async def test_version_increments_on_every_change_but_not_on_a_no_op(tenant: Tenant) -> None:
    # given
    customer_id = await create(tenant, **PERSON)
    # when
    first = await update(tenant, customer_id, phone="030 999")
    second = await update(tenant, customer_id, firstName="Erik")
    same = await update(
        tenant,
        customer_id,
        firstName="Erik",
        lastName="Mustermann",
        phone=" 030 999 ",
        customerNumber="K00001",
        type="PERSON",
        currencyCode="eur",
    )
    # then
    assert [p["customer"]["version"] for p in (first, second, same)] == [2, 3, 3]
    assert same["userErrors"] == []
    row = await stored(customer_id)
    assert row.version == 3
    assert (row.first_name, row.phone) == ("Erik", "030 999")


async def test_matching_expected_version_updates(tenant: Tenant) -> None:
    # given
    customer_id = await create(tenant, **PERSON)
    # when
    payload = await update(tenant, customer_id, expectedVersion=1, lastName="Musterfrau")
    # then
    assert payload["userErrors"] == []
    assert payload["customer"]["version"] == 2
    row = await stored(customer_id)
    assert (row.last_name, row.version) == ("Musterfrau", 2)


async def test_stale_expected_version_conflicts_and_changes_nothing(tenant: Tenant) -> None:
    # given
    customer_id = await create(tenant, **PERSON)
    await update(tenant, customer_id, phone="030 999")
    before = await snapshot(customer_id)
    # when
    payload = await update(tenant, customer_id, expectedVersion=1, lastName="Musterfrau")
    # then
    assert payload["customer"] is None
    assert errors_of(payload) == [(["input", "expectedVersion"], "CONFLICT")]
    assert await snapshot(customer_id) == before
    assert before["version"] == 2


# --- required fields -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "changes", "missing"),
    [
        pytest.param(PERSON, {"lastName": None}, ["lastName"], id="person-last-name-null"),
        pytest.param(PERSON, {"firstName": "  "}, ["firstName"], id="person-first-name-blank"),
        pytest.param(COMPANY, {"companyName": None}, ["companyName"], id="company-name-null"),
        pytest.param(
            COMPANY, {"type": "PERSON"}, ["firstName", "lastName"], id="company-to-person"
        ),
        pytest.param(
            COMPANY,
            {"type": "PERSON", "firstName": "Max"},
            ["lastName"],
            id="company-to-person-first-name-only",
        ),
        pytest.param(
            PERSON,
            {"type": "COMPANY", "lastName": None},
            ["companyName"],
            id="person-to-company",
        ),
    ],
)
async def test_required_names_cannot_be_missing_after_the_update(
    tenant: Tenant, given: dict[str, Any], changes: dict[str, Any], missing: list[str]
) -> None:
    # given
    customer_id = await create(tenant, **given)
    before = await snapshot(customer_id)
    # when
    payload = await update(tenant, customer_id, **changes)
    # then
    assert payload["customer"] is None
    assert errors_of(payload) == [(["input", name], "REQUIRED") for name in missing]
    assert await snapshot(customer_id) == before


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        pytest.param({"customerNumber": None}, "customerNumber", id="customer-number-null"),
        pytest.param({"type": None}, "type", id="type-null"),
        pytest.param({"language": None}, "language", id="language-null"),
        pytest.param({"currencyCode": None}, "currencyCode", id="currency-null"),
        pytest.param({"customerNumber": "   "}, "customerNumber", id="customer-number-blank"),
        pytest.param({"currencyCode": " "}, "currencyCode", id="currency-blank"),
    ],
)
async def test_fields_that_cannot_be_cleared(
    tenant: Tenant, changes: dict[str, Any], field: str
) -> None:
    # given
    customer_id = await create(tenant, **PERSON)
    before = await snapshot(customer_id)
    # when
    payload = await update(tenant, customer_id, **changes)
    # then
    assert payload["customer"] is None
    assert errors_of(payload) == [(["input", field], "REQUIRED")]
    assert await snapshot(customer_id) == before


async def test_company_becomes_person_with_names(tenant: Tenant) -> None:
    # given
    customer_id = await create(tenant, **COMPANY)
    # when
    payload = await update(
        tenant, customer_id, type="PERSON", firstName="Max", lastName="Muster", companyName=None
    )
    # then
    assert payload["userErrors"] == []
    customer = payload["customer"]
    assert (customer["type"], customer["displayName"]) == ("PERSON", "Max Muster")
    row = await stored(customer_id)
    assert row.type is CustomerType.PERSON
    assert (row.company_name, row.display_name) == (None, "Max Muster")


# --- validation ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        pytest.param({"email": "kaputt"}, "email", "INVALID", id="email"),
        pytest.param({"invoiceEmail": "a@b@c"}, "invoiceEmail", "INVALID", id="invoice-email"),
        pytest.param({"currencyCode": "XYZ"}, "currencyCode", "INVALID", id="currency"),
        pytest.param({"vatId": "DE123456789"}, "vatId", "INVALID", id="vat-id"),
        pytest.param({"lastName": "M" * 256}, "lastName", "TOO_LONG", id="too-long"),
        pytest.param({"phone": "030\n123"}, "phone", "INVALID", id="control-character"),
    ],
)
async def test_invalid_value_is_refused_and_nothing_changes(
    tenant: Tenant, changes: dict[str, Any], field: str, code: str
) -> None:
    # given
    customer_id = await create(tenant, **PERSON)
    before = await snapshot(customer_id)
    # when
    payload = await update(tenant, customer_id, **changes)
    # then
    assert payload["customer"] is None
    assert errors_of(payload) == [(["input", field], code)]
    assert await snapshot(customer_id) == before


async def test_all_violations_of_an_update_are_reported_together(tenant: Tenant) -> None:
    # given
    await create(tenant, **COMPANY, customerNumber="4711")
    customer_id = await create(tenant, **PERSON)
    before = await snapshot(customer_id)
    # when
    payload = await update(
        tenant,
        customer_id,
        lastName=None,
        email="kaputt",
        vatId="DE123456789",
        customerNumber="4711",
    )
    # then
    assert payload["customer"] is None
    assert sorted(errors_of(payload)) == sorted(
        [
            (["input", "lastName"], "REQUIRED"),
            (["input", "email"], "INVALID"),
            (["input", "vatId"], "INVALID"),
            (["input", "customerNumber"], "TAKEN"),
        ]
    )
    assert await snapshot(customer_id) == before


async def test_cleared_required_field_is_reported_with_the_other_violations(
    tenant: Tenant,
) -> None:
    # given
    customer_id = await create(tenant, **PERSON)
    before = await snapshot(customer_id)
    # when
    payload = await update(tenant, customer_id, currencyCode=None, email="kaputt")
    # then
    assert payload["customer"] is None
    assert sorted(errors_of(payload)) == sorted(
        [(["input", "currencyCode"], "REQUIRED"), (["input", "email"], "INVALID")]
    )
    assert await snapshot(customer_id) == before


# --- uniqueness ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("taken", "field"),
    [
        pytest.param({"customerNumber": "4711"}, "customerNumber", id="customer-number"),
        pytest.param({"externalId": "crm-1"}, "externalId", id="external-id"),
    ],
)
async def test_another_customers_unique_value_is_taken(
    tenant: Tenant, taken: dict[str, Any], field: str
) -> None:
    # given
    await create(tenant, **COMPANY, **taken)
    customer_id = await create(tenant, **PERSON)
    before = await snapshot(customer_id)
    # when
    payload = await update(tenant, customer_id, **taken)
    # then
    assert payload["customer"] is None
    assert errors_of(payload) == [(["input", field], "TAKEN")]
    assert await snapshot(customer_id) == before


async def test_customer_number_of_another_organization_is_free(
    tenant: Tenant, other_tenant: Tenant
) -> None:
    # given
    await create(other_tenant, **COMPANY, customerNumber="4711", externalId="crm-1")
    customer_id = await create(tenant, **PERSON)
    # when
    payload = await update(tenant, customer_id, customerNumber="4711", externalId="crm-1")
    # then
    assert payload["userErrors"] == []
    assert payload["customer"]["customerNumber"] == "4711"
    row = await stored(customer_id)
    assert (row.customer_number, row.external_id, row.version) == ("4711", "crm-1", 2)


# --- not found -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make_id",
    [
        pytest.param(lambda: encode_id("Customer", uuid.uuid4()), id="unknown"),
        pytest.param(lambda: "not-an-id", id="garbage"),
        pytest.param(lambda: encode_id("Address", uuid.uuid4()), id="other-type"),
    ],
)
async def test_unknown_id_is_not_found(tenant: Tenant, make_id: Any) -> None:
    # given
    customer_id = await create(tenant, **PERSON)
    before = await snapshot(customer_id)
    # when
    payload = await update(tenant, make_id(), lastName="Musterfrau")
    # then
    assert payload["customer"] is None
    assert errors_of(payload) == [(["input", "id"], "NOT_FOUND")]
    assert await snapshot(customer_id) == before


async def test_another_organizations_customer_is_not_found(
    tenant: Tenant, other_tenant: Tenant
) -> None:
    # given
    foreign_id = await create(other_tenant, **PERSON)
    before = await snapshot(foreign_id)
    # when
    payload = await update(tenant, foreign_id, lastName="Musterfrau", phone=None)
    # then
    assert payload["customer"] is None
    assert errors_of(payload) == [(["input", "id"], "NOT_FOUND")]
    assert await snapshot(foreign_id) == before


# --- derived values ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "changes", "display_name"),
    [
        pytest.param(PERSON, {"firstName": "Erik"}, "Erik Mustermann", id="first-name"),
        pytest.param(PERSON, {"lastName": "Musterfrau"}, "Erika Musterfrau", id="last-name"),
        pytest.param(COMPANY, {"companyName": "Muster AG"}, "Muster AG", id="company-name"),
        pytest.param(
            COMPANY, {"firstName": "Max", "lastName": "Muster"}, "Muster GmbH", id="contact"
        ),
        pytest.param(
            PERSON, {"type": "COMPANY", "companyName": "Erika GmbH"}, "Erika GmbH", id="to-company"
        ),
    ],
)
async def test_display_name_follows_name_changes(
    tenant: Tenant, given: dict[str, Any], changes: dict[str, Any], display_name: str
) -> None:
    # given
    customer_id = await create(tenant, **given)
    # when
    payload = await update(tenant, customer_id, **changes)
    # then
    assert payload["userErrors"] == []
    assert payload["customer"]["displayName"] == display_name
    assert (await stored(customer_id)).display_name == display_name


async def test_invoice_email_set_then_cleared_falls_back_to_email(tenant: Tenant) -> None:
    # given
    customer_id = await create(tenant, **PERSON)
    # when
    set_payload = await update(tenant, customer_id, invoiceEmail="rechnung@example.com")
    set_row = await stored(customer_id)
    cleared = await update(tenant, customer_id, invoiceEmail=None)
    # then
    assert set_payload["customer"]["invoiceEmail"] == "rechnung@example.com"
    assert set_payload["customer"]["differingInvoiceEmail"] == "rechnung@example.com"
    assert set_row.invoice_email == "rechnung@example.com"
    assert cleared["userErrors"] == []
    assert cleared["customer"]["invoiceEmail"] == "erika@example.com"
    assert cleared["customer"]["differingInvoiceEmail"] is None
    row = await stored(customer_id)
    assert (row.invoice_email, row.email, row.version) == (None, "erika@example.com", 3)


# --- DATEV add-on and permissions ----------------------------------------------------------


async def test_datev_without_the_addon_is_refused(tenant: Tenant) -> None:
    # given
    customer_id = await create(tenant, **PERSON)
    before = await snapshot(customer_id)
    # when
    payload = await update(tenant, customer_id, datev={"debtorNumber": "10001"}, phone=None)
    # then
    assert payload["customer"] is None
    assert errors_of(payload) == [(["input", "datev"], "ADDON_NOT_ENABLED")]
    assert await snapshot(customer_id) == before


async def test_read_key_may_not_update(api: Api, tenant: Tenant, read_only_key: str) -> None:
    # given
    customer_id = await create(tenant, **PERSON)
    before = await snapshot(customer_id)
    # when
    response = await api.post(
        UPDATE, {"input": {"id": customer_id, "lastName": "Musterfrau"}}, key=read_only_key
    )
    # then
    assert response.status_code == 200
    body = response.json()
    assert "errors" not in body
    payload = body["data"]["customerUpdate"]
    assert payload["customer"] is None
    assert errors_of(payload) == [(None, "FORBIDDEN")]
    assert await snapshot(customer_id) == before
