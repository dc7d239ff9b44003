"""Minimal billing records: subscriptions, orders, invoices and payments of a customer."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from models import Address, Invoice, Order, Payment, Subscription
from models.enums import OrderStatus, SubscriptionStatus
from schema.node import encode_id
from tests import helpers
from tests.client import Api, Tenant
from tests.helpers import errors_of, pk_of

CUSTOMER_CREATE = """
mutation CreateCustomer($input: CustomerCreateInput!) {
  customerCreate(input: $input) {
    customer { id defaultAddress { id } invoiceAddress { id } }
    userErrors { field code message }
  }
}
"""

CUSTOMER_UPDATE = """
mutation UpdateCustomer($input: CustomerUpdateInput!) {
  customerUpdate(input: $input) {
    customer { id email invoiceEmail }
    userErrors { field code message }
  }
}
"""

ADDRESS_UPDATE = """
mutation UpdateAddress($input: AddressUpdateInput!) {
  addressUpdate(input: $input) {
    address { id street city }
    userErrors { field code message }
  }
}
"""

ADDRESS_CREATE = """
mutation CreateAddress($input: AddressCreateInput!) {
  addressCreate(input: $input) {
    address { id type isDefault }
    userErrors { field code message }
  }
}
"""

SUBSCRIPTION_FIELDS = """
  id status createdAt cancelledAt
  customer { id }
  selectedAddress { id street }
  invoiceAddress { id street }
"""

SUBSCRIPTION_CREATE = f"""
mutation CreateSubscription($input: SubscriptionCreateInput!) {{
  subscriptionCreate(input: $input) {{
    subscription {{ {SUBSCRIPTION_FIELDS} }}
    userErrors {{ field code message }}
  }}
}}
"""

SUBSCRIPTION_CANCEL = f"""
mutation CancelSubscription($input: SubscriptionCancelInput!) {{
  subscriptionCancel(input: $input) {{
    subscription {{ {SUBSCRIPTION_FIELDS} }}
    userErrors {{ field code message }}
  }}
}}
"""

ORDER_CREATE = """
mutation CreateOrder($input: CustomerRecordInput!) {
  orderCreate(input: $input) {
    order { id status createdAt completedAt customer { id } }
    userErrors { field code message }
  }
}
"""

ORDER_COMPLETE = """
mutation CompleteOrder($input: OrderCompleteInput!) {
  orderComplete(input: $input) {
    order { id status createdAt completedAt customer { id } }
    userErrors { field code message }
  }
}
"""

INVOICE_CREATE = """
mutation CreateInvoice($input: CustomerRecordInput!) {
  invoiceCreate(input: $input) {
    invoice {
      id createdAt recipientEmail
      address {
        companyName firstName lastName addition street houseNumber zip city countryCode
      }
      customer { id }
    }
    userErrors { field code message }
  }
}
"""

PAYMENT_CREATE = """
mutation CreatePayment($input: CustomerRecordInput!) {
  paymentCreate(input: $input) {
    payment { id createdAt customer { id } }
    userErrors { field code message }
  }
}
"""

NODE = """
query Node($id: ID!) {
  node(id: $id) {
    __typename
    id
    ... on Subscription { subscriptionStatus: status customer { id } selectedAddress { id } }
    ... on Order { orderStatus: status customer { id } }
    ... on Invoice { recipientEmail address { street city } customer { id } }
    ... on Payment { customer { id } }
  }
}
"""

ADDRESS = {
    "street": "Hauptstraße",
    "houseNumber": "1",
    "zip": "10115",
    "city": "Berlin",
    "countryCode": "DE",
}
INVOICE_ADDRESS = {
    "companyName": "Muster GmbH Buchhaltung",
    "firstName": "Erika",
    "lastName": "Mustermann",
    "addition": "c/o Steuerbüro",
    "street": "Postfach",
    "houseNumber": "12",
    "zip": "20095",
    "city": "Hamburg",
    "countryCode": "DE",
}
# The invoice address as an Invoice shows it: every copied field, in schema order.
INVOICE_COPY = {
    "companyName": "Muster GmbH Buchhaltung",
    "firstName": "Erika",
    "lastName": "Mustermann",
    "addition": "c/o Steuerbüro",
    "street": "Postfach",
    "houseNumber": "12",
    "zip": "20095",
    "city": "Hamburg",
    "countryCode": "DE",
}


# --- helpers -------------------------------------------------------------------------------


async def create_customer(
    tenant: Tenant, name: str = "Muster GmbH", **fields: Any
) -> dict[str, Any]:
    return await helpers.create_customer(
        tenant,
        CUSTOMER_CREATE,
        **{"type": "COMPANY", "companyName": name, "address": ADDRESS} | fields,
    )


async def mutate(tenant: Tenant, document: str, name: str, **fields: Any) -> dict[str, Any]:
    data = await tenant.execute(document, {"input": fields})
    payload: dict[str, Any] = data[name]
    return payload


async def create_subscription(tenant: Tenant, customer_id: str, **fields: Any) -> str:
    payload = await mutate(
        tenant, SUBSCRIPTION_CREATE, "subscriptionCreate", customerId=customer_id, **fields
    )
    assert payload["userErrors"] == []
    subscription_id: str = payload["subscription"]["id"]
    return subscription_id


async def create_order(tenant: Tenant, customer_id: str) -> str:
    payload = await mutate(tenant, ORDER_CREATE, "orderCreate", customerId=customer_id)
    assert payload["userErrors"] == []
    order_id: str = payload["order"]["id"]
    return order_id


async def create_invoice(tenant: Tenant, customer_id: str) -> str:
    payload = await mutate(tenant, INVOICE_CREATE, "invoiceCreate", customerId=customer_id)
    assert payload["userErrors"] == []
    invoice_id: str = payload["invoice"]["id"]
    return invoice_id


async def create_payment(tenant: Tenant, customer_id: str) -> str:
    payload = await mutate(tenant, PAYMENT_CREATE, "paymentCreate", customerId=customer_id)
    assert payload["userErrors"] == []
    payment_id: str = payload["payment"]["id"]
    return payment_id


async def node(tenant: Tenant, global_id: str) -> dict[str, Any] | None:
    data = await tenant.execute(NODE, {"id": global_id})
    result: dict[str, Any] | None = data["node"]
    return result


async def record_snapshot() -> list[tuple[str, str, str, str | None]]:
    """Every billing record of every organization: kind, id, customer, status."""
    rows: list[tuple[str, str, str, str | None]] = []
    for subscription in await Subscription.all():
        rows.append(
            (
                "subscription",
                str(subscription.id),
                str(subscription.customer_id),
                f"{subscription.status.value} {subscription.cancelled_at}",
            )
        )
    for order in await Order.all():
        rows.append(
            ("order", str(order.id), str(order.customer_id), f"{order.status} {order.completed_at}")
        )
    for invoice in await Invoice.all():
        rows.append(("invoice", str(invoice.id), str(invoice.customer_id), None))
    for payment in await Payment.all():
        rows.append(("payment", str(payment.id), str(payment.customer_id), None))
    return sorted(rows)


# --- subscriptions -------------------------------------------------------------------------


async def test_subscription_without_address_follows_the_invoice_address(tenant: Tenant) -> None:
    # given
    customer = await create_customer(tenant, invoiceAddress=INVOICE_ADDRESS)
    # when
    payload = await mutate(
        tenant, SUBSCRIPTION_CREATE, "subscriptionCreate", customerId=customer["id"]
    )
    # then
    assert payload["userErrors"] == []
    subscription = payload["subscription"]
    assert subscription["status"] == "ACTIVE"
    assert subscription["cancelledAt"] is None
    assert subscription["customer"] == {"id": customer["id"]}
    assert subscription["selectedAddress"] is None
    assert subscription["invoiceAddress"] == {
        "id": customer["invoiceAddress"]["id"],
        "street": "Postfach",
    }
    row = await Subscription.get(id=pk_of(subscription["id"], "Subscription"))
    assert row.organization_id == tenant.organization_id
    assert row.customer_id == pk_of(customer["id"], "Customer")
    assert row.status is SubscriptionStatus.ACTIVE
    assert row.selected_address_id is None
    assert row.cancelled_at is None


async def test_subscription_with_an_address_of_the_customer_selects_it(tenant: Tenant) -> None:
    # given
    customer = await create_customer(tenant, invoiceAddress=INVOICE_ADDRESS)
    address_id = customer["defaultAddress"]["id"]
    # when
    payload = await mutate(
        tenant,
        SUBSCRIPTION_CREATE,
        "subscriptionCreate",
        customerId=customer["id"],
        addressId=address_id,
    )
    # then
    assert payload["userErrors"] == []
    subscription = payload["subscription"]
    assert subscription["selectedAddress"] == {"id": address_id, "street": "Hauptstraße"}
    assert subscription["invoiceAddress"] == {"id": address_id, "street": "Hauptstraße"}
    row = await Subscription.get(id=pk_of(subscription["id"], "Subscription"))
    assert row.selected_address_id == pk_of(address_id, "Address")
    assert row.status is SubscriptionStatus.ACTIVE


async def test_subscription_with_a_null_address_follows_the_invoice_address(
    tenant: Tenant,
) -> None:
    # given
    customer = await create_customer(tenant, invoiceAddress=INVOICE_ADDRESS)
    # when
    payload = await mutate(
        tenant,
        SUBSCRIPTION_CREATE,
        "subscriptionCreate",
        customerId=customer["id"],
        addressId=None,
    )
    # then
    assert payload["userErrors"] == []
    assert payload["subscription"]["selectedAddress"] is None
    assert payload["subscription"]["invoiceAddress"]["id"] == customer["invoiceAddress"]["id"]
    row = await Subscription.get(id=pk_of(payload["subscription"]["id"], "Subscription"))
    assert row.selected_address_id is None


@pytest.mark.parametrize(
    "whose",
    [
        pytest.param("other-customer", id="address-of-another-customer"),
        pytest.param("other-organization", id="address-of-another-organization"),
        pytest.param("customer-id", id="customer-id-as-address-id"),
        pytest.param("nonexistent", id="nonexistent-address"),
        pytest.param("garbage", id="garbage-id"),
    ],
)
async def test_subscription_with_an_address_not_of_the_customer_is_not_found(
    tenant: Tenant, other_tenant: Tenant, whose: str
) -> None:
    # given
    customer = await create_customer(tenant)
    sibling = await create_customer(tenant, "Schwester GmbH")
    foreign = await create_customer(other_tenant, "Andere Kunden AG")
    address_id = {
        "other-customer": sibling["defaultAddress"]["id"],
        "other-organization": foreign["defaultAddress"]["id"],
        "customer-id": customer["id"],
        "nonexistent": encode_id("Address", uuid.uuid4()),
        "garbage": "kaputt",
    }[whose]
    # when
    payload = await mutate(
        tenant,
        SUBSCRIPTION_CREATE,
        "subscriptionCreate",
        customerId=customer["id"],
        addressId=address_id,
    )
    # then
    assert payload["subscription"] is None
    assert errors_of(payload) == [(["input", "addressId"], "NOT_FOUND")]
    assert await Subscription.all().count() == 0
    assert await Address.filter(organization_id=tenant.organization_id).count() == 2
    assert await Address.filter(organization_id=other_tenant.organization_id).count() == 1


async def test_cancel_marks_the_subscription_cancelled(tenant: Tenant) -> None:
    # given
    customer = await create_customer(tenant)
    subscription_id = await create_subscription(tenant, customer["id"])
    # when
    payload = await mutate(tenant, SUBSCRIPTION_CANCEL, "subscriptionCancel", id=subscription_id)
    # then
    assert payload["userErrors"] == []
    subscription = payload["subscription"]
    assert subscription["id"] == subscription_id
    assert subscription["status"] == "CANCELLED"
    assert subscription["cancelledAt"] is not None
    row = await Subscription.get(id=pk_of(subscription_id, "Subscription"))
    assert row.status is SubscriptionStatus.CANCELLED
    assert row.cancelled_at is not None
    assert row.cancelled_at >= row.created_at


async def test_cancelling_twice_is_invalid(tenant: Tenant) -> None:
    # given
    customer = await create_customer(tenant)
    subscription_id = await create_subscription(tenant, customer["id"])
    await mutate(tenant, SUBSCRIPTION_CANCEL, "subscriptionCancel", id=subscription_id)
    first = await Subscription.get(id=pk_of(subscription_id, "Subscription"))
    # when
    payload = await mutate(tenant, SUBSCRIPTION_CANCEL, "subscriptionCancel", id=subscription_id)
    # then
    assert payload["subscription"] is None
    assert errors_of(payload) == [(["input", "id"], "INVALID")]
    row = await Subscription.get(id=pk_of(subscription_id, "Subscription"))
    assert row.status is SubscriptionStatus.CANCELLED
    assert row.cancelled_at == first.cancelled_at


# --- orders --------------------------------------------------------------------------------


async def test_order_is_created_open(tenant: Tenant) -> None:
    # given
    customer = await create_customer(tenant)
    # when
    payload = await mutate(tenant, ORDER_CREATE, "orderCreate", customerId=customer["id"])
    # then
    assert payload["userErrors"] == []
    order = payload["order"]
    assert order["status"] == "OPEN"
    assert order["completedAt"] is None
    assert order["customer"] == {"id": customer["id"]}
    row = await Order.get(id=pk_of(order["id"], "Order"))
    assert row.organization_id == tenant.organization_id
    assert row.customer_id == pk_of(customer["id"], "Customer")
    assert row.status is OrderStatus.OPEN
    assert row.completed_at is None


async def test_complete_marks_the_order_completed(tenant: Tenant) -> None:
    # given
    customer = await create_customer(tenant)
    order_id = await create_order(tenant, customer["id"])
    # when
    payload = await mutate(tenant, ORDER_COMPLETE, "orderComplete", id=order_id)
    # then
    assert payload["userErrors"] == []
    assert payload["order"]["id"] == order_id
    assert payload["order"]["status"] == "COMPLETED"
    assert payload["order"]["completedAt"] is not None
    row = await Order.get(id=pk_of(order_id, "Order"))
    assert row.status is OrderStatus.COMPLETED
    assert row.completed_at is not None
    assert row.completed_at >= row.created_at


async def test_completing_twice_is_invalid(tenant: Tenant) -> None:
    # given
    customer = await create_customer(tenant)
    order_id = await create_order(tenant, customer["id"])
    await mutate(tenant, ORDER_COMPLETE, "orderComplete", id=order_id)
    first = await Order.get(id=pk_of(order_id, "Order"))
    # when
    payload = await mutate(tenant, ORDER_COMPLETE, "orderComplete", id=order_id)
    # then
    assert payload["order"] is None
    assert errors_of(payload) == [(["input", "id"], "INVALID")]
    row = await Order.get(id=pk_of(order_id, "Order"))
    assert row.status is OrderStatus.COMPLETED
    assert row.completed_at == first.completed_at


# --- invoices ------------------------------------------------------------------------------


async def test_invoice_copies_the_differing_invoice_address_and_email(tenant: Tenant) -> None:
    # given
    customer = await create_customer(
        tenant,
        email="info@muster.example",
        invoiceEmail="rechnung@muster.example",
        invoiceAddress=INVOICE_ADDRESS,
    )
    # when
    payload = await mutate(tenant, INVOICE_CREATE, "invoiceCreate", customerId=customer["id"])
    # then
    assert payload["userErrors"] == []
    invoice = payload["invoice"]
    assert invoice["recipientEmail"] == "rechnung@muster.example"
    assert invoice["address"] == INVOICE_COPY
    assert invoice["customer"] == {"id": customer["id"]}
    row = await Invoice.get(id=pk_of(invoice["id"], "Invoice"))
    assert row.organization_id == tenant.organization_id
    assert row.customer_id == pk_of(customer["id"], "Customer")
    assert row.recipient_email == "rechnung@muster.example"
    assert (
        row.company_name,
        row.first_name,
        row.last_name,
        row.addition,
        row.street,
        row.house_number,
        row.zip,
        row.city,
        row.country_code,
    ) == tuple(INVOICE_COPY.values())


async def test_invoice_without_differing_data_copies_the_default_address_and_email(
    tenant: Tenant,
) -> None:
    # given
    customer = await create_customer(tenant, email="info@muster.example")
    # when
    payload = await mutate(tenant, INVOICE_CREATE, "invoiceCreate", customerId=customer["id"])
    # then
    assert payload["userErrors"] == []
    invoice = payload["invoice"]
    assert invoice["recipientEmail"] == "info@muster.example"
    assert invoice["address"] == {
        "companyName": None,
        "firstName": None,
        "lastName": None,
        "addition": None,
        "street": "Hauptstraße",
        "houseNumber": "1",
        "zip": "10115",
        "city": "Berlin",
        "countryCode": "DE",
    }
    row = await Invoice.get(id=pk_of(invoice["id"], "Invoice"))
    assert row.recipient_email == "info@muster.example"
    assert (row.street, row.zip, row.city, row.company_name) == (
        "Hauptstraße",
        "10115",
        "Berlin",
        None,
    )


async def test_invoice_keeps_its_copy_when_address_and_emails_change(tenant: Tenant) -> None:
    # given
    customer = await create_customer(
        tenant,
        email="info@muster.example",
        invoiceEmail="rechnung@muster.example",
        invoiceAddress=INVOICE_ADDRESS,
    )
    invoice_id = await create_invoice(tenant, customer["id"])
    # when
    edited = await mutate(
        tenant,
        ADDRESS_UPDATE,
        "addressUpdate",
        id=customer["invoiceAddress"]["id"],
        address={"street": "Neuer Weg", "city": "Bremen", "zip": "28195", "companyName": "Neu"},
    )
    created = await mutate(
        tenant,
        ADDRESS_CREATE,
        "addressCreate",
        customerId=customer["id"],
        type="INVOICE",
        setAsDefault=True,
        address={"street": "Ganz Neu", "city": "Köln"},
    )
    updated = await mutate(
        tenant,
        CUSTOMER_UPDATE,
        "customerUpdate",
        id=customer["id"],
        email="neu@muster.example",
        invoiceEmail="buchhaltung@muster.example",
    )
    # then
    assert edited["userErrors"] == created["userErrors"] == updated["userErrors"] == []
    assert updated["customer"]["invoiceEmail"] == "buchhaltung@muster.example"
    assert await node(tenant, invoice_id) == {
        "__typename": "Invoice",
        "id": invoice_id,
        "recipientEmail": "rechnung@muster.example",
        "address": {"street": "Postfach", "city": "Hamburg"},
        "customer": {"id": customer["id"]},
    }
    row = await Invoice.get(id=pk_of(invoice_id, "Invoice"))
    assert row.recipient_email == "rechnung@muster.example"
    assert (row.company_name, row.street, row.zip, row.city) == (
        "Muster GmbH Buchhaltung",
        "Postfach",
        "20095",
        "Hamburg",
    )
    stored = await Address.get(id=pk_of(customer["invoiceAddress"]["id"], "Address"))
    assert (stored.street, stored.city) == ("Neuer Weg", "Bremen")


async def test_a_new_invoice_copies_the_data_as_it_is_now(tenant: Tenant) -> None:
    # given
    customer = await create_customer(
        tenant, email="info@muster.example", invoiceAddress=INVOICE_ADDRESS
    )
    old_invoice_id = await create_invoice(tenant, customer["id"])
    await mutate(
        tenant,
        ADDRESS_UPDATE,
        "addressUpdate",
        id=customer["invoiceAddress"]["id"],
        address={"street": "Neuer Weg", "city": "Bremen", "zip": "28195"},
    )
    await mutate(
        tenant, CUSTOMER_UPDATE, "customerUpdate", id=customer["id"], email="neu@muster.example"
    )
    # when
    payload = await mutate(tenant, INVOICE_CREATE, "invoiceCreate", customerId=customer["id"])
    # then
    assert payload["userErrors"] == []
    invoice = payload["invoice"]
    assert invoice["recipientEmail"] == "neu@muster.example"
    assert (invoice["address"]["street"], invoice["address"]["city"]) == ("Neuer Weg", "Bremen")
    new_row = await Invoice.get(id=pk_of(invoice["id"], "Invoice"))
    old_row = await Invoice.get(id=pk_of(old_invoice_id, "Invoice"))
    assert (new_row.recipient_email, new_row.street, new_row.zip) == (
        "neu@muster.example",
        "Neuer Weg",
        "28195",
    )
    assert (old_row.recipient_email, old_row.street, old_row.zip) == (
        "info@muster.example",
        "Postfach",
        "20095",
    )


# --- payments ------------------------------------------------------------------------------


async def test_payment_is_created(tenant: Tenant) -> None:
    # given
    customer = await create_customer(tenant)
    # when
    payload = await mutate(tenant, PAYMENT_CREATE, "paymentCreate", customerId=customer["id"])
    # then
    assert payload["userErrors"] == []
    payment = payload["payment"]
    assert payment["customer"] == {"id": customer["id"]}
    assert payment["createdAt"]
    row = await Payment.get(id=pk_of(payment["id"], "Payment"))
    assert row.organization_id == tenant.organization_id
    assert row.customer_id == pk_of(customer["id"], "Customer")


# --- unknown, foreign and wrong ids --------------------------------------------------------

CREATES = {
    "subscriptionCreate": SUBSCRIPTION_CREATE,
    "orderCreate": ORDER_CREATE,
    "invoiceCreate": INVOICE_CREATE,
    "paymentCreate": PAYMENT_CREATE,
}
RECORD_FIELD = {
    "subscriptionCreate": "subscription",
    "orderCreate": "order",
    "invoiceCreate": "invoice",
    "paymentCreate": "payment",
}


@pytest.mark.parametrize("mutation", list(CREATES))
@pytest.mark.parametrize(
    "which",
    [
        pytest.param("other-organization", id="customer-of-another-organization"),
        pytest.param("nonexistent", id="nonexistent-customer"),
        pytest.param("address-id", id="address-id-as-customer-id"),
        pytest.param("garbage", id="garbage-id"),
    ],
)
async def test_record_for_an_unknown_customer_is_not_found_and_nothing_is_created(
    tenant: Tenant, other_tenant: Tenant, mutation: str, which: str
) -> None:
    # given
    own = await create_customer(tenant)
    foreign = await create_customer(other_tenant, "Andere Kunden AG")
    customer_id = {
        "other-organization": foreign["id"],
        "nonexistent": encode_id("Customer", uuid.uuid4()),
        "address-id": own["defaultAddress"]["id"],
        "garbage": "kaputt",
    }[which]
    # when
    payload = await mutate(tenant, CREATES[mutation], mutation, customerId=customer_id)
    # then
    assert payload[RECORD_FIELD[mutation]] is None
    assert errors_of(payload) == [(["input", "customerId"], "NOT_FOUND")]
    assert await record_snapshot() == []


@pytest.mark.parametrize(
    ("mutation", "which"),
    [
        pytest.param("subscriptionCancel", "other-organization", id="cancel-foreign"),
        pytest.param("subscriptionCancel", "nonexistent", id="cancel-nonexistent"),
        pytest.param("subscriptionCancel", "wrong-type", id="cancel-an-order-id"),
        pytest.param("subscriptionCancel", "garbage", id="cancel-garbage"),
        pytest.param("orderComplete", "other-organization", id="complete-foreign"),
        pytest.param("orderComplete", "nonexistent", id="complete-nonexistent"),
        pytest.param("orderComplete", "wrong-type", id="complete-a-subscription-id"),
        pytest.param("orderComplete", "garbage", id="complete-garbage"),
    ],
)
async def test_transition_of_an_unknown_record_is_not_found_and_changes_nothing(
    tenant: Tenant, other_tenant: Tenant, mutation: str, which: str
) -> None:
    # given
    own = await create_customer(tenant)
    foreign = await create_customer(other_tenant, "Andere Kunden AG")
    own_ids = {
        "subscription": await create_subscription(tenant, own["id"]),
        "order": await create_order(tenant, own["id"]),
    }
    foreign_ids = {
        "subscription": await create_subscription(other_tenant, foreign["id"]),
        "order": await create_order(other_tenant, foreign["id"]),
    }
    kind, other_kind, type_name = (
        ("subscription", "order", "Subscription")
        if mutation == "subscriptionCancel"
        else ("order", "subscription", "Order")
    )
    record_id = {
        "other-organization": foreign_ids[kind],
        "nonexistent": encode_id(type_name, uuid.uuid4()),
        "wrong-type": own_ids[other_kind],
        "garbage": "kaputt",
    }[which]
    before = await record_snapshot()
    document = SUBSCRIPTION_CANCEL if mutation == "subscriptionCancel" else ORDER_COMPLETE
    # when
    payload = await mutate(tenant, document, mutation, id=record_id)
    # then
    assert payload[kind] is None
    assert errors_of(payload) == [(["input", "id"], "NOT_FOUND")]
    assert await record_snapshot() == before
    assert {row.status for row in await Subscription.all()} == {SubscriptionStatus.ACTIVE}
    assert {row.status for row in await Order.all()} == {OrderStatus.OPEN}


# --- read keys -----------------------------------------------------------------------------


async def _write_targets(tenant: Tenant) -> dict[str, str]:
    customer = await create_customer(tenant, invoiceAddress=INVOICE_ADDRESS)
    return {
        "customer": customer["id"],
        "address": customer["defaultAddress"]["id"],
        "subscription": await create_subscription(tenant, customer["id"]),
        "order": await create_order(tenant, customer["id"]),
    }


READ_KEY_WRITES: dict[str, tuple[str, str, tuple[str, ...]]] = {
    # mutation: (document, payload field, input keys taken from the targets)
    "subscriptionCreate": (SUBSCRIPTION_CREATE, "subscription", ("customer", "address")),
    "subscriptionCancel": (SUBSCRIPTION_CANCEL, "subscription", ("subscription",)),
    "orderCreate": (ORDER_CREATE, "order", ("customer",)),
    "orderComplete": (ORDER_COMPLETE, "order", ("order",)),
    "invoiceCreate": (INVOICE_CREATE, "invoice", ("customer",)),
    "paymentCreate": (PAYMENT_CREATE, "payment", ("customer",)),
}
INPUT_NAMES = {
    "customer": "customerId",
    "address": "addressId",
    "subscription": "id",
    "order": "id",
}


@pytest.mark.parametrize("mutation", list(READ_KEY_WRITES))
async def test_read_key_billing_mutations_are_forbidden_and_change_nothing(
    api: Api, tenant: Tenant, read_only_key: str, mutation: str
) -> None:
    # given
    targets = await _write_targets(tenant)
    document, record_field, keys = READ_KEY_WRITES[mutation]
    variables = {"input": {INPUT_NAMES[key]: targets[key] for key in keys}}
    before = await record_snapshot()
    # when
    data = await api.execute(document, variables, key=read_only_key)
    # then
    payload = data[mutation]
    assert payload[record_field] is None
    assert [error["code"] for error in payload["userErrors"]] == ["FORBIDDEN"]
    assert payload["userErrors"][0]["message"]
    assert await record_snapshot() == before
    assert await Invoice.all().count() == 0
    assert await Payment.all().count() == 0


# --- node ----------------------------------------------------------------------------------


async def test_node_resolves_the_own_organizations_records(tenant: Tenant) -> None:
    # given
    customer = await create_customer(tenant, email="info@muster.example")
    address_id = customer["defaultAddress"]["id"]
    ids = {
        "Subscription": await create_subscription(tenant, customer["id"], addressId=address_id),
        "Order": await create_order(tenant, customer["id"]),
        "Invoice": await create_invoice(tenant, customer["id"]),
        "Payment": await create_payment(tenant, customer["id"]),
    }
    # when
    nodes = {type_name: await node(tenant, global_id) for type_name, global_id in ids.items()}
    # then
    owner = {"id": customer["id"]}
    assert nodes == {
        "Subscription": {
            "__typename": "Subscription",
            "id": ids["Subscription"],
            "subscriptionStatus": "ACTIVE",
            "customer": owner,
            "selectedAddress": {"id": address_id},
        },
        "Order": {
            "__typename": "Order",
            "id": ids["Order"],
            "orderStatus": "OPEN",
            "customer": owner,
        },
        "Invoice": {
            "__typename": "Invoice",
            "id": ids["Invoice"],
            "recipientEmail": "info@muster.example",
            "address": {"street": "Hauptstraße", "city": "Berlin"},
            "customer": owner,
        },
        "Payment": {"__typename": "Payment", "id": ids["Payment"], "customer": owner},
    }
    customer_pk = pk_of(customer["id"], "Customer")
    assert (await Subscription.get(id=pk_of(ids["Subscription"], "Subscription"))).customer_id == (
        customer_pk
    )
    assert (await Order.get(id=pk_of(ids["Order"], "Order"))).customer_id == customer_pk
    assert (await Invoice.get(id=pk_of(ids["Invoice"], "Invoice"))).customer_id == customer_pk
    assert (await Payment.get(id=pk_of(ids["Payment"], "Payment"))).customer_id == customer_pk


async def test_node_of_another_organizations_records_is_null(
    tenant: Tenant, other_tenant: Tenant
) -> None:
    # given
    foreign = await create_customer(other_tenant, "Andere Kunden AG")
    ids = {
        "Subscription": await create_subscription(other_tenant, foreign["id"]),
        "Order": await create_order(other_tenant, foreign["id"]),
        "Invoice": await create_invoice(other_tenant, foreign["id"]),
        "Payment": await create_payment(other_tenant, foreign["id"]),
    }
    # when
    nodes = {type_name: await node(tenant, global_id) for type_name, global_id in ids.items()}
    # then
    assert nodes == dict.fromkeys(ids)
    assert {
        type_name: (await node(other_tenant, global_id) or {}).get("__typename")
        for type_name, global_id in ids.items()
    } == {type_name: type_name for type_name in ids}
    assert await Subscription.filter(organization_id=other_tenant.organization_id).count() == 1
    assert await Invoice.filter(organization_id=other_tenant.organization_id).count() == 1
    assert await Subscription.filter(organization_id=tenant.organization_id).count() == 0


async def test_node_of_a_record_id_with_a_wrong_type_is_null(tenant: Tenant) -> None:
    # given
    customer = await create_customer(tenant)
    order_id = await create_order(tenant, customer["id"])
    order_pk = pk_of(order_id, "Order")
    # when
    result = await node(tenant, encode_id("Invoice", order_pk))
    # then
    assert result is None
    assert await Order.filter(id=order_pk).exists()
    assert await Invoice.all().count() == 0
