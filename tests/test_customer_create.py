"""customerCreate: required fields by type, validation, defaults, addresses, numbers."""

from __future__ import annotations

from typing import Any

from models import Address, Customer
from models.enums import AddressType
from schema.node import decode_id
from tests.client import Tenant

CREATE = """
mutation Create($input: CustomerCreateInput!) {
  customerCreate(input: $input) {
    customer {
      id customerNumber type status displayName companyName firstName lastName
      email invoiceEmail differingInvoiceEmail phone language currencyCode vatId
      externalId version createdAt archivedAt datev { debtorNumber }
      defaultPaymentMethod { type isDefault }
      defaultAddress { id type isDefault street zip city countryCode }
      invoiceAddress { id type street city }
      addresses { id type isDefault }
    }
    userErrors { field code message }
  }
}
"""


async def create(tenant: Tenant, **fields: Any) -> dict[str, Any]:
    data = await tenant.execute(CREATE, {"input": fields})
    payload: dict[str, Any] = data["customerCreate"]
    return payload


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
