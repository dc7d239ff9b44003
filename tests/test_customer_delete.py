"""customerDelete: a customer without records goes, with its addresses; foreign ids do not."""

from __future__ import annotations

from typing import Any

from models import Address, Customer, IdempotencyRecord
from schema.node import decode_id, encode_id
from tests import helpers
from tests.client import Tenant
from tests.test_idempotency import replayed, send

CREATE = """
mutation Create($input: CustomerCreateInput!) {
  customerCreate(input: $input) {
    customer { id addresses { id } }
    userErrors { field code message }
  }
}
"""

DELETE = """
mutation Delete($input: CustomerIdInput!) {
  customerDelete(input: $input) {
    deletedCustomerId
    userErrors { field code message }
  }
}
"""

ADDRESS = {"street": "Hauptstraße", "houseNumber": "1", "zip": "10115", "city": "Berlin"}


async def create_customer(tenant: Tenant, name: str = "Muster GmbH") -> str:
    customer = await helpers.create_customer(
        tenant,
        CREATE,
        type="COMPANY",
        companyName=name,
        address={**ADDRESS, "countryCode": "DE"},
        invoiceAddress={**ADDRESS, "street": "Postfach", "countryCode": "DE"},
    )
    assert len(customer["addresses"]) == 2
    customer_id: str = customer["id"]
    return customer_id


async def delete(tenant: Tenant, customer_id: str) -> dict[str, Any]:
    data = await tenant.execute(DELETE, {"input": {"id": customer_id}})
    payload: dict[str, Any] = data["customerDelete"]
    return payload


async def test_customer_without_records_is_deleted_with_its_addresses(tenant: Tenant) -> None:
    # given
    customer_id = await create_customer(tenant)
    kept_id = await create_customer(tenant, "Bleibt GmbH")
    pk = decode_id(customer_id, "Customer")
    # when
    payload = await delete(tenant, customer_id)
    # then
    assert payload == {"deletedCustomerId": customer_id, "userErrors": []}
    assert not await Customer.filter(id=pk).exists()
    assert not await Address.filter(customer_id=pk).exists()
    kept_pk = decode_id(kept_id, "Customer")
    assert await Customer.filter(id=kept_pk).exists()
    assert await Address.filter(customer_id=kept_pk).count() == 2


async def test_deleting_again_is_not_found(tenant: Tenant) -> None:
    # given
    customer_id = await create_customer(tenant)
    await delete(tenant, customer_id)
    # when
    payload = await delete(tenant, customer_id)
    # then
    assert payload["deletedCustomerId"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [
        (["input", "id"], "NOT_FOUND")
    ]
    assert await Customer.all().count() == 0
    assert await Address.all().count() == 0


async def test_deleting_another_organizations_customer_is_not_found(
    tenant: Tenant, other_tenant: Tenant
) -> None:
    # given
    foreign_id = await create_customer(other_tenant, "Andere Kundschaft AG")
    pk = decode_id(foreign_id, "Customer")
    # when
    payload = await delete(tenant, foreign_id)
    # then
    assert payload["deletedCustomerId"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [
        (["input", "id"], "NOT_FOUND")
    ]
    row = await Customer.get(id=pk)
    assert row.organization_id == other_tenant.organization_id
    assert row.version == 1
    assert await Address.filter(customer_id=pk).count() == 2


async def test_deleting_an_address_id_is_not_found(tenant: Tenant) -> None:
    # given
    customer_id = await create_customer(tenant)
    pk = decode_id(customer_id, "Customer")
    address = await Address.filter(customer_id=pk).first()
    assert address is not None
    address_id = encode_id("Address", address.id)
    # when
    payload = await delete(tenant, address_id)
    # then
    assert payload["deletedCustomerId"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [
        (["input", "id"], "NOT_FOUND")
    ]
    assert await Customer.filter(id=pk).exists()
    assert await Address.filter(customer_id=pk).count() == 2


async def test_a_stored_response_that_showed_the_customer_is_erased(tenant: Tenant) -> None:
    # given: the customer was created with an Idempotency-Key
    variables = {"input": {"type": "COMPANY", "companyName": "Löschbar Quast GmbH"}}
    first = await send(tenant.api.http, CREATE, variables, key=tenant.key, idempotency_key="k1")
    customer_id = first.json()["data"]["customerCreate"]["customer"]["id"]
    data = await tenant.execute(DELETE, {"input": {"id": customer_id}})
    assert data["customerDelete"]["userErrors"] == []
    # when: the create is retried
    retry = await send(tenant.api.http, CREATE, variables, key=tenant.key, idempotency_key="k1")
    # then: not carried out again, and the name is gone from the stored answer
    assert (retry.status_code, replayed(retry)) == (410, True)
    assert "Quast" not in retry.text
    [record] = await IdempotencyRecord.filter(organization_id=tenant.organization_id)
    assert "Quast" not in record.response
    assert await Customer.filter(organization_id=tenant.organization_id).count() == 0
