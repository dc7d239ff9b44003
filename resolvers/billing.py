"""Billing record mutations (subscriptions, orders, invoices, payments)."""

from __future__ import annotations

from domain import billing
from resolvers.guards import require_write
from resolvers.inputs import require_id, value_of
from resolvers.payloads import refusals_as
from schema.context import Info
from schema.inputs import (
    CustomerRecordInput,
    OrderCompleteInput,
    SubscriptionCancelInput,
    SubscriptionCreateInput,
)
from schema.payloads import InvoicePayload, OrderPayload, PaymentPayload, SubscriptionPayload
from schema.types.billing import Invoice, Order, Payment, Subscription


@refusals_as(SubscriptionPayload)
async def subscription_create(info: Info, input: SubscriptionCreateInput) -> SubscriptionPayload:
    require_write(info)
    address = value_of(input.address_id)
    row = await billing.create_subscription(
        organization_id=info.context.principal.organization_id,
        customer_id=require_id(input.customer_id, "Customer", "customer_id"),
        address_id=require_id(address, "Address", "address_id") if address else None,
    )
    return SubscriptionPayload(subscription=Subscription.from_model(row))


@refusals_as(SubscriptionPayload)
async def subscription_cancel(info: Info, input: SubscriptionCancelInput) -> SubscriptionPayload:
    require_write(info)
    row = await billing.cancel_subscription(
        organization_id=info.context.principal.organization_id,
        subscription_id=require_id(input.id, "Subscription"),
    )
    return SubscriptionPayload(subscription=Subscription.from_model(row))


@refusals_as(OrderPayload)
async def order_create(info: Info, input: CustomerRecordInput) -> OrderPayload:
    require_write(info)
    row = await billing.create_order(
        organization_id=info.context.principal.organization_id,
        customer_id=require_id(input.customer_id, "Customer", "customer_id"),
    )
    return OrderPayload(order=Order.from_model(row))


@refusals_as(OrderPayload)
async def order_complete(info: Info, input: OrderCompleteInput) -> OrderPayload:
    require_write(info)
    row = await billing.complete_order(
        organization_id=info.context.principal.organization_id,
        order_id=require_id(input.id, "Order"),
    )
    return OrderPayload(order=Order.from_model(row))


@refusals_as(InvoicePayload)
async def invoice_create(info: Info, input: CustomerRecordInput) -> InvoicePayload:
    require_write(info)
    row = await billing.create_invoice(
        organization_id=info.context.principal.organization_id,
        customer_id=require_id(input.customer_id, "Customer", "customer_id"),
    )
    return InvoicePayload(invoice=Invoice.from_model(row))


@refusals_as(PaymentPayload)
async def payment_create(info: Info, input: CustomerRecordInput) -> PaymentPayload:
    require_write(info)
    row = await billing.create_payment(
        organization_id=info.context.principal.organization_id,
        customer_id=require_id(input.customer_id, "Customer", "customer_id"),
    )
    return PaymentPayload(payment=Payment.from_model(row))
