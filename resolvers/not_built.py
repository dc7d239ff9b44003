"""Mutations of the contract whose features are not built yet: a clear top-level error."""

from __future__ import annotations

from resolvers.context import Info
from resolvers.errors import NotBuiltYet
from schema.inputs import (
    CustomerRecordInput,
    CustomersExportInput,
    CustomersImportInput,
    OrderCompleteInput,
    SubscriptionCancelInput,
    SubscriptionCreateInput,
)
from schema.payloads import (
    CustomersExportPayload,
    CustomersImportPayload,
    InvoicePayload,
    OrderPayload,
    PaymentPayload,
    SubscriptionPayload,
)


async def customers_export(
    info: Info, input: CustomersExportInput | None = None
) -> CustomersExportPayload:
    raise NotBuiltYet("The customer export")


async def customers_import(info: Info, input: CustomersImportInput) -> CustomersImportPayload:
    raise NotBuiltYet("The customer import")


async def subscription_create(info: Info, input: SubscriptionCreateInput) -> SubscriptionPayload:
    raise NotBuiltYet("Subscriptions")


async def subscription_cancel(info: Info, input: SubscriptionCancelInput) -> SubscriptionPayload:
    raise NotBuiltYet("Subscriptions")


async def order_create(info: Info, input: CustomerRecordInput) -> OrderPayload:
    raise NotBuiltYet("Orders")


async def order_complete(info: Info, input: OrderCompleteInput) -> OrderPayload:
    raise NotBuiltYet("Orders")


async def invoice_create(info: Info, input: CustomerRecordInput) -> InvoicePayload:
    raise NotBuiltYet("Invoices")


async def payment_create(info: Info, input: CustomerRecordInput) -> PaymentPayload:
    raise NotBuiltYet("Payments")
