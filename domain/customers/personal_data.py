"""The personal-data document (DSGVO Art. 15, portable per Art. 20): everything stored
about one customer, as one JSON document.

Its layout is versioned (`layoutVersion`, described in the README): a reader checks the
version before it reads on. Keys are the API's field names (camelCase); ids are the
stored UUIDs; times are ISO 8601 in UTC. Built in the export worker process.
"""

from __future__ import annotations

import datetime as dt
import enum
import json
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from domain.customers.address_roles import ADDRESS_VALUES
from domain.customers.editing import get_customer
from domain.customers.listing import CUSTOMER_VALUES
from domain.customers.registry import POSTAL_FIELDS
from models import Address, CustomerEvent, Invoice, Order, Organization, Payment, Subscription

LAYOUT_VERSION = 1

SUBSCRIPTION_FIELDS = ("id", "status", "selected_address_id", "created_at", "cancelled_at")
ORDER_FIELDS = ("id", "status", "created_at", "completed_at")
PAYMENT_FIELDS = ("id", "created_at")
EVENT_FIELDS = ("action", "actor_type", "actor_id", "address_id", "created_at")


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def _plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def _row(row: Any, names: Iterable[str]) -> dict[str, Any]:
    return {_camel(name): _plain(getattr(row, name)) for name in names}


async def personal_data_document(
    organization: Organization, customer_id: uuid.UUID
) -> dict[str, Any]:
    """One query per kind of record; an anonymized customer shows what is left of it."""
    customer = await get_customer(organization.id, customer_id)
    own = {"organization_id": organization.id, "customer_id": customer.id}
    addresses = await Address.filter(**own).order_by("created_at", "id")
    subscriptions = await Subscription.filter(**own).order_by("created_at", "id")
    orders = await Order.filter(**own).order_by("created_at", "id")
    invoices = await Invoice.filter(**own).order_by("created_at", "id")
    payments = await Payment.filter(**own).order_by("created_at", "id")
    events = await CustomerEvent.filter(**own).order_by("created_at", "id")
    return {
        "layoutVersion": LAYOUT_VERSION,
        "exportedAt": _plain(dt.datetime.now(dt.UTC)),
        "controller": {"organizationId": str(organization.id), "name": organization.name},
        "customer": _row(customer, CUSTOMER_VALUES),
        "addresses": [_row(address, ADDRESS_VALUES) for address in addresses],
        "subscriptions": [_row(item, SUBSCRIPTION_FIELDS) for item in subscriptions],
        "orders": [_row(item, ORDER_FIELDS) for item in orders],
        "invoices": [
            {
                **_row(invoice, ("id", "created_at", "recipient_email")),
                "address": _row(invoice, POSTAL_FIELDS),
            }
            for invoice in invoices
        ],
        "payments": [_row(item, PAYMENT_FIELDS) for item in payments],
        "auditTrail": [
            {
                **_row(event, EVENT_FIELDS),
                "changes": [
                    {"field": _camel(item["field"]), "old": item["old"], "new": item["new"]}
                    for item in event.changes or []
                ],
            }
            for event in events
        ],
    }


def encode_document(document: Mapping[str, Any]) -> bytes:
    return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")
