"""No N+1: nested fields of a page cost a constant number of SQL statements."""

from __future__ import annotations

from typing import Any

from models import Address, Customer
from models.enums import AddressType
from schema.node import decode_id
from tests.client import Tenant
from tests.helpers import LEASE_RENEWALS, statements

CREATE = """
mutation Create($input: CustomerCreateInput!) {
  customerCreate(input: $input) {
    customer { id }
    userErrors { field code message }
  }
}
"""

PAGE = """
query Page($first: Int, $after: String) {
  customers(first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage endCursor }
    edges {
      cursor
      node {
        id customerNumber displayName invoiceEmail
        defaultAddress { id type city }
        invoiceAddress { id type city }
        differingInvoiceAddress { id }
        addresses { id type isDefault }
        datev { debtorNumber }
      }
    }
  }
}
"""

CUSTOMER_FIELDS = """
fragment Fields on Customer {
  id
  defaultAddress { id city }
  invoiceAddress { id city }
  addresses { id }
  datev { debtorNumber }
}
"""


async def create_customers(tenant: Tenant, start: int, stop: int) -> None:
    """Companies named Firma 000.. with a city; every third also has an invoice address."""
    for n in range(start, stop):
        fields: dict[str, Any] = {
            "type": "COMPANY",
            "companyName": f"Firma {n:03d}",
            "address": {"street": "Hauptstraße", "zip": "10115", "city": f"Berlin {n}"},
        }
        if n % 3 == 0:
            fields["invoiceAddress"] = {"street": "Postfach", "zip": "20095", "city": "Hamburg"}
        data = await tenant.execute(CREATE, {"input": fields})
        assert data["customerCreate"]["userErrors"] == []


async def load_page(tenant: Tenant, **variables: Any) -> tuple[dict[str, Any], list[str]]:
    with statements(LEASE_RENEWALS) as executed:
        data = await tenant.execute(PAGE, variables)
    connection: dict[str, Any] = data["customers"]
    return connection, list(executed)


async def assert_matches_stored(tenant: Tenant, edges: list[dict[str, Any]]) -> None:
    """Every nested field of the page agrees with the rows read back with the models."""
    customers = {
        row.id: row for row in await Customer.filter(organization_id=tenant.organization_id)
    }
    addresses: dict[Any, list[Address]] = {}
    for row in await Address.filter(organization_id=tenant.organization_id).order_by(
        "created_at", "id"
    ):
        addresses.setdefault(row.customer_id, []).append(row)
    for edge in edges:
        node = edge["node"]
        pk = decode_id(node["id"], "Customer")
        assert pk is not None
        stored = customers[pk]
        rows = addresses[pk]
        assert node["datev"] == {"debtorNumber": stored.datev_debtor_number}
        assert stored.datev_debtor_number is not None
        assert [decode_id(a["id"], "Address") for a in node["addresses"]] == [r.id for r in rows]
        default = next(r for r in rows if r.type is AddressType.DEFAULT and r.is_default)
        assert decode_id(node["defaultAddress"]["id"], "Address") == default.id
        assert node["defaultAddress"]["city"] == default.city
        invoice = [r for r in rows if r.type is AddressType.INVOICE and r.is_default]
        expected_invoice = invoice[0] if invoice else default
        assert decode_id(node["invoiceAddress"]["id"], "Address") == expected_invoice.id
        if "differingInvoiceAddress" in node:
            assert (node["differingInvoiceAddress"] is None) == (not invoice)


async def test_a_page_of_100_costs_as_many_statements_as_a_page_of_2(
    datev_tenant: Tenant,
) -> None:
    # given
    await create_customers(datev_tenant, 0, 2)
    small, small_statements = await load_page(datev_tenant, first=100)
    await create_customers(datev_tenant, 2, 100)
    # when
    large, large_statements = await load_page(datev_tenant, first=100)
    # then
    assert len(small["edges"]) == 2
    assert len(large["edges"]) == 100
    assert large["totalCount"] == 100
    assert len(large_statements) == len(small_statements), large_statements
    assert 0 < len(large_statements) <= 6, large_statements
    assert await Customer.filter(organization_id=datev_tenant.organization_id).count() == 100
    assert await Address.filter(organization_id=datev_tenant.organization_id).count() == 134
    await assert_matches_stored(datev_tenant, large["edges"])


async def test_a_following_page_also_costs_a_constant_number_of_statements(
    datev_tenant: Tenant,
) -> None:
    # given
    await create_customers(datev_tenant, 0, 4)
    first_small, _ = await load_page(datev_tenant, first=2)
    small, small_statements = await load_page(
        datev_tenant, first=100, after=first_small["pageInfo"]["endCursor"]
    )
    await create_customers(datev_tenant, 4, 103)
    first_large, _ = await load_page(datev_tenant, first=2)
    # when
    large, large_statements = await load_page(
        datev_tenant, first=100, after=first_large["pageInfo"]["endCursor"]
    )
    # then
    assert len(small["edges"]) == 2
    assert len(large["edges"]) == 100
    assert large["pageInfo"]["hasPreviousPage"] is True
    assert large["pageInfo"]["hasNextPage"] is True
    assert len(large_statements) == len(small_statements), large_statements
    assert 0 < len(large_statements) <= 7, large_statements
    assert await Customer.filter(organization_id=datev_tenant.organization_id).count() == 103
    await assert_matches_stored(datev_tenant, large["edges"])


def by_aliases(count: int) -> str:
    """A document reading `count` customers by id in one request (ids as variables)."""
    variables = ", ".join(f"$id{n}: ID!" for n in range(count))
    fields = " ".join(f"c{n}: customer(id: $id{n}) {{ ...Fields }}" for n in range(count))
    return f"query Many({variables}) {{ {fields} }}\n{CUSTOMER_FIELDS}"


async def test_customers_read_by_id_in_one_request_are_loaded_together(
    datev_tenant: Tenant,
) -> None:
    # given
    await create_customers(datev_tenant, 0, 20)
    rows = await Customer.filter(organization_id=datev_tenant.organization_id).order_by(
        "created_at", "id"
    )
    page, _ = await load_page(datev_tenant, first=20)
    ids = [edge["node"]["id"] for edge in page["edges"]]
    # when
    with statements(LEASE_RENEWALS) as two:
        small = await datev_tenant.execute(by_aliases(2), {f"id{n}": ids[n] for n in range(2)})
    two_count = len(two)
    with statements(LEASE_RENEWALS) as twenty:
        large = await datev_tenant.execute(by_aliases(20), {f"id{n}": ids[n] for n in range(20)})
    # then
    assert [small[f"c{n}"]["id"] for n in range(2)] == ids[:2]
    assert [large[f"c{n}"]["id"] for n in range(20)] == ids
    assert [decode_id(customer_id, "Customer") for customer_id in ids] == [row.id for row in rows]
    assert len(twenty) == two_count, twenty
    assert 0 < two_count <= 4, two
    await assert_matches_stored(datev_tenant, [{"node": large[f"c{n}"]} for n in range(20)])


PAGE_THROUGH_FRAGMENTS = (
    """
query Page($first: Int) {
  customers(first: $first) {
    edges { node { ...Fields ... on Customer { differingInvoiceAddress { id } } } }
  }
}
"""
    + CUSTOMER_FIELDS
)

PAGE_SKIPPING_ADDRESSES = """
query Page($first: Int, $skip: Boolean!) {
  customers(first: $first) {
    edges { node { id defaultAddress @skip(if: $skip) { city } } }
  }
}
"""


async def test_address_fields_asked_for_through_fragments_are_read_ahead_for_the_page(
    datev_tenant: Tenant,
) -> None:
    # given
    await create_customers(datev_tenant, 0, 2)
    with statements(LEASE_RENEWALS) as small_statements:
        small = await datev_tenant.execute(PAGE_THROUGH_FRAGMENTS, {"first": 100})
    await create_customers(datev_tenant, 2, 60)
    # when
    with statements(LEASE_RENEWALS) as large_statements:
        large = await datev_tenant.execute(PAGE_THROUGH_FRAGMENTS, {"first": 100})
    # then
    assert len(small["customers"]["edges"]) == 2
    assert len(large["customers"]["edges"]) == 60
    assert len(large_statements) == len(small_statements), large_statements
    await assert_matches_stored(datev_tenant, large["customers"]["edges"])


async def test_address_fields_left_out_by_skip_are_not_read(datev_tenant: Tenant) -> None:
    # given
    await create_customers(datev_tenant, 0, 3)
    # when
    with statements(LEASE_RENEWALS) as skipped_statements:
        skipped = await datev_tenant.execute(PAGE_SKIPPING_ADDRESSES, {"first": 10, "skip": True})
    with statements(LEASE_RENEWALS) as kept_statements:
        kept = await datev_tenant.execute(PAGE_SKIPPING_ADDRESSES, {"first": 10, "skip": False})
    # then
    assert [set(edge["node"]) for edge in skipped["customers"]["edges"]] == [{"id"}] * 3
    assert [edge["node"]["defaultAddress"]["city"] for edge in kept["customers"]["edges"]] == [
        "Berlin 0",
        "Berlin 1",
        "Berlin 2",
    ]
    # One statement more, the page's addresses; none of them when the field is skipped.
    assert len(kept_statements) == len(skipped_statements) + 1, kept_statements
    assert sum('FROM "addresses"' in s for s in kept_statements) == 1, kept_statements
    assert not any('FROM "addresses"' in s for s in skipped_statements), skipped_statements
