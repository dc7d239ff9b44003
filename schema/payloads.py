"""Mutation payloads: the result, or userErrors saying why there is none."""

from __future__ import annotations

import datetime as dt

import strawberry

from schema.errors import UserError
from schema.types.address import Address
from schema.types.billing import Invoice, Order, Payment, Subscription
from schema.types.customer import Customer
from schema.types.jobs import ExportJob, ImportJob, ImportResult
from schema.types.number_range import NumberRange
from schema.types.organization import Organization
from schema.types.user import User
from schema.types.webhook import WebhookDelivery, WebhookEndpoint


@strawberry.type
class CustomerPayload:
    customer: Customer | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class CustomerDeletePayload:
    deleted_customer_id: strawberry.ID | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class AddressPayload:
    address: Address | None = None
    customer: Customer | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class SubscriptionPayload:
    subscription: Subscription | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class OrderPayload:
    order: Order | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class InvoicePayload:
    invoice: Invoice | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class PaymentPayload:
    payment: Payment | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class CustomersExportPayload:
    export_job: ExportJob | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class CustomersImportPayload:
    result: ImportResult | None = None
    import_job: ImportJob | None = strawberry.field(
        default=None,
        description="The job that did (or, with background, will do) the work.",
    )
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class NumberRangePayload:
    number_range: NumberRange | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class OrganizationPayload:
    organization: Organization | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class LoginPayload:
    token: str | None = strawberry.field(
        default=None,
        description="Send it as 'Authorization: Bearer <token>'; shown once, expires at expiresAt.",
    )
    expires_at: dt.datetime | None = None
    user: User | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class LogoutPayload:
    logged_out: bool = False
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class PasswordChangePayload:
    user: User | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class WebhookEndpointPayload:
    webhook_endpoint: WebhookEndpoint | None = None
    secret: str | None = strawberry.field(
        default=None,
        description="whsec_ followed by base64: only in the answers of create and rotate.",
    )
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class WebhookEndpointDeletePayload:
    deleted_webhook_endpoint_id: strawberry.ID | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class WebhookDeliveryPayload:
    webhook_delivery: WebhookDelivery | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)
