"""Field execution: plain scalar fields are read directly, with GraphQL's answers and errors.

The executor (schema/execution.py) answers a plain attribute of a String, ID, Int or
Boolean field without graphql-core's per-field steps when the value already is what the
scalar serializes to; anything else goes the general way. These tests pin the answers
the general way gives: aliases, repeats, fragments, directives, nulls, and errors.
"""

from __future__ import annotations

from typing import Any

import pytest

from models import Address, Customer
from schema.node import encode_id
from tests.client import Tenant
from tests.conftest import POSTGRES_URL
from tests.helpers import create_customer, pk_of

CREATE = """
mutation Create($input: CustomerCreateInput!) {
  customerCreate(input: $input) {
    customer { id }
    userErrors { field code message }
  }
}
"""

SHAPES = """
query Shapes($id: ID!, $withEmail: Boolean!, $skipPhone: Boolean!) {
  customer(id: $id) {
    __typename
    id
    number: customerNumber
    again: customerNumber
    customerNumber
    ...Names
    ... on Customer { version }
    email @include(if: $withEmail)
    phone @skip(if: $skipPhone)
    companyName
    defaultAddress { __typename id isDefault city zip street }
  }
}
fragment Names on Customer { displayName firstName lastName }
"""

PAGE = """
query Page {
  customers(first: 10) {
    edges { node { id customerNumber version defaultAddress { city isDefault } } }
  }
}
"""

# PostgreSQL's integer column cannot hold such a value; the executor is the same on both.
BEYOND_32_BITS = pytest.mark.skipif(
    POSTGRES_URL is not None, reason="a version beyond 32 bits is stored by SQLite only"
)

VERSION = """
query Version($id: ID!) {
  customer(id: $id) { id version }
}
"""


async def test_plain_fields_answer_aliases_repeats_fragments_and_directives(
    tenant: Tenant,
) -> None:
    # given
    created = await create_customer(
        tenant,
        CREATE,
        type="PERSON",
        firstName="Erika",
        lastName="Mustermann",
        email="erika@example.com",
        address={"street": "Hauptstraße 1", "zip": "10115", "city": "Berlin"},
    )
    pk = pk_of(created["id"])
    # when
    data = await tenant.execute(SHAPES, {"id": created["id"], "withEmail": True, "skipPhone": True})
    without = await tenant.execute(
        SHAPES, {"id": created["id"], "withEmail": False, "skipPhone": False}
    )
    # then
    stored = await Customer.get(id=pk)
    address = await Address.get(customer_id=pk, is_default=True, type="DEFAULT")
    assert data["customer"] == {
        "__typename": "Customer",
        "id": created["id"],
        "number": stored.customer_number,
        "again": stored.customer_number,
        "customerNumber": stored.customer_number,
        "displayName": "Erika Mustermann",
        "firstName": "Erika",
        "lastName": "Mustermann",
        "version": stored.version,
        "email": "erika@example.com",
        "companyName": None,
        "defaultAddress": {
            "__typename": "Address",
            "id": encode_id("Address", address.id),
            "isDefault": True,
            "city": "Berlin",
            "zip": "10115",
            "street": "Hauptstraße 1",
        },
    }
    assert list(data["customer"]) == [
        "__typename",
        "id",
        "number",
        "again",
        "customerNumber",
        "displayName",
        "firstName",
        "lastName",
        "version",
        "email",
        "companyName",
        "defaultAddress",
    ]
    assert "email" not in without["customer"]
    assert without["customer"]["phone"] is None
    assert stored.phone is None


async def test_each_node_of_a_page_answers_its_own_values(tenant: Tenant) -> None:
    # given
    cities = ["Berlin", "Hamburg", "München"]
    created = [
        await create_customer(
            tenant, CREATE, type="COMPANY", companyName=f"Firma {city}", address={"city": city}
        )
        for city in cities
    ]
    # when
    data = await tenant.execute(PAGE)
    # then
    nodes = [edge["node"] for edge in data["customers"]["edges"]]
    stored = {row.id: row for row in await Customer.filter(organization_id=tenant.organization_id)}
    assert [node["id"] for node in nodes] == [customer["id"] for customer in created]
    for node, city in zip(nodes, cities, strict=True):
        row = stored[pk_of(node["id"])]
        assert node == {
            "id": node["id"],
            "customerNumber": row.customer_number,
            "version": row.version,
            "defaultAddress": {"city": city, "isDefault": True},
        }


@BEYOND_32_BITS
async def test_an_int_beyond_32_bits_is_graphqls_field_error_not_a_wrong_number(
    tenant: Tenant,
) -> None:
    # given: a version no 32-bit GraphQL Int can carry
    created = await create_customer(tenant, CREATE, type="COMPANY", companyName="Groß AG")
    pk = pk_of(created["id"])
    await Customer.filter(id=pk).update(version=2**31)
    # when
    response = await tenant.api.post(VERSION, {"id": created["id"]}, key=tenant.key)
    # then: the non-null field fails, and with it its nullable parent
    body: dict[str, Any] = response.json()
    assert response.status_code == 200, response.text
    assert body["data"] == {"customer": None}
    assert [error["path"] for error in body["errors"]] == [["customer", "version"]]
    assert (await Customer.get(id=pk)).version == 2**31


@BEYOND_32_BITS
async def test_a_field_error_inside_a_page_nulls_up_to_the_nearest_nullable_parent(
    tenant: Tenant,
) -> None:
    # given: the second of two customers has a version no GraphQL Int can carry
    first = await create_customer(tenant, CREATE, type="COMPANY", companyName="Erste AG")
    second = await create_customer(tenant, CREATE, type="COMPANY", companyName="Zweite AG")
    await Customer.filter(id=pk_of(second["id"])).update(version=2**31)
    # when
    response = await tenant.api.post(PAGE, key=tenant.key)
    # then: node, edge, the edge list and `customers` are non-null: no data at all
    body: dict[str, Any] = response.json()
    assert response.status_code == 200, response.text
    assert body["data"] is None
    assert [error["path"] for error in body["errors"]] == [
        ["customers", "edges", 1, "node", "version"]
    ]
    assert (await Customer.get(id=pk_of(first["id"]))).version == 1
