"""customerDelete against billing records: blockers, what goes along, the race, numbers."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest

from models import (
    Address,
    Customer,
    CustomerEvent,
    Invoice,
    NumberRange,
    Order,
    Payment,
    Subscription,
)
from models.enums import CustomerEventAction, NumberRangeKind, OrderStatus, SubscriptionStatus
from tests import helpers
from tests.client import Api, Tenant
from tests.helpers import errors_of, pk_of
from tests.live_server import live_servers

CUSTOMER_CREATE = """
mutation CreateCustomer($input: CustomerCreateInput!) {
  customerCreate(input: $input) {
    customer {
      id customerNumber datev { debtorNumber }
      defaultAddress { id } invoiceAddress { id }
    }
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

BLOCKERS = """
query Blockers($id: ID!) {
  customer(id: $id) {
    id
    deletionBlockers { code count }
  }
}
"""

SUBSCRIPTION_CREATE = """
mutation CreateSubscription($input: SubscriptionCreateInput!) {
  subscriptionCreate(input: $input) {
    subscription { id status }
    userErrors { field code message }
  }
}
"""

SUBSCRIPTION_CANCEL = """
mutation CancelSubscription($input: SubscriptionCancelInput!) {
  subscriptionCancel(input: $input) {
    subscription { id status }
    userErrors { field code message }
  }
}
"""

ORDER_CREATE = """
mutation CreateOrder($input: CustomerRecordInput!) {
  orderCreate(input: $input) {
    order { id status }
    userErrors { field code message }
  }
}
"""

ORDER_COMPLETE = """
mutation CompleteOrder($input: OrderCompleteInput!) {
  orderComplete(input: $input) {
    order { id status }
    userErrors { field code message }
  }
}
"""

INVOICE_CREATE = """
mutation CreateInvoice($input: CustomerRecordInput!) {
  invoiceCreate(input: $input) {
    invoice { id customer { id } }
    userErrors { field code message }
  }
}
"""

PAYMENT_CREATE = """
mutation CreatePayment($input: CustomerRecordInput!) {
  paymentCreate(input: $input) {
    payment { id }
    userErrors { field code message }
  }
}
"""

ADDRESS = {"street": "Hauptstraße", "houseNumber": "1", "zip": "10115", "city": "Berlin"}
INVOICE_ADDRESS = {"street": "Postfach", "zip": "20095", "city": "Hamburg"}
RACE_ROUNDS = 20


# --- helpers -------------------------------------------------------------------------------


async def create_customer(tenant: Tenant, name: str = "Muster GmbH", **fields: Any) -> str:
    customer = await create_customer_payload(tenant, name, **fields)
    customer_id: str = customer["id"]
    return customer_id


async def create_customer_payload(
    tenant: Tenant, name: str = "Muster GmbH", **fields: Any
) -> dict[str, Any]:
    given = {"companyName": name, "address": ADDRESS, "invoiceAddress": INVOICE_ADDRESS}
    return await helpers.create_customer(tenant, CUSTOMER_CREATE, type="COMPANY", **given | fields)


async def run(tenant: Tenant, document: str, name: str, **fields: Any) -> dict[str, Any]:
    data = await tenant.execute(document, {"input": fields})
    payload: dict[str, Any] = data[name]
    assert payload["userErrors"] == [], payload["userErrors"]
    return payload


async def active_subscription(tenant: Tenant, customer_id: str) -> str:
    payload = await run(tenant, SUBSCRIPTION_CREATE, "subscriptionCreate", customerId=customer_id)
    subscription_id: str = payload["subscription"]["id"]
    return subscription_id


async def cancelled_subscription(tenant: Tenant, customer_id: str, **fields: Any) -> str:
    payload = await run(
        tenant, SUBSCRIPTION_CREATE, "subscriptionCreate", customerId=customer_id, **fields
    )
    subscription_id: str = payload["subscription"]["id"]
    await run(tenant, SUBSCRIPTION_CANCEL, "subscriptionCancel", id=subscription_id)
    return subscription_id


async def open_order(tenant: Tenant, customer_id: str) -> str:
    payload = await run(tenant, ORDER_CREATE, "orderCreate", customerId=customer_id)
    order_id: str = payload["order"]["id"]
    return order_id


async def completed_order(tenant: Tenant, customer_id: str) -> str:
    order_id = await open_order(tenant, customer_id)
    await run(tenant, ORDER_COMPLETE, "orderComplete", id=order_id)
    return order_id


async def invoice(tenant: Tenant, customer_id: str) -> str:
    payload = await run(tenant, INVOICE_CREATE, "invoiceCreate", customerId=customer_id)
    invoice_id: str = payload["invoice"]["id"]
    return invoice_id


async def payment(tenant: Tenant, customer_id: str) -> str:
    payload = await run(tenant, PAYMENT_CREATE, "paymentCreate", customerId=customer_id)
    payment_id: str = payload["payment"]["id"]
    return payment_id


MakeRecord = Callable[[Tenant, str], Awaitable[str]]
BLOCKING_RECORDS: dict[str, MakeRecord] = {
    "HAS_ACTIVE_SUBSCRIPTIONS": active_subscription,
    "HAS_INVOICES": invoice,
    "HAS_COMPLETED_ORDERS": completed_order,
    "HAS_PAYMENTS": payment,
}


async def delete(tenant: Tenant, customer_id: str) -> dict[str, Any]:
    data = await tenant.execute(DELETE, {"input": {"id": customer_id}})
    payload: dict[str, Any] = data["customerDelete"]
    return payload


async def blockers_of(tenant: Tenant, customer_id: str) -> list[tuple[str, int]]:
    data = await tenant.execute(BLOCKERS, {"id": customer_id})
    assert data["customer"] is not None
    return sorted((b["code"], b["count"]) for b in data["customer"]["deletionBlockers"])


async def stored_of(customer_pk: uuid.UUID) -> dict[str, Any]:
    """Everything stored for one customer, as comparable values."""
    subscriptions = await Subscription.filter(customer_id=customer_pk).order_by("id")
    orders = await Order.filter(customer_id=customer_pk).order_by("id")
    return {
        "customer": await Customer.filter(id=customer_pk).values_list("id", "version"),
        "addresses": sorted(
            str(pk)
            for pk in await Address.filter(customer_id=customer_pk).values_list("id", flat=True)
        ),
        "subscriptions": [(str(row.id), row.status.value) for row in subscriptions],
        "orders": [(str(row.id), row.status.value) for row in orders],
        "invoices": await Invoice.filter(customer_id=customer_pk).count(),
        "payments": await Payment.filter(customer_id=customer_pk).count(),
    }


async def deleted_events(customer_pk: uuid.UUID) -> int:
    return await CustomerEvent.filter(
        customer_id=customer_pk, action=CustomerEventAction.DELETED
    ).count()


# --- blockers ------------------------------------------------------------------------------


async def test_a_customer_without_records_has_no_blockers(tenant: Tenant) -> None:
    # given
    customer_id = await create_customer(tenant)
    # when
    blockers = await blockers_of(tenant, customer_id)
    # then
    assert blockers == []
    assert await Customer.filter(id=pk_of(customer_id)).exists()


@pytest.mark.parametrize("code", list(BLOCKING_RECORDS))
async def test_each_kind_of_record_alone_blocks_the_delete(tenant: Tenant, code: str) -> None:
    # given
    customer_id = await create_customer(tenant)
    other_id = await create_customer(tenant, "Nachbar GmbH")
    make = BLOCKING_RECORDS[code]
    for _ in range(2):
        await make(tenant, customer_id)
    await make(tenant, other_id)
    pk = pk_of(customer_id)
    before = await stored_of(pk)
    # when
    blockers = await blockers_of(tenant, customer_id)
    payload = await delete(tenant, customer_id)
    # then
    assert blockers == [(code, 2)]
    assert payload["deletedCustomerId"] is None
    assert errors_of(payload) == [(["input", "id"], code)]
    assert payload["userErrors"][0]["message"]
    assert await stored_of(pk) == before
    assert len(before["addresses"]) == 2
    assert await deleted_events(pk) == 0


async def test_all_blockers_together_are_reported_and_nothing_is_deleted(tenant: Tenant) -> None:
    # given
    customer_id = await create_customer(tenant)
    for make in BLOCKING_RECORDS.values():
        await make(tenant, customer_id)
    await active_subscription(tenant, customer_id)
    await invoice(tenant, customer_id)
    await invoice(tenant, customer_id)
    await cancelled_subscription(tenant, customer_id)
    await open_order(tenant, customer_id)
    pk = pk_of(customer_id)
    before = await stored_of(pk)
    # when
    blockers = await blockers_of(tenant, customer_id)
    payload = await delete(tenant, customer_id)
    # then
    assert blockers == sorted(
        [
            ("HAS_ACTIVE_SUBSCRIPTIONS", 2),
            ("HAS_INVOICES", 3),
            ("HAS_COMPLETED_ORDERS", 1),
            ("HAS_PAYMENTS", 1),
        ]
    )
    assert payload["deletedCustomerId"] is None
    assert sorted(code for _, code in errors_of(payload)) == sorted(BLOCKING_RECORDS)
    assert {tuple(field or []) for field, _ in errors_of(payload)} == {("input", "id")}
    stored = await stored_of(pk)
    assert stored == before
    assert len(stored["customer"]) == 1
    assert len(stored["addresses"]) == 2
    assert sorted(status for _, status in stored["subscriptions"]) == [
        "ACTIVE",
        "ACTIVE",
        "CANCELLED",
    ]
    assert sorted(status for _, status in stored["orders"]) == ["COMPLETED", "OPEN"]
    assert (stored["invoices"], stored["payments"]) == (3, 1)
    assert await deleted_events(pk) == 0


async def test_cancelled_subscriptions_and_open_orders_go_with_the_customer(
    tenant: Tenant,
) -> None:
    # given
    customer = await create_customer_payload(tenant)
    customer_id = customer["id"]
    await cancelled_subscription(tenant, customer_id)
    await cancelled_subscription(tenant, customer_id, addressId=customer["invoiceAddress"]["id"])
    await open_order(tenant, customer_id)
    kept_id = await create_customer(tenant, "Bleibt GmbH")
    await cancelled_subscription(tenant, kept_id)
    await open_order(tenant, kept_id)
    pk = pk_of(customer_id)
    # when
    blockers = await blockers_of(tenant, customer_id)
    payload = await delete(tenant, customer_id)
    # then
    assert blockers == []
    assert payload == {"deletedCustomerId": customer_id, "userErrors": []}
    assert await stored_of(pk) == {
        "customer": [],
        "addresses": [],
        "subscriptions": [],
        "orders": [],
        "invoices": 0,
        "payments": 0,
    }
    assert await deleted_events(pk) == 1
    kept = await stored_of(pk_of(kept_id))
    assert len(kept["customer"]) == 1
    assert len(kept["addresses"]) == 2
    assert [status for _, status in kept["subscriptions"]] == ["CANCELLED"]
    assert [status for _, status in kept["orders"]] == ["OPEN"]


async def test_cancelling_the_only_active_subscription_lets_the_delete_through(
    tenant: Tenant,
) -> None:
    # given
    customer_id = await create_customer(tenant)
    subscription_id = await active_subscription(tenant, customer_id)
    blocked = await blockers_of(tenant, customer_id)
    await run(tenant, SUBSCRIPTION_CANCEL, "subscriptionCancel", id=subscription_id)
    pk = pk_of(customer_id)
    # when
    blockers = await blockers_of(tenant, customer_id)
    payload = await delete(tenant, customer_id)
    # then
    assert blocked == [("HAS_ACTIVE_SUBSCRIPTIONS", 1)]
    assert blockers == []
    assert payload == {"deletedCustomerId": customer_id, "userErrors": []}
    assert not await Customer.filter(id=pk).exists()
    assert not await Address.filter(customer_id=pk).exists()
    assert not await Subscription.filter(id=pk_of(subscription_id, "Subscription")).exists()


async def test_completing_an_order_blocks_the_delete(tenant: Tenant) -> None:
    # given
    customer_id = await create_customer(tenant)
    order_id = await open_order(tenant, customer_id)
    open_blockers = await blockers_of(tenant, customer_id)
    await run(tenant, ORDER_COMPLETE, "orderComplete", id=order_id)
    pk = pk_of(customer_id)
    # when
    blockers = await blockers_of(tenant, customer_id)
    payload = await delete(tenant, customer_id)
    # then
    assert open_blockers == []
    assert blockers == [("HAS_COMPLETED_ORDERS", 1)]
    assert payload["deletedCustomerId"] is None
    assert errors_of(payload) == [(["input", "id"], "HAS_COMPLETED_ORDERS")]
    assert await Customer.filter(id=pk).exists()
    assert await Address.filter(customer_id=pk).count() == 2
    order = await Order.get(id=pk_of(order_id, "Order"))
    assert order.status is OrderStatus.COMPLETED
    assert order.customer_id == pk


async def test_a_subscription_created_after_a_cancel_blocks_again(tenant: Tenant) -> None:
    # given
    customer_id = await create_customer(tenant)
    await cancelled_subscription(tenant, customer_id)
    await active_subscription(tenant, customer_id)
    pk = pk_of(customer_id)
    # when
    blockers = await blockers_of(tenant, customer_id)
    payload = await delete(tenant, customer_id)
    # then
    assert blockers == [("HAS_ACTIVE_SUBSCRIPTIONS", 1)]
    assert errors_of(payload) == [(["input", "id"], "HAS_ACTIVE_SUBSCRIPTIONS")]
    statuses = await Subscription.filter(customer_id=pk).values_list("status", flat=True)
    assert sorted(str(status) for status in statuses) == [
        SubscriptionStatus.ACTIVE.value,
        SubscriptionStatus.CANCELLED.value,
    ]
    assert await Customer.filter(id=pk).exists()


# --- numbers -------------------------------------------------------------------------------


async def test_a_deleted_customers_number_is_not_issued_again(tenant: Tenant) -> None:
    # given
    first = await create_customer_payload(tenant, "Erste GmbH")
    last = await create_customer_payload(tenant, "Letzte GmbH")
    await delete(tenant, last["id"])
    # when
    created = await create_customer_payload(tenant, "Neue GmbH")
    # then
    assert (first["customerNumber"], last["customerNumber"]) == ("K00001", "K00002")
    assert created["customerNumber"] == "K00003"
    rows = await Customer.filter(organization_id=tenant.organization_id)
    assert sorted(row.customer_number for row in rows) == ["K00001", "K00003"]
    number_range = await NumberRange.get(
        organization_id=tenant.organization_id, kind=NumberRangeKind.CUSTOMER
    )
    assert number_range.next_value == 4


async def test_a_deleted_hand_typed_number_is_not_issued_again(tenant: Tenant) -> None:
    # given
    typed = await create_customer_payload(tenant, "Handnummer GmbH", customerNumber="K00001")
    await delete(tenant, typed["id"])
    # when
    created = await create_customer_payload(tenant, "Neue GmbH")
    # then
    assert created["customerNumber"] == "K00002"
    rows = await Customer.filter(organization_id=tenant.organization_id)
    assert [row.customer_number for row in rows] == ["K00002"]


async def test_a_deleted_customers_debtor_number_is_not_issued_again(
    datev_tenant: Tenant,
) -> None:
    # given
    deleted = await create_customer_payload(datev_tenant, "Weg GmbH")
    await delete(datev_tenant, deleted["id"])
    # when
    created = await create_customer_payload(datev_tenant, "Neue GmbH")
    # then
    assert deleted["datev"] == {"debtorNumber": "10000"}
    assert created["datev"] == {"debtorNumber": "10001"}
    assert created["customerNumber"] == "K00002"
    rows = await Customer.filter(organization_id=datev_tenant.organization_id)
    assert [(row.customer_number, row.datev_debtor_number) for row in rows] == [("K00002", "10001")]


# --- the race: delete and invoiceCreate at the same time ------------------------------------


Send = Callable[[str, dict[str, Any]], Awaitable[httpx.Response]]


def _body(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body["errors"]
    data: dict[str, Any] = body["data"]
    return data


Round = tuple[str, dict[str, Any], dict[str, Any]]


async def _race_round(tenant: Tenant, send_delete: Send, send_invoice: Send, n: int) -> Round:
    """A fresh customer, then its delete and an invoiceCreate for it at the same time.

    Odd rounds start the invoiceCreate first, so that either request may get ahead.
    """
    customer_id = await create_customer(tenant, f"Wettlauf {n:02d} GmbH")
    requests = [
        send_delete(DELETE, {"input": {"id": customer_id}}),
        send_invoice(INVOICE_CREATE, {"input": {"customerId": customer_id}}),
    ]
    if n % 2:
        deleted, invoiced = (await asyncio.gather(*reversed(requests)))[::-1]
    else:
        deleted, invoiced = await asyncio.gather(*requests)
    return customer_id, _body(deleted)["customerDelete"], _body(invoiced)["invoiceCreate"]


async def _assert_exactly_one_won(tenant: Tenant, rounds: list[Round]) -> None:
    """Either the delete won (no invoice) or the invoice did (customer kept): never both."""
    assert len(rounds) == RACE_ROUNDS
    for customer_id, delete_payload, invoice_payload in rounds:
        pk = pk_of(customer_id)
        stored = await stored_of(pk)
        if delete_payload["deletedCustomerId"] is not None:
            assert delete_payload == {"deletedCustomerId": customer_id, "userErrors": []}
            assert invoice_payload["invoice"] is None
            assert errors_of(invoice_payload) == [(["input", "customerId"], "NOT_FOUND")]
            assert (stored["customer"], stored["addresses"], stored["invoices"]) == ([], [], 0)
        else:
            assert errors_of(delete_payload) == [(["input", "id"], "HAS_INVOICES")]
            assert invoice_payload["userErrors"] == []
            assert invoice_payload["invoice"]["customer"] == {"id": customer_id}
            assert len(stored["customer"]) == 1
            assert len(stored["addresses"]) == 2
            assert stored["invoices"] == 1
    customers = set(
        await Customer.filter(organization_id=tenant.organization_id).values_list("id", flat=True)
    )
    invoiced = set(
        await Invoice.filter(organization_id=tenant.organization_id).values_list(
            "customer_id", flat=True
        )
    )
    assert invoiced == customers
    assert len(customers) == sum(
        1 for _, payload, _ in rounds if payload["deletedCustomerId"] is None
    )


async def test_delete_and_invoice_create_at_once_never_both_succeed(
    api: Api, tenant: Tenant
) -> None:
    # given
    async def send(query: str, variables: dict[str, Any]) -> httpx.Response:
        return await api.post(query, variables, key=tenant.key)

    # when
    rounds = [await _race_round(tenant, send, send, n) for n in range(RACE_ROUNDS)]
    # then
    await _assert_exactly_one_won(tenant, rounds)


async def test_delete_and_invoice_create_on_two_server_processes_never_both_succeed(
    tenant: Tenant, database_url: str
) -> None:
    # given
    headers = {"Authorization": f"Bearer {tenant.key}"}
    async with live_servers(database_url, 2) as urls:
        clients = [httpx.AsyncClient(base_url=url, timeout=60) for url in urls]

        def sender(client: httpx.AsyncClient) -> Send:
            async def send(query: str, variables: dict[str, Any]) -> httpx.Response:
                return await client.post(
                    "/graphql", json={"query": query, "variables": variables}, headers=headers
                )

            return send

        try:
            # when
            rounds = [
                await _race_round(tenant, sender(clients[n % 2]), sender(clients[(n + 1) % 2]), n)
                for n in range(RACE_ROUNDS)
            ]
        finally:
            for client in clients:
                await client.aclose()
    # then
    await _assert_exactly_one_won(tenant, rounds)
