"""The `data` of an event: the customer after the write, as the API names its fields.

A receiver keeps its copy by replacing it with `data.customer` and drops an update whose
`version` is not newer than the one it has.
"""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from collections.abc import Mapping, Sequence
from typing import Any, cast

from domain.customers.address_roles import AddressValues, address_roles, addresses_of_customers
from domain.customers.listing import CUSTOMER_VALUES, CustomerValues
from domain.customers.registry import ADDRESS_ATTRIBUTES, CUSTOMER_ATTRIBUTES, Attribute
from domain.global_ids import encode_id
from models import Customer, Organization

JSONObject = dict[str, Any]


def _plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def _by_graphql_name(
    attributes: tuple[Attribute, ...], values: Mapping[str, Any], type_name: str
) -> JSONObject:
    """The values the API shows, under their GraphQL names (dotted ones nested)."""
    shown: JSONObject = {}
    for attribute in attributes:
        if attribute.graphql is None or attribute.name not in values:
            continue
        value = values[attribute.name]
        if attribute.name == "id":
            value = encode_id(type_name, value)
        *parents, leaf = attribute.graphql.split(".")
        target = shown
        for parent in parents:
            target = target.setdefault(parent, {})
        target[leaf] = _plain(value)
    return shown


def address_data(row: AddressValues) -> JSONObject:
    return _by_graphql_name(ADDRESS_ATTRIBUTES, row, "Address")


def customer_data(
    row: CustomerValues, addresses: Sequence[AddressValues], *, datev_enabled: bool
) -> JSONObject:
    """The Customer type's fields (those a copy needs: not billing records or the audit)."""
    data = _by_graphql_name(CUSTOMER_ATTRIBUTES, row, "Customer")
    # Fields the type computes from the stored ones, as it does.
    data["invoiceEmail"] = row["invoice_email"] or row["email"]
    if not datev_enabled:
        data["datev"] = None
    payment_method = data.get("defaultPaymentMethod")
    if payment_method is not None:
        data["defaultPaymentMethod"] = (
            None if payment_method["type"] is None else {**payment_method, "isDefault": True}
        )
    default, invoice = address_roles((a["type"], a["is_default"]) for a in addresses)
    every = [address_data(address) for address in addresses]
    data["defaultAddress"] = None if default is None else every[default]
    data["invoiceAddress"] = every[invoice] if invoice is not None else data["defaultAddress"]
    data["differingInvoiceAddress"] = None if invoice is None else every[invoice]
    data["addresses"] = every
    return data


def removed_customer_data(
    customer_id: uuid.UUID, customer_number: str, datev_debtor_number: str | None
) -> JSONObject:
    """A deleted or anonymized customer: ids and numbers only, no personal data."""
    return {
        "customer": {
            "id": encode_id("Customer", customer_id),
            "customerNumber": customer_number,
            "datev": {"debtorNumber": datev_debtor_number},
        }
    }


async def customers_data(
    organization_id: uuid.UUID, customer_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, JSONObject]:
    """{"customer": ...} for each of these customers as stored now: three queries."""
    organization = await Organization.get(id=organization_id).only("id", "datev_enabled")
    datev_enabled = organization.datev_enabled
    # By primary key alone: with the organization in the WHERE clause, SQLite's planner
    # walks the organization's index (every customer of it) instead of looking up the
    # ids, which made an import's events quadratic in its size. The organization is
    # checked on the rows.
    found = await Customer.filter(id__in=list(customer_ids)).values(
        *CUSTOMER_VALUES, "organization_id"
    )
    rows = cast(
        list[CustomerValues],
        [row for row in found if row.pop("organization_id") == organization_id],
    )
    addresses = await addresses_of_customers(organization_id, list(customer_ids))
    return {
        row["id"]: {
            "customer": customer_data(
                row, addresses.get(row["id"], []), datev_enabled=datev_enabled
            )
        }
        for row in rows
    }
