"""The event feed: every customer and address write records one event in its own
transaction, with the customer after the change; paged oldest first, per organization."""

from __future__ import annotations

from typing import Any

from models import Event
from models.enums import EventType
from schema.node import decode_id
from tests.client import Tenant
from tests.helpers import create_customer
from tests.test_customers_import import csv_bytes, import_file

CREATE = """
mutation Create($input: CustomerCreateInput!) {
  customerCreate(input: $input) { customer { id customerNumber version } userErrors { code } }
}
"""
UPDATE = """
mutation Update($input: CustomerUpdateInput!) {
  customerUpdate(input: $input) { customer { id version } userErrors { code } }
}
"""
ARCHIVE = """
mutation Archive($id: ID!) { customerArchive(input: {id: $id}) { userErrors { code } } }
"""
RESTORE = """
mutation Restore($id: ID!) { customerRestore(input: {id: $id}) { userErrors { code } } }
"""
DELETE = """
mutation Delete($id: ID!) { customerDelete(input: {id: $id}) { userErrors { code } } }
"""
ADDRESS_CREATE = """
mutation AddressCreate($input: AddressCreateInput!) {
  addressCreate(input: $input) { address { id } userErrors { code } }
}
"""
INVOICE = """
mutation Invoice($input: CustomerRecordInput!) {
  invoiceCreate(input: $input) { userErrors { code } }
}
"""
EVENTS = """
query Events($first: Int, $after: String, $types: [EventType!], $customerId: ID) {
  events(first: $first, after: $after, types: $types, customerId: $customerId) {
    edges { cursor node { id type occurredAt customerId data } }
    pageInfo { hasNextPage endCursor }
  }
}
"""


async def create(tenant: Tenant, **fields: Any) -> dict[str, Any]:
    return await create_customer(tenant, CREATE, type="PERSON", **fields)


async def feed(tenant: Tenant, **variables: Any) -> list[dict[str, Any]]:
    data = await tenant.execute(EVENTS, variables)
    return [edge["node"] for edge in data["events"]["edges"]]


async def test_each_write_records_its_event_with_the_customer_after_it(tenant: Tenant) -> None:
    # given
    customer = await create(tenant, firstName="Erika", lastName="Muster")
    await tenant.execute(UPDATE, {"input": {"id": customer["id"], "lastName": "Neu"}})
    await tenant.execute(
        ADDRESS_CREATE,
        {
            "input": {
                "customerId": customer["id"],
                "type": "INVOICE",
                "address": {"street": "Weg", "city": "Köln", "countryCode": "DE"},
            }
        },
    )
    await tenant.execute(ARCHIVE, {"id": customer["id"]})
    await tenant.execute(RESTORE, {"id": customer["id"]})
    # when
    events = await feed(tenant)
    # then
    assert [e["type"] for e in events] == [
        "CUSTOMER_CREATED",
        "CUSTOMER_UPDATED",
        "ADDRESS_CREATED",
        "CUSTOMER_ARCHIVED",
        "CUSTOMER_RESTORED",
    ]
    assert {e["customerId"] for e in events} == {customer["id"]}
    versions = [e["data"]["customer"]["version"] for e in events]
    assert versions == [1, 2, 3, 4, 5]
    created, updated, address = events[0]["data"], events[1]["data"], events[2]["data"]
    assert created["customer"]["lastName"] == "Muster"
    assert created["customer"]["customerNumber"] == customer["customerNumber"]
    assert created["customer"]["defaultAddress"]["type"] == "DEFAULT"
    assert updated["customer"]["lastName"] == "Neu"
    assert updated["customer"]["displayName"] == "Erika Neu"
    assert address["address"]["city"] == "Köln"
    assert address["customer"]["differingInvoiceAddress"]["city"] == "Köln"
    assert events[3]["data"]["customer"]["status"] == "ARCHIVED"
    stored = await Event.filter(organization_id=tenant.organization_id).order_by("id")
    assert [row.type for row in stored] == [EventType(e["type"]) for e in events]
    assert [row.data for row in stored] == [e["data"] for e in events]


async def test_a_delete_carries_ids_and_numbers_and_erases_earlier_data(tenant: Tenant) -> None:
    # given
    customer = await create(tenant, firstName="Erika", lastName="Muster", email="e@example.com")
    # when
    data = await tenant.execute(DELETE, {"id": customer["id"]})
    # then
    assert data["customerDelete"]["userErrors"] == []
    events = await feed(tenant)
    assert [e["type"] for e in events] == ["CUSTOMER_CREATED", "CUSTOMER_DELETED"]
    only_ids = {
        "customer": {
            "id": customer["id"],
            "customerNumber": customer["customerNumber"],
            "datev": {"debtorNumber": None},
        }
    }
    assert [e["data"] for e in events] == [only_ids, only_ids]
    stored = await Event.filter(organization_id=tenant.organization_id)
    assert "Muster" not in str([row.data for row in stored])


async def test_a_write_that_rolls_back_leaves_no_event(tenant: Tenant) -> None:
    # given: an invoice keeps the customer, so its delete is refused inside its transaction
    customer = await create(tenant, firstName="Erika", lastName="Muster")
    invoice = await tenant.execute(
        INVOICE,
        {"input": {"customerId": customer["id"]}},
    )
    assert invoice["invoiceCreate"]["userErrors"] == []
    # when
    data = await tenant.execute(DELETE, {"id": customer["id"]})
    # then
    assert [e["code"] for e in data["customerDelete"]["userErrors"]] == ["HAS_INVOICES"]
    assert [e["type"] for e in await feed(tenant)] == ["CUSTOMER_CREATED"]
    assert await Event.filter(organization_id=tenant.organization_id).count() == 1


async def test_paging_with_after_sees_each_event_once_in_order(tenant: Tenant) -> None:
    # given
    customers = [await create(tenant, firstName="P", lastName=str(i)) for i in range(7)]
    # when
    seen: list[dict[str, Any]] = []
    after = None
    while True:
        data = await tenant.execute(EVENTS, {"first": 3, "after": after})
        seen += [edge["node"] for edge in data["events"]["edges"]]
        after = data["events"]["pageInfo"]["endCursor"]
        if not data["events"]["pageInfo"]["hasNextPage"]:
            break
    later = await create(tenant, firstName="P", lastName="later")
    rest = await tenant.execute(EVENTS, {"first": 3, "after": after})
    # then
    assert [e["customerId"] for e in seen] == [c["id"] for c in customers]
    assert len({e["id"] for e in seen}) == 7
    assert [edge["node"]["customerId"] for edge in rest["events"]["edges"]] == [later["id"]]


async def test_filters_by_type_and_customer(tenant: Tenant) -> None:
    # given
    first = await create(tenant, firstName="A", lastName="A")
    second = await create(tenant, firstName="B", lastName="B")
    await tenant.execute(UPDATE, {"input": {"id": first["id"], "lastName": "AA"}})
    # when
    updates = await feed(tenant, types=["CUSTOMER_UPDATED"])
    of_second = await feed(tenant, customerId=second["id"])
    # then
    assert [(e["type"], e["customerId"]) for e in updates] == [("CUSTOMER_UPDATED", first["id"])]
    assert [(e["type"], e["customerId"]) for e in of_second] == [("CUSTOMER_CREATED", second["id"])]


async def test_another_organization_never_sees_an_event(
    tenant: Tenant, other_tenant: Tenant
) -> None:
    # given
    customer = await create(tenant, firstName="A", lastName="A")
    # when
    theirs = await feed(other_tenant)
    by_customer = await feed(other_tenant, customerId=customer["id"])
    # then
    assert theirs == []
    assert by_customer == []
    assert await Event.filter(organization_id=other_tenant.organization_id).count() == 0


async def test_an_import_records_one_event_per_created_or_updated_customer(
    tenant: Tenant,
) -> None:
    # given
    existing = await create(tenant, firstName="Alma", lastName="Alt")
    data = csv_bytes(
        [
            [
                "Kundennummer",
                "Kundentyp",
                "Vorname",
                "Nachname",
                "Standard-Kundenadresse: Straße",
                "Standard-Kundenadresse: Ort",
            ],
            [existing["customerNumber"], "Privatperson", "Alma", "Neu", "Weg 1", "Bonn"],
            ["", "Privatperson", "Gerd", "Ganzneu", "", ""],
            ["", "Privatperson", "Hanna", "Ganzneu", "", ""],
        ]
    )
    # when
    payload = await import_file(tenant, data)
    # then
    assert payload["userErrors"] == []
    assert payload["result"]["errors"] == []
    events = await feed(tenant)
    assert [e["type"] for e in events[1:]].count("CUSTOMER_CREATED") == 2
    updates = [e for e in events if e["type"] == "CUSTOMER_UPDATED"]
    assert [e["customerId"] for e in updates] == [existing["id"]]
    assert updates[0]["data"]["customer"]["lastName"] == "Neu"
    assert updates[0]["data"]["customer"]["defaultAddress"]["city"] == "Bonn"
    assert len(events) == 4
    names = {e["data"]["customer"]["firstName"] for e in events[1:]}
    assert names == {"Alma", "Gerd", "Hanna"}
    stored = await Event.filter(organization_id=tenant.organization_id)
    assert len(stored) == 4
    assert {decode_id(e["customerId"], "Customer") for e in events} == {
        row.customer_id for row in stored
    }


async def test_a_bad_cursor_is_a_client_error(tenant: Tenant) -> None:
    # when
    response = await tenant.api.post(EVENTS, {"after": "bm9wZQ=="}, key=tenant.key)
    # then
    body = response.json()
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
