"""addressCreate, addressUpdate, addressSetDefault: defaults per type, validation, tenancy."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from models import Address, Customer
from models.enums import AddressType
from schema.node import decode_id, encode_id
from tests import helpers
from tests.client import Tenant
from tests.helpers import errors_of

CUSTOMER_FIELDS = """
  id version
  defaultAddress { id }
  invoiceAddress { id }
  differingInvoiceAddress { id }
  addresses { id type isDefault }
"""

ADDRESS_FIELDS = """
  id type isDefault companyName firstName lastName addition street houseNumber zip city
  countryCode email
"""

CREATE_CUSTOMER = """
mutation CreateCustomer($input: CustomerCreateInput!) {
  customerCreate(input: $input) {
    customer { id defaultAddress { id } }
    userErrors { field code message }
  }
}
"""

CREATE = f"""
mutation CreateAddress($input: AddressCreateInput!) {{
  addressCreate(input: $input) {{
    address {{ {ADDRESS_FIELDS} }}
    customer {{ {CUSTOMER_FIELDS} }}
    userErrors {{ field code message }}
  }}
}}
"""

UPDATE = f"""
mutation UpdateAddress($input: AddressUpdateInput!) {{
  addressUpdate(input: $input) {{
    address {{ {ADDRESS_FIELDS} }}
    customer {{ {CUSTOMER_FIELDS} }}
    userErrors {{ field code message }}
  }}
}}
"""

SET_DEFAULT = f"""
mutation SetDefault($input: AddressSetDefaultInput!) {{
  addressSetDefault(input: $input) {{
    address {{ {ADDRESS_FIELDS} }}
    customer {{ {CUSTOMER_FIELDS} }}
    userErrors {{ field code message }}
  }}
}}
"""

BERLIN = {
    "companyName": "Muster GmbH",
    "street": "Hauptstraße",
    "houseNumber": "1",
    "zip": "10115",
    "city": "Berlin",
    "countryCode": "DE",
}

Snapshot = list[tuple[Any, ...]]


async def create_customer(tenant: Tenant, name: str = "Muster GmbH") -> str:
    customer = await helpers.create_customer(
        tenant, CREATE_CUSTOMER, type="COMPANY", companyName=name, address=BERLIN
    )
    customer_id: str = customer["id"]
    return customer_id


async def add_address(
    tenant: Tenant,
    customer_id: str,
    address_type: str,
    address: dict[str, Any],
    set_as_default: bool | None = None,
) -> dict[str, Any]:
    payload_input: dict[str, Any] = {
        "customerId": customer_id,
        "type": address_type,
        "address": address,
    }
    if set_as_default is not None:
        payload_input["setAsDefault"] = set_as_default
    data = await tenant.execute(CREATE, {"input": payload_input})
    payload: dict[str, Any] = data["addressCreate"]
    return payload


async def update(tenant: Tenant, address_id: str, address: dict[str, Any]) -> dict[str, Any]:
    data = await tenant.execute(UPDATE, {"input": {"id": address_id, "address": address}})
    payload: dict[str, Any] = data["addressUpdate"]
    return payload


async def set_default(tenant: Tenant, address_id: str) -> dict[str, Any]:
    data = await tenant.execute(SET_DEFAULT, {"input": {"id": address_id}})
    payload: dict[str, Any] = data["addressSetDefault"]
    return payload


async def version_of(customer_id: str) -> int:
    customer = await Customer.get(id=decode_id(customer_id, "Customer"))
    return customer.version


async def address_row(address_id: str) -> Address:
    return await Address.get(id=decode_id(address_id, "Address"))


async def defaults_of(customer_id: str, address_type: AddressType) -> list[str]:
    """Street of every default address of that type, as stored."""
    rows = await Address.filter(
        customer_id=decode_id(customer_id, "Customer"), type=address_type, is_default=True
    )
    return [str(row.street) for row in rows]


async def snapshot(customer_id: str) -> Snapshot:
    """Everything about a customer's addresses that a mutation could change."""
    rows = await Address.filter(customer_id=decode_id(customer_id, "Customer")).order_by("id")
    return [
        (
            row.id,
            row.type,
            row.is_default,
            row.company_name,
            row.street,
            row.house_number,
            row.zip,
            row.city,
            row.country_code,
            row.email,
        )
        for row in rows
    ]


# addressCreate


async def test_first_invoice_address_becomes_the_default_invoice_address(tenant: Tenant) -> None:
    # given
    customer_id = await create_customer(tenant)
    # when
    payload = await add_address(
        tenant, customer_id, "INVOICE", {**BERLIN, "street": "Postfach", "houseNumber": "12"}
    )
    # then
    assert payload["userErrors"] == []
    address = payload["address"]
    assert address["type"] == "INVOICE"
    assert address["isDefault"] is True
    assert address["street"] == "Postfach"
    customer = payload["customer"]
    assert customer["id"] == customer_id
    assert customer["invoiceAddress"]["id"] == address["id"]
    assert customer["differingInvoiceAddress"]["id"] == address["id"]
    assert customer["defaultAddress"]["id"] != address["id"]
    assert customer["version"] == 2
    row = await address_row(address["id"])
    assert row.customer_id == decode_id(customer_id, "Customer")
    assert row.organization_id == tenant.organization_id
    assert (row.type, row.is_default, row.street, row.zip) == (
        AddressType.INVOICE,
        True,
        "Postfach",
        "10115",
    )
    assert await version_of(customer_id) == 2


async def test_set_as_default_replaces_the_previous_default_of_its_type(tenant: Tenant) -> None:
    # given
    customer_id = await create_customer(tenant)
    first = await add_address(tenant, customer_id, "INVOICE", {**BERLIN, "street": "Erste"})
    # when
    payload = await add_address(
        tenant, customer_id, "INVOICE", {**BERLIN, "street": "Zweite"}, set_as_default=True
    )
    # then
    assert payload["userErrors"] == []
    second_id = payload["address"]["id"]
    assert payload["address"]["isDefault"] is True
    customer = payload["customer"]
    assert customer["invoiceAddress"]["id"] == second_id
    assert customer["version"] == 3
    flags = {a["id"]: a["isDefault"] for a in customer["addresses"] if a["type"] == "INVOICE"}
    assert flags == {first["address"]["id"]: False, second_id: True}
    assert await defaults_of(customer_id, AddressType.INVOICE) == ["Zweite"]
    assert await defaults_of(customer_id, AddressType.DEFAULT) == ["Hauptstraße"]
    assert await version_of(customer_id) == 3


async def test_second_invoice_address_without_set_as_default_is_not_default(
    tenant: Tenant,
) -> None:
    # given
    customer_id = await create_customer(tenant)
    first = await add_address(tenant, customer_id, "INVOICE", {**BERLIN, "street": "Erste"})
    # when
    payload = await add_address(tenant, customer_id, "INVOICE", {**BERLIN, "street": "Zweite"})
    # then
    assert payload["userErrors"] == []
    assert payload["address"]["isDefault"] is False
    assert payload["customer"]["invoiceAddress"]["id"] == first["address"]["id"]
    assert await defaults_of(customer_id, AddressType.INVOICE) == ["Erste"]
    assert not (await address_row(payload["address"]["id"])).is_default
    assert await version_of(customer_id) == 3


async def test_default_type_address_without_set_as_default_is_not_default(
    tenant: Tenant,
) -> None:
    # given
    customer_id = await create_customer(tenant)
    # when
    payload = await add_address(
        tenant, customer_id, "DEFAULT", {**BERLIN, "street": "Lager"}, set_as_default=False
    )
    # then
    assert payload["userErrors"] == []
    address = payload["address"]
    assert (address["type"], address["isDefault"]) == ("DEFAULT", False)
    customer = payload["customer"]
    assert customer["defaultAddress"]["id"] != address["id"]
    assert customer["invoiceAddress"]["id"] == customer["defaultAddress"]["id"]
    assert customer["differingInvoiceAddress"] is None
    assert customer["version"] == 2
    assert await defaults_of(customer_id, AddressType.DEFAULT) == ["Hauptstraße"]
    assert await defaults_of(customer_id, AddressType.INVOICE) == []
    assert not (await address_row(address["id"])).is_default
    assert await version_of(customer_id) == 2


async def test_default_type_address_with_set_as_default_becomes_the_default_address(
    tenant: Tenant,
) -> None:
    # given
    customer_id = await create_customer(tenant)
    # when
    payload = await add_address(
        tenant, customer_id, "DEFAULT", {**BERLIN, "street": "Neue Straße"}, set_as_default=True
    )
    # then
    assert payload["userErrors"] == []
    address = payload["address"]
    assert address["isDefault"] is True
    assert payload["customer"]["defaultAddress"]["id"] == address["id"]
    assert payload["customer"]["invoiceAddress"]["id"] == address["id"]
    assert await defaults_of(customer_id, AddressType.DEFAULT) == ["Neue Straße"]
    assert await Address.filter(customer_id=decode_id(customer_id, "Customer")).count() == 2
    assert await version_of(customer_id) == 2


@pytest.mark.parametrize(
    ("address", "field", "code"),
    [
        ({"countryCode": "XX"}, "countryCode", "INVALID"),
        ({"countryCode": "DEU"}, "countryCode", "INVALID"),
        ({"email": "keine-adresse"}, "email", "INVALID"),
        ({"zip": "1011", "countryCode": "DE"}, "zip", "INVALID"),
        ({"zip": "1011A", "countryCode": "de"}, "zip", "INVALID"),
        ({"street": "x" * 256}, "street", "TOO_LONG"),
        ({"city": "Berlin\nMitte"}, "city", "INVALID"),
    ],
)
async def test_invalid_address_is_refused_at_its_field(
    tenant: Tenant, address: dict[str, Any], field: str, code: str
) -> None:
    # given
    customer_id = await create_customer(tenant)
    before = await snapshot(customer_id)
    # when
    payload = await add_address(tenant, customer_id, "INVOICE", {**BERLIN, **address})
    # then
    assert payload["address"] is None
    assert errors_of(payload) == [(["input", "address", field], code)]
    assert await snapshot(customer_id) == before
    assert await version_of(customer_id) == 1


async def test_every_invalid_field_is_reported(tenant: Tenant) -> None:
    # given
    customer_id = await create_customer(tenant)
    before = await snapshot(customer_id)
    # when
    payload = await add_address(
        tenant,
        customer_id,
        "DEFAULT",
        {"countryCode": "XX", "email": "@", "lastName": "y" * 256},
    )
    # then
    assert sorted(errors_of(payload)) == [
        (["input", "address", "countryCode"], "INVALID"),
        (["input", "address", "email"], "INVALID"),
        (["input", "address", "lastName"], "TOO_LONG"),
    ]
    assert await snapshot(customer_id) == before
    assert await version_of(customer_id) == 1


async def test_address_for_another_organizations_customer_is_not_found(
    tenant: Tenant, other_tenant: Tenant
) -> None:
    # given
    foreign_id = await create_customer(other_tenant, "Andere AG")
    before = await snapshot(foreign_id)
    # when
    payload = await add_address(tenant, foreign_id, "INVOICE", BERLIN, set_as_default=True)
    # then
    assert payload["address"] is None
    assert payload["customer"] is None
    assert errors_of(payload) == [(["input", "customerId"], "NOT_FOUND")]
    assert await snapshot(foreign_id) == before
    assert await version_of(foreign_id) == 1
    assert await Address.filter(organization_id=tenant.organization_id).count() == 0


async def test_address_for_an_address_id_instead_of_a_customer_id_is_not_found(
    tenant: Tenant,
) -> None:
    # given
    customer_id = await create_customer(tenant)
    default_id = (await Address.get(customer_id=decode_id(customer_id, "Customer"))).id
    before = await snapshot(customer_id)
    # when
    payload = await add_address(tenant, encode_id("Address", default_id), "INVOICE", BERLIN)
    # then
    assert payload["address"] is None
    assert errors_of(payload) == [(["input", "customerId"], "NOT_FOUND")]
    assert await snapshot(customer_id) == before
    assert await version_of(customer_id) == 1


# addressUpdate


async def test_update_edits_in_place_absent_stays_null_clears(tenant: Tenant) -> None:
    # given
    customer_id = await create_customer(tenant)
    created = await add_address(
        tenant,
        customer_id,
        "INVOICE",
        {**BERLIN, "addition": "c/o Buchhaltung", "email": "rechnung@example.com"},
    )
    address_id = created["address"]["id"]
    # when
    payload = await update(
        tenant, address_id, {"street": " Friedrichstraße ", "houseNumber": "7", "addition": None}
    )
    # then
    assert payload["userErrors"] == []
    address = payload["address"]
    assert address["id"] == address_id
    assert (address["street"], address["houseNumber"], address["addition"]) == (
        "Friedrichstraße",
        "7",
        None,
    )
    assert (address["zip"], address["city"], address["email"]) == (
        "10115",
        "Berlin",
        "rechnung@example.com",
    )
    assert (address["type"], address["isDefault"]) == ("INVOICE", True)
    assert payload["customer"]["invoiceAddress"]["id"] == address_id
    assert payload["customer"]["version"] == 3
    row = await address_row(address_id)
    assert (row.street, row.house_number, row.addition, row.zip, row.city, row.email) == (
        "Friedrichstraße",
        "7",
        None,
        "10115",
        "Berlin",
        "rechnung@example.com",
    )
    assert (row.type, row.is_default, row.company_name) == (
        AddressType.INVOICE,
        True,
        "Muster GmbH",
    )
    assert await Address.filter(customer_id=decode_id(customer_id, "Customer")).count() == 2
    assert await version_of(customer_id) == 3


async def test_changing_country_to_de_checks_the_existing_zip(tenant: Tenant) -> None:
    # given
    customer_id = await create_customer(tenant)
    created = await add_address(
        tenant,
        customer_id,
        "INVOICE",
        {**BERLIN, "zip": "1010", "city": "Wien", "countryCode": "AT"},
    )
    address_id = created["address"]["id"]
    before = await snapshot(customer_id)
    # when
    payload = await update(tenant, address_id, {"countryCode": "DE"})
    # then
    assert payload["address"] is None
    assert errors_of(payload) == [(["input", "address", "zip"], "INVALID")]
    assert await snapshot(customer_id) == before
    row = await address_row(address_id)
    assert (row.zip, row.country_code) == ("1010", "AT")
    assert await version_of(customer_id) == 2


@pytest.mark.parametrize(
    ("address", "field", "code"),
    [
        ({"countryCode": "ZZ"}, "countryCode", "INVALID"),
        ({"email": "nicht gültig"}, "email", "INVALID"),
        ({"zip": "123456"}, "zip", "INVALID"),
        ({"city": "B" * 256}, "city", "TOO_LONG"),
    ],
)
async def test_invalid_update_is_refused_at_its_field(
    tenant: Tenant, address: dict[str, Any], field: str, code: str
) -> None:
    # given
    customer_id = await create_customer(tenant)
    default_id = (await Address.get(customer_id=decode_id(customer_id, "Customer"))).id
    before = await snapshot(customer_id)
    # when
    payload = await update(tenant, encode_id("Address", default_id), address)
    # then
    assert payload["address"] is None
    assert errors_of(payload) == [(["input", "address", field], code)]
    assert await snapshot(customer_id) == before
    assert await version_of(customer_id) == 1


async def test_update_without_a_change_keeps_the_version(tenant: Tenant) -> None:
    # given
    customer_id = await create_customer(tenant)
    created = await add_address(tenant, customer_id, "INVOICE", BERLIN)
    address_id = created["address"]["id"]
    before = await snapshot(customer_id)
    # when
    payload = await update(tenant, address_id, {"city": "Berlin", "countryCode": "de"})
    # then
    assert payload["userErrors"] == []
    assert payload["address"]["id"] == address_id
    assert payload["customer"]["version"] == 2
    assert await snapshot(customer_id) == before
    assert await version_of(customer_id) == 2


async def test_updating_another_organizations_address_is_not_found(
    tenant: Tenant, other_tenant: Tenant
) -> None:
    # given
    foreign_id = await create_customer(other_tenant, "Andere AG")
    created = await add_address(other_tenant, foreign_id, "INVOICE", BERLIN)
    before = await snapshot(foreign_id)
    # when
    payload = await update(tenant, created["address"]["id"], {"street": "Gekapert"})
    # then
    assert payload["address"] is None
    assert errors_of(payload) == [(["input", "id"], "NOT_FOUND")]
    assert await snapshot(foreign_id) == before
    assert await version_of(foreign_id) == 2


# addressSetDefault


async def test_set_default_switches_the_default_of_that_type(tenant: Tenant) -> None:
    # given
    customer_id = await create_customer(tenant)
    first = await add_address(tenant, customer_id, "INVOICE", {**BERLIN, "street": "Erste"})
    second = await add_address(tenant, customer_id, "INVOICE", {**BERLIN, "street": "Zweite"})
    second_id = second["address"]["id"]
    # when
    payload = await set_default(tenant, second_id)
    # then
    assert payload["userErrors"] == []
    assert payload["address"]["id"] == second_id
    assert payload["address"]["isDefault"] is True
    customer = payload["customer"]
    assert customer["invoiceAddress"]["id"] == second_id
    assert customer["version"] == 4
    flags = {a["id"]: a["isDefault"] for a in customer["addresses"] if a["type"] == "INVOICE"}
    assert flags == {first["address"]["id"]: False, second_id: True}
    assert await defaults_of(customer_id, AddressType.INVOICE) == ["Zweite"]
    assert await defaults_of(customer_id, AddressType.DEFAULT) == ["Hauptstraße"]
    assert await version_of(customer_id) == 4


async def test_set_default_of_a_default_type_address_changes_the_default_address(
    tenant: Tenant,
) -> None:
    # given
    customer_id = await create_customer(tenant)
    invoice = await add_address(tenant, customer_id, "INVOICE", {**BERLIN, "street": "Postfach"})
    other = await add_address(tenant, customer_id, "DEFAULT", {**BERLIN, "street": "Lager"})
    other_id = other["address"]["id"]
    # when
    payload = await set_default(tenant, other_id)
    # then
    assert payload["userErrors"] == []
    customer = payload["customer"]
    assert customer["defaultAddress"]["id"] == other_id
    assert customer["invoiceAddress"]["id"] == invoice["address"]["id"]
    assert await defaults_of(customer_id, AddressType.DEFAULT) == ["Lager"]
    assert await defaults_of(customer_id, AddressType.INVOICE) == ["Postfach"]
    assert await version_of(customer_id) == 4


async def test_setting_another_organizations_address_as_default_is_not_found(
    tenant: Tenant, other_tenant: Tenant
) -> None:
    # given
    foreign_id = await create_customer(other_tenant, "Andere AG")
    await add_address(other_tenant, foreign_id, "INVOICE", {**BERLIN, "street": "Erste"})
    second = await add_address(other_tenant, foreign_id, "INVOICE", {**BERLIN, "street": "Zweite"})
    before = await snapshot(foreign_id)
    # when
    payload = await set_default(tenant, second["address"]["id"])
    # then
    assert payload["address"] is None
    assert errors_of(payload) == [(["input", "id"], "NOT_FOUND")]
    assert await snapshot(foreign_id) == before
    assert await defaults_of(foreign_id, AddressType.INVOICE) == ["Erste"]
    assert await version_of(foreign_id) == 3


async def test_set_default_with_a_customer_id_is_not_found(tenant: Tenant) -> None:
    # given
    customer_id = await create_customer(tenant)
    before = await snapshot(customer_id)
    # when
    payload = await set_default(tenant, customer_id)
    # then
    assert payload["address"] is None
    assert errors_of(payload) == [(["input", "id"], "NOT_FOUND")]
    assert await snapshot(customer_id) == before
    assert await version_of(customer_id) == 1


async def test_concurrent_set_default_leaves_exactly_one_default(tenant: Tenant) -> None:
    # given: a customer with five INVOICE addresses
    customer_id = await create_customer(tenant)
    ids = [
        (await add_address(tenant, customer_id, "INVOICE", {"city": f"Ort {n}"}))["address"]["id"]
        for n in range(5)
    ]
    # when: each is made the default at the same moment
    results = await asyncio.gather(
        *(tenant.execute(SET_DEFAULT, {"input": {"id": address_id}}) for address_id in ids)
    )
    # then: every call succeeded and one address won
    assert [r["addressSetDefault"]["userErrors"] for r in results] == [[]] * 5
    defaults = await Address.filter(
        customer_id=decode_id(customer_id, "Customer"), type=AddressType.INVOICE, is_default=True
    )
    assert len(defaults) == 1
