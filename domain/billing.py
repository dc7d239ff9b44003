"""Minimal billing records: subscriptions, orders, invoices and payments of a customer."""

from __future__ import annotations

import datetime as dt
import uuid

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from domain.customer_addresses import POSTAL_FIELDS, invoice_address
from domain.customers import get_customer, lock_customer
from domain.errors import DomainError, ErrorCode, not_found
from models import Address, Invoice, Order, Payment, Subscription
from models.enums import OrderStatus, SubscriptionStatus

_CUSTOMER_FIELD = ("customer_id",)


def _customer_gone() -> DomainError:
    # The customer was deleted between our check and our insert (RESTRICT foreign key).
    return not_found("Customer", _CUSTOMER_FIELD)


async def create_subscription(
    *, organization_id: uuid.UUID, customer_id: uuid.UUID, address_id: uuid.UUID | None
) -> Subscription:
    customer = await get_customer(organization_id, customer_id, _CUSTOMER_FIELD)
    if address_id is not None and not await Address.exists(
        id=address_id, customer_id=customer.id, organization_id=organization_id
    ):
        raise not_found("Address of this customer", ("address_id",))
    try:
        return await Subscription.create(
            organization_id=organization_id,
            customer_id=customer.id,
            status=SubscriptionStatus.ACTIVE,
            selected_address_id=address_id,
        )
    except IntegrityError:
        raise _customer_gone() from None


async def cancel_subscription(
    *, organization_id: uuid.UUID, subscription_id: uuid.UUID
) -> Subscription:
    updated = await Subscription.filter(
        id=subscription_id, organization_id=organization_id, status=SubscriptionStatus.ACTIVE
    ).update(status=SubscriptionStatus.CANCELLED, cancelled_at=dt.datetime.now(dt.UTC))
    subscription = await Subscription.get_or_none(
        id=subscription_id, organization_id=organization_id
    )
    if subscription is None:
        raise not_found("Subscription")
    if updated == 0:
        raise DomainError.single(
            ErrorCode.INVALID, "The subscription is already cancelled.", ("id",)
        )
    return subscription


async def create_order(*, organization_id: uuid.UUID, customer_id: uuid.UUID) -> Order:
    customer = await get_customer(organization_id, customer_id, _CUSTOMER_FIELD)
    try:
        return await Order.create(
            organization_id=organization_id, customer_id=customer.id, status=OrderStatus.OPEN
        )
    except IntegrityError:
        raise _customer_gone() from None


async def complete_order(*, organization_id: uuid.UUID, order_id: uuid.UUID) -> Order:
    updated = await Order.filter(
        id=order_id, organization_id=organization_id, status=OrderStatus.OPEN
    ).update(status=OrderStatus.COMPLETED, completed_at=dt.datetime.now(dt.UTC))
    order = await Order.get_or_none(id=order_id, organization_id=organization_id)
    if order is None:
        raise not_found("Order")
    if updated == 0:
        raise DomainError.single(ErrorCode.INVALID, "The order is already completed.", ("id",))
    return order


async def create_invoice(*, organization_id: uuid.UUID, customer_id: uuid.UUID) -> Invoice:
    """An invoice keeps a copy of the billing address and e-mail as they are now."""
    async with in_transaction():
        # A concurrent delete finishes first (no customer) or after us (and sees the invoice).
        customer = await lock_customer(organization_id, customer_id, _CUSTOMER_FIELD)
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
    customer = await get_customer(organization_id, customer_id, _CUSTOMER_FIELD)
    try:
        return await Payment.create(organization_id=organization_id, customer_id=customer.id)
    except IntegrityError:
        raise _customer_gone() from None
