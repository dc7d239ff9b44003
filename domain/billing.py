"""Minimal billing records: subscriptions, orders, invoices and payments of a customer."""

from __future__ import annotations

import datetime as dt
import uuid
from enum import StrEnum
from typing import Any, TypeVar

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from domain.customers.address_roles import invoice_address
from domain.customers.editing import get_customer, lock_customer, refuse_anonymized
from domain.customers.registry import POSTAL_FIELDS
from domain.errors import DomainError, ErrorCode, not_found
from models import Address, Invoice, Order, Payment, Subscription
from models.enums import OrderStatus, SubscriptionStatus

_CUSTOMER_FIELD = ("customer_id",)


R = TypeVar("R", Subscription, Order, Payment)


def _customer_gone() -> DomainError:
    # The customer was deleted between our check and our insert (RESTRICT foreign key).
    return not_found("Customer", _CUSTOMER_FIELD)


async def _create_for(
    model: type[R], organization_id: uuid.UUID, customer_id: uuid.UUID, **fields: Any
) -> R:
    customer = await get_customer(organization_id, customer_id, _CUSTOMER_FIELD)
    refuse_anonymized(customer, _CUSTOMER_FIELD)
    try:
        # Its own (nested) transaction: on PostgreSQL a failed statement spoils the
        # transaction around it, and a caller's transaction must survive the refusal.
        async with in_transaction():
            return await model.create(
                organization_id=organization_id, customer_id=customer.id, **fields
            )
    except IntegrityError:
        raise _customer_gone() from None


async def _move(
    model: type[R],
    organization_id: uuid.UUID,
    record_id: uuid.UUID,
    *,
    came_from: StrEnum,
    to: StrEnum,
    stamp: str,
    label: str,
) -> R:
    """One status step (from -> to), conditional in the database; the record afterwards."""
    updated = await model.filter(
        id=record_id, organization_id=organization_id, status=came_from
    ).update(status=to, **{stamp: dt.datetime.now(dt.UTC)})
    record = await model.get_or_none(id=record_id, organization_id=organization_id)
    if record is None:
        raise not_found(model.__name__)
    if updated == 0:
        raise DomainError.single(ErrorCode.INVALID, f"The {label}.", ("id",))
    return record


async def create_subscription(
    *, organization_id: uuid.UUID, customer_id: uuid.UUID, address_id: uuid.UUID | None
) -> Subscription:
    if address_id is not None and not await Address.exists(
        id=address_id, customer_id=customer_id, organization_id=organization_id
    ):
        await get_customer(organization_id, customer_id, _CUSTOMER_FIELD)
        raise not_found("Address of this customer", ("address_id",))
    return await _create_for(
        Subscription,
        organization_id,
        customer_id,
        status=SubscriptionStatus.ACTIVE,
        selected_address_id=address_id,
    )


async def cancel_subscription(
    *, organization_id: uuid.UUID, subscription_id: uuid.UUID
) -> Subscription:
    return await _move(
        Subscription,
        organization_id,
        subscription_id,
        came_from=SubscriptionStatus.ACTIVE,
        to=SubscriptionStatus.CANCELLED,
        stamp="cancelled_at",
        label="subscription is already cancelled",
    )


async def create_order(*, organization_id: uuid.UUID, customer_id: uuid.UUID) -> Order:
    return await _create_for(Order, organization_id, customer_id, status=OrderStatus.OPEN)


async def complete_order(*, organization_id: uuid.UUID, order_id: uuid.UUID) -> Order:
    return await _move(
        Order,
        organization_id,
        order_id,
        came_from=OrderStatus.OPEN,
        to=OrderStatus.COMPLETED,
        stamp="completed_at",
        label="order is already completed",
    )


async def create_invoice(*, organization_id: uuid.UUID, customer_id: uuid.UUID) -> Invoice:
    """An invoice keeps a copy of the billing address and e-mail as they are now."""
    async with in_transaction():
        # A concurrent delete finishes first (no customer) or after us (and sees the invoice).
        customer = await lock_customer(organization_id, customer_id, _CUSTOMER_FIELD)
        refuse_anonymized(customer, _CUSTOMER_FIELD)
        addresses = await Address.filter(customer_id=customer.id)
        if not addresses:
            raise _customer_gone()  # deleted between our read and lock (SQLite has no lock)
        address = invoice_address(addresses)
        return await Invoice.create(
            organization_id=organization_id,
            customer_id=customer.id,
            recipient_email=customer.invoice_email or customer.email,
            **{name: getattr(address, name) for name in POSTAL_FIELDS},
        )


async def create_payment(*, organization_id: uuid.UUID, customer_id: uuid.UUID) -> Payment:
    return await _create_for(Payment, organization_id, customer_id)
