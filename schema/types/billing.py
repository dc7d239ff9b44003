"""Minimal billing records (subscriptions, orders, invoices, payments) of the contract."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Self

import strawberry

from domain.customers.address_roles import invoice_address
from domain.customers.registry import POSTAL_FIELDS
from domain.idempotency import note_customer
from models import Invoice as InvoiceRow
from models import Order as OrderRow
from models import Payment as PaymentRow
from models import Subscription as SubscriptionRow
from schema.context import Info
from schema.enums import OrderStatus, SubscriptionStatus
from schema.node import Node, encode_id
from schema.types.address import Address
from schema.types.customer import Customer


class MissingRecord(LookupError):
    """A record points at a row of its own organization that is gone: a bug, not user error."""


async def _customer(info: Info, pk: uuid.UUID) -> Customer:
    row = await info.context.loaders.customer_by_id.load(pk)
    if row is None:
        raise MissingRecord(pk)
    return Customer.from_model(row, info.context)


@strawberry.type
class Subscription(Node):
    id: strawberry.ID
    status: SubscriptionStatus
    created_at: dt.datetime
    cancelled_at: dt.datetime | None
    customer_pk: strawberry.Private[uuid.UUID]
    selected_address_pk: strawberry.Private[uuid.UUID | None]

    @classmethod
    def from_model(cls, row: SubscriptionRow) -> Self:
        return cls(
            id=encode_id("Subscription", row.id),
            status=SubscriptionStatus(row.status.value),
            created_at=row.created_at,
            cancelled_at=row.cancelled_at,
            customer_pk=row.customer_id,
            selected_address_pk=row.selected_address_id,
        )

    @strawberry.field
    async def customer(self, info: Info) -> Customer:
        return await _customer(info, self.customer_pk)

    @strawberry.field(description="The address chosen explicitly for this subscription, if any.")
    async def selected_address(self, info: Info) -> Address | None:
        if self.selected_address_pk is None:
            return None
        row = await info.context.loaders.address_by_id.load(self.selected_address_pk)
        return Address.from_model(row) if row else None

    @strawberry.field(
        description=(
            "Where its invoices go: selectedAddress, else the customer's current invoiceAddress."
        )
    )
    async def invoice_address(self, info: Info) -> Address:
        selected: Address | None = await self.selected_address(info)
        if selected is not None:
            return selected
        addresses = await info.context.loaders.addresses_by_customer.load(self.customer_pk)
        return Address.from_model(invoice_address(addresses))


@strawberry.type
class Order(Node):
    id: strawberry.ID
    status: OrderStatus
    created_at: dt.datetime
    completed_at: dt.datetime | None
    customer_pk: strawberry.Private[uuid.UUID]

    @classmethod
    def from_model(cls, row: OrderRow) -> Self:
        return cls(
            id=encode_id("Order", row.id),
            status=OrderStatus(row.status.value),
            created_at=row.created_at,
            completed_at=row.completed_at,
            customer_pk=row.customer_id,
        )

    @strawberry.field
    async def customer(self, info: Info) -> Customer:
        return await _customer(info, self.customer_pk)


@strawberry.type(description="The billing address of an invoice as it was when it was issued.")
class InvoiceAddress:
    company_name: str | None
    first_name: str | None
    last_name: str | None
    addition: str | None
    street: str | None
    house_number: str | None
    zip: str | None
    city: str | None
    country_code: str | None


@strawberry.type
class Invoice(Node):
    id: strawberry.ID
    created_at: dt.datetime
    recipient_email: str | None = strawberry.field(
        description="The billing e-mail as it was when the invoice was issued."
    )
    address: InvoiceAddress = strawberry.field(
        description="A copy: later address edits do not change an issued invoice."
    )
    customer_pk: strawberry.Private[uuid.UUID]

    @classmethod
    def from_model(cls, row: InvoiceRow) -> Self:
        note_customer(row.customer_id)  # its address copy is personal data
        return cls(
            id=encode_id("Invoice", row.id),
            created_at=row.created_at,
            recipient_email=row.recipient_email,
            address=InvoiceAddress(**{name: getattr(row, name) for name in POSTAL_FIELDS}),
            customer_pk=row.customer_id,
        )

    @strawberry.field
    async def customer(self, info: Info) -> Customer:
        return await _customer(info, self.customer_pk)


@strawberry.type
class Payment(Node):
    id: strawberry.ID
    created_at: dt.datetime
    customer_pk: strawberry.Private[uuid.UUID]

    @classmethod
    def from_model(cls, row: PaymentRow) -> Self:
        return cls(
            id=encode_id("Payment", row.id),
            created_at=row.created_at,
            customer_pk=row.customer_id,
        )

    @strawberry.field
    async def customer(self, info: Info) -> Customer:
        return await _customer(info, self.customer_pk)
