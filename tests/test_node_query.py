"""node, customer and organization: lookups by id, tenant isolation, the DATEV field."""

from __future__ import annotations

import base64
import uuid
from typing import Any

import pytest

from models import Address, Customer, Organization
from models.enums import AddressType, CustomerStatus
from schema.node import decode_id, encode_id
from tests.client import Api, Tenant
from tests.helpers import create_customer

CREATE = """
mutation Create($input: CustomerCreateInput!) {
  customerCreate(input: $input) {
    customer {
      id customerNumber displayName
      defaultAddress { id }
      invoiceAddress { id }
    }
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

NODE = """
query Node($id: ID!) {
  node(id: $id) {
    __typename
    id
    ... on Customer { customerNumber displayName status }
    ... on Address { type isDefault city }
    ... on Organization { name datevEnabled customersReadOnly }
  }
}
"""

CUSTOMER = """
query Customer($id: ID!) {
  customer(id: $id) {
    id customerNumber type status displayName companyName email archivedAt
    datev { debtorNumber }
    defaultAddress { id city }
  }
}
"""

# Several lookups in one document: their ids are loaded in one batch.
BATCH = """
query Batch($a: ID!, $b: ID!, $c: ID!, $d: ID!) {
  a: customer(id: $a) { id displayName }
  b: customer(id: $b) { id displayName }
  c: node(id: $c) { id ... on Customer { displayName } }
  d: node(id: $d) { id ... on Address { city } }
}
"""

ORGANIZATION = """
query Organization {
  organization { id name datevEnabled customersReadOnly }
}
"""


async def create_company(tenant: Tenant, name: str = "Alpha AG") -> dict[str, Any]:
    return await create_customer(
        tenant,
        CREATE,
        type="COMPANY",
        companyName=name,
        email="info@alpha.example",
        address={"street": "Hauptstraße", "houseNumber": "1", "zip": "10115", "city": "Berlin"},
        invoiceAddress={"street": "Postfach", "zip": "20095", "city": "Hamburg"},
    )


async def node(tenant: Tenant, global_id: str) -> dict[str, Any] | None:
    data = await tenant.execute(NODE, {"id": global_id})
    result: dict[str, Any] | None = data["node"]
    return result


async def customer(tenant: Tenant, global_id: str) -> dict[str, Any] | None:
    data = await tenant.execute(CUSTOMER, {"id": global_id})
    result: dict[str, Any] | None = data["customer"]
    return result


def raw_id(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode()


async def test_node_resolves_a_customer(tenant: Tenant) -> None:
    # given
    created = await create_company(tenant)
    # when
    result = await node(tenant, created["id"])
    # then
    assert result == {
        "__typename": "Customer",
        "id": created["id"],
        "customerNumber": created["customerNumber"],
        "displayName": "Alpha AG",
        "status": "ACTIVE",
    }
    stored = await Customer.get(id=decode_id(created["id"], "Customer"))
    assert stored.organization_id == tenant.organization_id
    assert stored.customer_number == created["customerNumber"]


async def test_node_resolves_addresses(tenant: Tenant) -> None:
    # given
    created = await create_company(tenant)
    # when
    default = await node(tenant, created["defaultAddress"]["id"])
    invoice = await node(tenant, created["invoiceAddress"]["id"])
    # then
    assert default == {
        "__typename": "Address",
        "id": created["defaultAddress"]["id"],
        "type": "DEFAULT",
        "isDefault": True,
        "city": "Berlin",
    }
    assert invoice == {
        "__typename": "Address",
        "id": created["invoiceAddress"]["id"],
        "type": "INVOICE",
        "isDefault": True,
        "city": "Hamburg",
    }
    stored = await Address.get(id=decode_id(created["invoiceAddress"]["id"], "Address"))
    assert (stored.type, stored.city) == (AddressType.INVOICE, "Hamburg")
    assert stored.customer_id == decode_id(created["id"], "Customer")


async def test_node_resolves_the_own_organization(tenant: Tenant) -> None:
    # given
    organization_id = encode_id("Organization", tenant.organization_id)
    # when
    result = await node(tenant, organization_id)
    # then
    assert result == {
        "__typename": "Organization",
        "id": organization_id,
        "name": "Muster GmbH",
        "datevEnabled": False,
        "customersReadOnly": False,
    }
    stored = await Organization.get(id=tenant.organization_id)
    assert stored.name == "Muster GmbH"


async def test_organization_is_the_callers_own(
    tenant: Tenant, other_tenant: Tenant, datev_tenant: Tenant
) -> None:
    # given: three organizations
    # when
    own = (await tenant.execute(ORGANIZATION))["organization"]
    other = (await other_tenant.execute(ORGANIZATION))["organization"]
    datev = (await datev_tenant.execute(ORGANIZATION))["organization"]
    # then
    assert own == {
        "id": encode_id("Organization", tenant.organization_id),
        "name": "Muster GmbH",
        "datevEnabled": False,
        "customersReadOnly": False,
    }
    assert other["id"] == encode_id("Organization", other_tenant.organization_id)
    assert other["name"] == "Andere AG"
    assert datev["id"] == encode_id("Organization", datev_tenant.organization_id)
    assert (datev["name"], datev["datevEnabled"]) == ("Steuer KG", True)
    stored = await Organization.get(id=datev_tenant.organization_id)
    assert (stored.name, stored.datev_enabled, stored.customers_read_only) == (
        "Steuer KG",
        True,
        False,
    )


async def test_organization_can_be_read_with_a_read_key(
    api: Api, tenant: Tenant, read_only_key: str
) -> None:
    # when
    data = await api.execute(ORGANIZATION, key=read_only_key)
    # then
    assert data["organization"]["id"] == encode_id("Organization", tenant.organization_id)
    assert data["organization"]["name"] == "Muster GmbH"
    assert await Organization.filter(id=tenant.organization_id).exists()


async def test_customer_returns_the_stored_customer(tenant: Tenant) -> None:
    # given
    created = await create_company(tenant)
    # when
    result = await customer(tenant, created["id"])
    # then
    assert result is not None
    stored = await Customer.get(id=decode_id(created["id"], "Customer"))
    assert result == {
        "id": created["id"],
        "customerNumber": stored.customer_number,
        "type": "COMPANY",
        "status": "ACTIVE",
        "displayName": stored.display_name,
        "companyName": stored.company_name,
        "email": stored.email,
        "archivedAt": None,
        "datev": None,
        "defaultAddress": {"id": created["defaultAddress"]["id"], "city": "Berlin"},
    }
    assert stored.display_name == "Alpha AG"


async def test_customer_and_node_still_resolve_an_archived_customer(tenant: Tenant) -> None:
    # given
    created = await create_company(tenant)
    archived = await tenant.execute(ARCHIVE, {"input": {"id": created["id"]}})
    assert archived["customerArchive"]["userErrors"] == []
    # when
    by_customer = await customer(tenant, created["id"])
    by_node = await node(tenant, created["id"])
    # then
    assert by_customer is not None
    assert by_customer["status"] == "ARCHIVED"
    assert by_customer["archivedAt"] is not None
    assert by_node is not None
    assert by_node["status"] == "ARCHIVED"
    stored = await Customer.get(id=decode_id(created["id"], "Customer"))
    assert stored.status is CustomerStatus.ARCHIVED


async def test_datev_is_null_without_the_add_on(tenant: Tenant) -> None:
    # given
    created = await create_company(tenant)
    # when
    result = await customer(tenant, created["id"])
    # then
    assert result is not None
    assert result["datev"] is None
    stored = await Organization.get(id=tenant.organization_id)
    assert stored.datev_enabled is False


async def test_datev_shows_the_debtor_number_with_the_add_on(datev_tenant: Tenant) -> None:
    # given
    given_number = await create_customer(
        datev_tenant,
        CREATE,
        type="COMPANY",
        companyName="Alpha AG",
        datev={"debtorNumber": "12345"},
    )
    allocated = await create_customer(
        datev_tenant, CREATE, type="COMPANY", companyName="Bravo GmbH"
    )
    # when
    with_given = await customer(datev_tenant, given_number["id"])
    with_allocated = await customer(datev_tenant, allocated["id"])
    # then
    assert with_given is not None
    assert with_given["datev"] == {"debtorNumber": "12345"}
    assert with_allocated is not None
    stored = await Customer.get(id=decode_id(allocated["id"], "Customer"))
    assert stored.datev_debtor_number is not None
    assert with_allocated["datev"] == {"debtorNumber": stored.datev_debtor_number}
    stored_given = await Customer.get(id=decode_id(given_number["id"], "Customer"))
    assert stored_given.datev_debtor_number == "12345"


GARBAGE_IDS = [
    pytest.param("", id="empty"),
    pytest.param("garbage", id="not-base64"),
    pytest.param("!!!###", id="punctuation"),
    pytest.param("Kunde-ü", id="non-ascii"),
    pytest.param(raw_id("Customer"), id="no-key"),
    pytest.param(raw_id("Customer:42"), id="integer-key"),
    pytest.param(raw_id("Customer:not-a-uuid"), id="bad-uuid"),
    pytest.param(raw_id(f"Unknown:{uuid.UUID(int=1)}"), id="unknown-type"),
    pytest.param(raw_id(f"Invoice:{uuid.UUID(int=1)}"), id="unbuilt-type"),
    pytest.param(raw_id(f"Customer:{uuid.UUID(int=1)}"), id="nonexistent-customer"),
    pytest.param(raw_id(f"Address:{uuid.UUID(int=1)}"), id="nonexistent-address"),
    pytest.param(raw_id(f"Organization:{uuid.UUID(int=1)}"), id="nonexistent-organization"),
    pytest.param(base64.urlsafe_b64encode(b"\xff\xfe:\x00").decode(), id="not-utf8"),
    pytest.param(str(uuid.UUID(int=1)), id="bare-uuid"),
]


@pytest.mark.parametrize("global_id", GARBAGE_IDS)
async def test_node_of_a_garbage_id_is_null_not_an_error(
    api: Api, tenant: Tenant, global_id: str
) -> None:
    # given
    await create_company(tenant)
    # when
    response = await api.post(NODE, {"id": global_id}, key=tenant.key)
    # then
    assert response.status_code == 200, response.text
    assert response.json()["data"] == {"node": None}
    assert "errors" not in response.json()
    assert await Customer.filter(organization_id=tenant.organization_id).count() == 1


@pytest.mark.parametrize("global_id", GARBAGE_IDS)
async def test_customer_of_a_garbage_id_is_null_not_an_error(
    api: Api, tenant: Tenant, global_id: str
) -> None:
    # given
    await create_company(tenant)
    # when
    response = await api.post(CUSTOMER, {"id": global_id}, key=tenant.key)
    # then
    assert response.status_code == 200, response.text
    assert response.json()["data"] == {"customer": None}
    assert "errors" not in response.json()
    assert await Customer.filter(organization_id=tenant.organization_id).count() == 1


async def test_customer_of_an_address_id_is_null(tenant: Tenant) -> None:
    # given
    created = await create_company(tenant)
    address_id = created["defaultAddress"]["id"]
    # when
    result = await customer(tenant, address_id)
    # then
    assert result is None
    assert await Address.filter(id=decode_id(address_id, "Address")).exists()


async def test_another_organizations_records_are_null_like_nonexistent_ids(
    tenant: Tenant, other_tenant: Tenant
) -> None:
    # given
    foreign = await create_company(other_tenant, "Andere Kunden AG")
    foreign_ids = {
        "customer": foreign["id"],
        "default address": foreign["defaultAddress"]["id"],
        "invoice address": foreign["invoiceAddress"]["id"],
        "organization": encode_id("Organization", other_tenant.organization_id),
    }
    # when
    by_node = {name: await node(tenant, global_id) for name, global_id in foreign_ids.items()}
    by_customer = await customer(tenant, foreign["id"])
    # then
    assert by_node == dict.fromkeys(foreign_ids)
    assert by_customer is None
    assert await node(other_tenant, foreign["id"]) is not None
    stored = await Customer.get(id=decode_id(foreign["id"], "Customer"))
    assert stored.organization_id == other_tenant.organization_id
    addresses = await Address.filter(customer_id=stored.id)
    assert {row.organization_id for row in addresses} == {other_tenant.organization_id}


async def test_a_batch_of_own_and_foreign_ids_loads_only_the_own_records(
    tenant: Tenant, other_tenant: Tenant
) -> None:
    # given
    own = await create_company(tenant, "Eigene AG")
    foreign = await create_company(other_tenant, "Fremde AG")
    # when
    data = await tenant.execute(
        BATCH,
        {
            "a": own["id"],
            "b": foreign["id"],
            "c": foreign["id"],
            "d": foreign["defaultAddress"]["id"],
        },
    )
    # then
    assert data == {
        "a": {"id": own["id"], "displayName": "Eigene AG"},
        "b": None,
        "c": None,
        "d": None,
    }
    stored = await Customer.get(id=decode_id(foreign["id"], "Customer"))
    assert stored.organization_id == other_tenant.organization_id
