"""The `data` of an event: the customer after the write, as the API names its fields.

A receiver keeps its copy by replacing it with `data.customer` and drops an update whose
`version` is not newer than the one it has.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any

from domain.customer_addresses import AddressValues, address_roles, addresses_of_customers
from domain.customer_listing import CUSTOMER_VALUES, CustomerValues
from domain.global_ids import encode_id
from models import Customer, Organization

JSONObject = dict[str, Any]


def _time(value: dt.datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def address_data(row: AddressValues) -> JSONObject:
    return {
        "id": encode_id("Address", row["id"]),
        "type": row["type"].value,
        "isDefault": row["is_default"],
        "companyName": row["company_name"],
        "firstName": row["first_name"],
        "lastName": row["last_name"],
        "addition": row["addition"],
        "street": row["street"],
        "houseNumber": row["house_number"],
        "zip": row["zip"],
        "city": row["city"],
        "countryCode": row["country_code"],
        "email": row["email"],
    }


def customer_data(
    row: CustomerValues, addresses: Sequence[AddressValues], *, datev_enabled: bool
) -> JSONObject:
    """The Customer type's fields (those a copy needs: not billing records or the audit)."""
    default, invoice = address_roles((a["type"], a["is_default"]) for a in addresses)
    payment_method = row["default_payment_method"]
    every = [address_data(address) for address in addresses]
    default_data = None if default is None else every[default]
    return {
        "id": encode_id("Customer", row["id"]),
        "customerNumber": row["customer_number"],
        "type": row["type"].value,
        "status": row["status"].value,
        "displayName": row["display_name"],
        "companyName": row["company_name"],
        "firstName": row["first_name"],
        "lastName": row["last_name"],
        "email": row["email"],
        "differingInvoiceEmail": row["invoice_email"],
        "invoiceEmail": row["invoice_email"] or row["email"],
        "phone": row["phone"],
        "language": row["language"].value,
        "currencyCode": row["currency_code"],
        "vatId": row["vat_id"],
        "commercialRegisterCourt": row["commercial_register_court"],
        "commercialRegisterNumber": row["commercial_register_number"],
        "externalId": row["external_id"],
        "version": row["version"],
        "createdAt": _time(row["created_at"]),
        "updatedAt": _time(row["updated_at"]),
        "archivedAt": _time(row["archived_at"]),
        "defaultPaymentMethod": (
            None if payment_method is None else {"type": payment_method.value, "isDefault": True}
        ),
        "datev": {"debtorNumber": row["datev_debtor_number"]} if datev_enabled else None,
        "defaultAddress": default_data,
        "invoiceAddress": every[invoice] if invoice is not None else default_data,
        "differingInvoiceAddress": None if invoice is None else every[invoice],
        "addresses": every,
    }


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
    rows: list[CustomerValues] = await Customer.filter(  # type: ignore[assignment]
        organization_id=organization_id, id__in=list(customer_ids)
    ).values(*CUSTOMER_VALUES)
    addresses = await addresses_of_customers(organization_id, list(customer_ids))
    return {
        row["id"]: {
            "customer": customer_data(
                row, addresses.get(row["id"], []), datev_enabled=datev_enabled
            )
        }
        for row in rows
    }
