"""Subscription.invoiceAddress follows address edits and default changes; invoices do not."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from models import Address, Invoice, Subscription
from models.enums import AddressType
from tests import helpers
from tests.client import Tenant
from tests.helpers import pk_of

CUSTOMER_CREATE = """
mutation CreateCustomer($input: CustomerCreateInput!) {
  customerCreate(input: $input) {
    customer { id defaultAddress { id } invoiceAddress { id } }
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

ADDRESS_UPDATE = """
mutation UpdateAddress($input: AddressUpdateInput!) {
  addressUpdate(input: $input) {
    address { id street city }
    userErrors { field code message }
  }
}
"""

ADDRESS_SET_DEFAULT = """
mutation SetDefault($input: AddressSetDefaultInput!) {
  addressSetDefault(input: $input) {
    address { id type isDefault }
    userErrors { field code message }
  }
}
"""

SUBSCRIPTION_CREATE = """
mutation CreateSubscription($input: SubscriptionCreateInput!) {
  subscriptionCreate(input: $input) {
    subscription { id }
    userErrors { field code message }
  }
}
"""

INVOICE_CREATE = """
mutation CreateInvoice($input: CustomerRecordInput!) {
  invoiceCreate(input: $input) {
    invoice { id }
    userErrors { field code message }
  }
}
"""

SUBSCRIPTIONS = """
query Subscriptions($id: ID!) {
  customer(id: $id) {
    invoiceAddress { id }
    subscriptions {
      id
      selectedAddress { id street city }
      invoiceAddress { id street city }
    }
  }
}
"""

INVOICE = """
query Invoice($id: ID!) {
  node(id: $id) {
    ... on Invoice { address { street city } }
  }
}
"""

DEFAULT_ADDRESS = {"street": "Hauptstraße", "zip": "10115", "city": "Berlin"}
INVOICE_ADDRESS = {"street": "Postfach", "zip": "20095", "city": "Hamburg"}
EDIT = {"street": "Neuer Weg", "zip": "28195", "city": "Bremen"}
NEW_ADDRESS = {"street": "Domplatz", "zip": "50667", "city": "Köln"}


# --- helpers -------------------------------------------------------------------------------


async def create_customer(tenant: Tenant, *, with_invoice_address: bool) -> dict[str, Any]:
    fields: dict[str, Any] = {"type": "COMPANY", "companyName": "Muster GmbH"}
    fields["address"] = DEFAULT_ADDRESS
    if with_invoice_address:
        fields["invoiceAddress"] = INVOICE_ADDRESS
    return await helpers.create_customer(tenant, CUSTOMER_CREATE, **fields)


async def run(tenant: Tenant, document: str, name: str, **fields: Any) -> dict[str, Any]:
    data = await tenant.execute(document, {"input": fields})
    payload: dict[str, Any] = data[name]
    assert payload["userErrors"] == [], payload["userErrors"]
    return payload


async def add_address(
    tenant: Tenant, customer_id: str, address_type: str, address: dict[str, str], **fields: Any
) -> str:
    payload = await run(
        tenant,
        ADDRESS_CREATE,
        "addressCreate",
        customerId=customer_id,
        type=address_type,
        address=address,
        **fields,
    )
    address_id: str = payload["address"]["id"]
    return address_id


async def subscribe(tenant: Tenant, customer_id: str, address_id: str | None = None) -> str:
    fields: dict[str, Any] = {"customerId": customer_id}
    if address_id is not None:
        fields["addressId"] = address_id
    payload = await run(tenant, SUBSCRIPTION_CREATE, "subscriptionCreate", **fields)
    subscription_id: str = payload["subscription"]["id"]
    return subscription_id


async def issue_invoice(tenant: Tenant, customer_id: str) -> str:
    payload = await run(tenant, INVOICE_CREATE, "invoiceCreate", customerId=customer_id)
    invoice_id: str = payload["invoice"]["id"]
    return invoice_id


async def subscriptions_of(tenant: Tenant, customer_id: str) -> dict[str, dict[str, Any]]:
    """Each subscription by id: its selectedAddress and invoiceAddress."""
    data = await tenant.execute(SUBSCRIPTIONS, {"id": customer_id})
    return {
        row["id"]: {"selected": row["selectedAddress"], "invoice": row["invoiceAddress"]}
        for row in data["customer"]["subscriptions"]
    }


async def invoice_address_of(tenant: Tenant, invoice_id: str) -> dict[str, Any]:
    data = await tenant.execute(INVOICE, {"id": invoice_id})
    address: dict[str, Any] = data["node"]["address"]
    return address


def shown(address_id: str, address: dict[str, str]) -> dict[str, str]:
    return {"id": address_id, "street": address["street"], "city": address["city"]}


async def selected_pk(subscription_id: str) -> uuid.UUID | None:
    row = await Subscription.get(id=pk_of(subscription_id, "Subscription"))
    return row.selected_address_id


async def stored_invoice_copy(invoice_id: str) -> tuple[str | None, str | None, str | None]:
    row = await Invoice.get(id=pk_of(invoice_id, "Invoice"))
    return row.street, row.zip, row.city


# --- edits in place ------------------------------------------------------------------------


async def test_edit_of_the_selected_address_shows_on_the_subscription(tenant: Tenant) -> None:
    # given
    customer = await create_customer(tenant, with_invoice_address=True)
    branch_id = await add_address(tenant, customer["id"], "DEFAULT", NEW_ADDRESS)
    subscription_id = await subscribe(tenant, customer["id"], branch_id)
    invoice_id = await issue_invoice(tenant, customer["id"])
    # when
    await run(tenant, ADDRESS_UPDATE, "addressUpdate", id=branch_id, address=EDIT)
    # then
    assert await subscriptions_of(tenant, customer["id"]) == {
        subscription_id: {"selected": shown(branch_id, EDIT), "invoice": shown(branch_id, EDIT)}
    }
    assert await selected_pk(subscription_id) == pk_of(branch_id, "Address")
    stored = await Address.get(id=pk_of(branch_id, "Address"))
    assert (stored.street, stored.zip, stored.city) == ("Neuer Weg", "28195", "Bremen")
    assert await invoice_address_of(tenant, invoice_id) == {"street": "Postfach", "city": "Hamburg"}
    assert await stored_invoice_copy(invoice_id) == ("Postfach", "20095", "Hamburg")


async def test_edit_of_the_invoice_address_shows_on_subscriptions_that_follow_it(
    tenant: Tenant,
) -> None:
    # given
    customer = await create_customer(tenant, with_invoice_address=True)
    invoice_address_id = customer["invoiceAddress"]["id"]
    default_id = customer["defaultAddress"]["id"]
    following = await subscribe(tenant, customer["id"])
    selecting = await subscribe(tenant, customer["id"], default_id)
    invoice_id = await issue_invoice(tenant, customer["id"])
    # when
    await run(tenant, ADDRESS_UPDATE, "addressUpdate", id=invoice_address_id, address=EDIT)
    # then
    assert await subscriptions_of(tenant, customer["id"]) == {
        following: {"selected": None, "invoice": shown(invoice_address_id, EDIT)},
        selecting: {
            "selected": shown(default_id, DEFAULT_ADDRESS),
            "invoice": shown(default_id, DEFAULT_ADDRESS),
        },
    }
    assert await selected_pk(following) is None
    assert await selected_pk(selecting) == pk_of(default_id, "Address")
    stored = await Address.get(id=pk_of(invoice_address_id, "Address"))
    assert (stored.street, stored.city) == ("Neuer Weg", "Bremen")
    assert await invoice_address_of(tenant, invoice_id) == {"street": "Postfach", "city": "Hamburg"}
    assert await stored_invoice_copy(invoice_id) == ("Postfach", "20095", "Hamburg")


async def test_without_invoice_address_edit_of_the_default_address_shows_on_following_ones(
    tenant: Tenant,
) -> None:
    # given
    customer = await create_customer(tenant, with_invoice_address=False)
    default_id = customer["defaultAddress"]["id"]
    following = await subscribe(tenant, customer["id"])
    invoice_id = await issue_invoice(tenant, customer["id"])
    # when
    await run(tenant, ADDRESS_UPDATE, "addressUpdate", id=default_id, address=EDIT)
    # then
    assert await subscriptions_of(tenant, customer["id"]) == {
        following: {"selected": None, "invoice": shown(default_id, EDIT)}
    }
    assert await selected_pk(following) is None
    stored = await Address.get(id=pk_of(default_id, "Address"))
    assert (stored.street, stored.city) == ("Neuer Weg", "Bremen")
    assert await invoice_address_of(tenant, invoice_id) == {
        "street": "Hauptstraße",
        "city": "Berlin",
    }
    assert await stored_invoice_copy(invoice_id) == ("Hauptstraße", "10115", "Berlin")


async def test_with_invoice_address_edit_of_the_default_address_does_not_show_on_following_ones(
    tenant: Tenant,
) -> None:
    # given
    customer = await create_customer(tenant, with_invoice_address=True)
    following = await subscribe(tenant, customer["id"])
    # when
    await run(
        tenant, ADDRESS_UPDATE, "addressUpdate", id=customer["defaultAddress"]["id"], address=EDIT
    )
    # then
    assert await subscriptions_of(tenant, customer["id"]) == {
        following: {
            "selected": None,
            "invoice": shown(customer["invoiceAddress"]["id"], INVOICE_ADDRESS),
        }
    }
    stored = await Address.get(id=pk_of(customer["defaultAddress"]["id"], "Address"))
    assert stored.city == "Bremen"
    assert await selected_pk(following) is None


# --- which address is the default ----------------------------------------------------------


async def test_set_default_repoints_following_subscriptions_not_selecting_ones(
    tenant: Tenant,
) -> None:
    # given
    customer = await create_customer(tenant, with_invoice_address=True)
    old_id = customer["invoiceAddress"]["id"]
    new_id = await add_address(tenant, customer["id"], "INVOICE", NEW_ADDRESS)
    following = await subscribe(tenant, customer["id"])
    selecting = await subscribe(tenant, customer["id"], old_id)
    invoice_id = await issue_invoice(tenant, customer["id"])
    before = await subscriptions_of(tenant, customer["id"])
    # when
    await run(tenant, ADDRESS_SET_DEFAULT, "addressSetDefault", id=new_id)
    # then
    assert before[following]["invoice"] == shown(old_id, INVOICE_ADDRESS)
    assert await subscriptions_of(tenant, customer["id"]) == {
        following: {"selected": None, "invoice": shown(new_id, NEW_ADDRESS)},
        selecting: {
            "selected": shown(old_id, INVOICE_ADDRESS),
            "invoice": shown(old_id, INVOICE_ADDRESS),
        },
    }
    assert await selected_pk(following) is None
    assert await selected_pk(selecting) == pk_of(old_id, "Address")
    new_row = await Address.get(id=pk_of(new_id, "Address"))
    old_row = await Address.get(id=pk_of(old_id, "Address"))
    assert (new_row.is_default, old_row.is_default) == (True, False)
    assert await stored_invoice_copy(invoice_id) == ("Postfach", "20095", "Hamburg")


async def test_without_invoice_address_set_default_of_a_default_address_repoints_following(
    tenant: Tenant,
) -> None:
    # given
    customer = await create_customer(tenant, with_invoice_address=False)
    old_id = customer["defaultAddress"]["id"]
    new_id = await add_address(tenant, customer["id"], "DEFAULT", NEW_ADDRESS)
    following = await subscribe(tenant, customer["id"])
    selecting = await subscribe(tenant, customer["id"], old_id)
    invoice_id = await issue_invoice(tenant, customer["id"])
    # when
    await run(tenant, ADDRESS_SET_DEFAULT, "addressSetDefault", id=new_id)
    # then
    assert await subscriptions_of(tenant, customer["id"]) == {
        following: {"selected": None, "invoice": shown(new_id, NEW_ADDRESS)},
        selecting: {
            "selected": shown(old_id, DEFAULT_ADDRESS),
            "invoice": shown(old_id, DEFAULT_ADDRESS),
        },
    }
    assert await selected_pk(following) is None
    assert await selected_pk(selecting) == pk_of(old_id, "Address")
    defaults = await Address.filter(
        customer_id=pk_of(customer["id"], "Customer"), type=AddressType.DEFAULT, is_default=True
    )
    assert [row.id for row in defaults] == [pk_of(new_id, "Address")]
    assert await stored_invoice_copy(invoice_id) == ("Hauptstraße", "10115", "Berlin")


@pytest.mark.parametrize(
    ("with_invoice_address", "address_type", "set_as_default"),
    [
        pytest.param(True, "INVOICE", True, id="new-default-invoice-address"),
        pytest.param(False, "INVOICE", False, id="first-invoice-address"),
        pytest.param(False, "DEFAULT", True, id="new-default-address-without-invoice-address"),
    ],
)
async def test_address_create_that_changes_the_default_repoints_following_subscriptions(
    tenant: Tenant, with_invoice_address: bool, address_type: str, set_as_default: bool
) -> None:
    # given
    customer = await create_customer(tenant, with_invoice_address=with_invoice_address)
    old_id = customer["invoiceAddress"]["id"]
    old_address = INVOICE_ADDRESS if with_invoice_address else DEFAULT_ADDRESS
    following = await subscribe(tenant, customer["id"])
    selecting = await subscribe(tenant, customer["id"], old_id)
    invoice_id = await issue_invoice(tenant, customer["id"])
    # when
    new_id = await add_address(
        tenant, customer["id"], address_type, NEW_ADDRESS, setAsDefault=set_as_default
    )
    # then
    assert await subscriptions_of(tenant, customer["id"]) == {
        following: {"selected": None, "invoice": shown(new_id, NEW_ADDRESS)},
        selecting: {"selected": shown(old_id, old_address), "invoice": shown(old_id, old_address)},
    }
    assert await selected_pk(following) is None
    assert await selected_pk(selecting) == pk_of(old_id, "Address")
    new_row = await Address.get(id=pk_of(new_id, "Address"))
    assert (new_row.type.value, new_row.is_default) == (address_type, True)
    assert await invoice_address_of(tenant, invoice_id) == {
        "street": old_address["street"],
        "city": old_address["city"],
    }
    assert await stored_invoice_copy(invoice_id) == (
        old_address["street"],
        old_address["zip"],
        old_address["city"],
    )


async def test_a_new_address_that_is_not_the_default_does_not_repoint(tenant: Tenant) -> None:
    # given
    customer = await create_customer(tenant, with_invoice_address=True)
    following = await subscribe(tenant, customer["id"])
    # when
    new_id = await add_address(tenant, customer["id"], "INVOICE", NEW_ADDRESS)
    # then
    assert await subscriptions_of(tenant, customer["id"]) == {
        following: {
            "selected": None,
            "invoice": shown(customer["invoiceAddress"]["id"], INVOICE_ADDRESS),
        }
    }
    new_row = await Address.get(id=pk_of(new_id, "Address"))
    assert new_row.is_default is False
    assert await selected_pk(following) is None
