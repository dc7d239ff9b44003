"""The GraphQL schema: root types assembled from the resolvers, plus the request protections."""

from __future__ import annotations

from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.types import ExecutionContext

from resolvers import (
    addresses,
    billing,
    customers,
    events,
    exports,
    imports,
    organization_settings,
    queries,
    sessions,
    webhooks,
)
from schema.execution import PlainFieldExecutor
from schema.extensions import protections
from schema.node import Node
from schema.payloads import (
    AddressPayload,
    CustomerDeletePayload,
    CustomerPayload,
    CustomersExportPayload,
    CustomersImportPayload,
    InvoicePayload,
    LoginPayload,
    LogoutPayload,
    NumberRangePayload,
    OrderPayload,
    OrganizationPayload,
    PasswordChangePayload,
    PaymentPayload,
    SubscriptionPayload,
    WebhookDeliveryPayload,
    WebhookEndpointDeletePayload,
    WebhookEndpointPayload,
)
from schema.types.address import Address
from schema.types.billing import Invoice, Order, Payment, Subscription
from schema.types.customer import Customer
from schema.types.customer_connection import CustomerConnection
from schema.types.event import EventConnection
from schema.types.jobs import ExportJob, ImportJob
from schema.types.number_range import NumberRange
from schema.types.organization import Organization
from schema.types.user import User
from schema.types.webhook import WebhookEndpoint
from settings import ApiLimits


@strawberry.type
class Query:
    node: Node | None = strawberry.field(resolver=queries.node)
    customer: Customer | None = strawberry.field(resolver=queries.customer)
    customers: CustomerConnection = strawberry.field(resolver=queries.customers)
    export_job: ExportJob | None = strawberry.field(resolver=exports.export_job)
    import_job: ImportJob | None = strawberry.field(resolver=imports.import_job)
    organization: Organization = strawberry.field(resolver=queries.organization)
    current_user: User | None = strawberry.field(
        resolver=sessions.current_user,
        description="The logged-in web-app user; null for API keys.",
    )
    number_ranges: list[NumberRange] = strawberry.field(
        resolver=organization_settings.number_ranges,
        description="Nummernkreise of the organization: customer and DATEV debtor numbers.",
    )
    events: EventConnection = strawberry.field(
        resolver=events.events,
        description=(
            "The organization's event feed, oldest first. A consumer that pages on with `after` "
            "never misses an event, also while writes commit concurrently."
        ),
    )
    webhook_endpoints: list[WebhookEndpoint] = strawberry.field(
        resolver=webhooks.webhook_endpoints_list
    )


@strawberry.type
class Mutation:
    customer_create: CustomerPayload = strawberry.mutation(resolver=customers.customer_create)
    customer_update: CustomerPayload = strawberry.mutation(resolver=customers.customer_update)
    customer_archive: CustomerPayload = strawberry.mutation(resolver=customers.customer_archive)
    customer_restore: CustomerPayload = strawberry.mutation(resolver=customers.customer_restore)
    customer_delete: CustomerDeletePayload = strawberry.mutation(
        resolver=customers.customer_delete,
        description=(
            "Irreversible. Refused with HAS_* codes while the customer has active subscriptions, "
            "invoices, completed orders or payments."
        ),
    )
    customer_anonymize: CustomerPayload = strawberry.mutation(
        resolver=customers.customer_anonymize,
        description=(
            "DSGVO Art. 17 where retention duties (HGB §257, AO §147) block customerDelete: "
            "the customer's and its addresses' personal data are erased, the audit trail keeps "
            "no values, invoices keep their copies as issued. Irreversible."
        ),
    )
    customer_data_export: CustomersExportPayload = strawberry.mutation(
        resolver=exports.customer_data_export,
        description=(
            "DSGVO Art. 15/20: everything stored about one customer as a JSON file behind a "
            "signed URL (an export job of format PERSONAL_DATA)."
        ),
    )
    address_create: AddressPayload = strawberry.mutation(resolver=addresses.address_create)
    address_update: AddressPayload = strawberry.mutation(
        resolver=addresses.address_update,
        description=(
            "Edits in place: subscriptions that selected this address, or that use the default "
            "it is, see the change."
        ),
    )
    address_set_default: AddressPayload = strawberry.mutation(
        resolver=addresses.address_set_default
    )
    customers_export: CustomersExportPayload = strawberry.mutation(
        resolver=exports.customers_export,
        description=(
            "Starts an export of the organization's customers; poll exportJob(id) until "
            "COMPLETED, then download url. Only reads: open to read keys and all users."
        ),
    )
    customers_import: CustomersImportPayload = strawberry.mutation(
        resolver=imports.customers_import,
        description=(
            "Import customers from an XLSX or CSV file with the export's columns; all rows or "
            "none. Upload as a GraphQL multipart request."
        ),
    )
    subscription_create: SubscriptionPayload = strawberry.mutation(
        resolver=billing.subscription_create
    )
    subscription_cancel: SubscriptionPayload = strawberry.mutation(
        resolver=billing.subscription_cancel
    )
    order_create: OrderPayload = strawberry.mutation(resolver=billing.order_create)
    order_complete: OrderPayload = strawberry.mutation(resolver=billing.order_complete)
    invoice_create: InvoicePayload = strawberry.mutation(resolver=billing.invoice_create)
    payment_create: PaymentPayload = strawberry.mutation(resolver=billing.payment_create)
    login: LoginPayload = strawberry.mutation(
        resolver=sessions.login,
        description=(
            "Web-app login with e-mail and password; the only field callable without a key."
        ),
    )
    password_change: PasswordChangePayload = strawberry.mutation(
        resolver=sessions.password_change,
        description="Replace the caller's password; ends the user's other sessions.",
    )
    logout: LogoutPayload = strawberry.mutation(
        resolver=sessions.logout, description="Ends the calling login session."
    )
    organization_settings_update: OrganizationPayload = strawberry.mutation(
        resolver=organization_settings.organization_settings_update,
        description="Settings of the organization; for administrators and write keys.",
    )
    number_range_update: NumberRangePayload = strawberry.mutation(
        resolver=organization_settings.number_range_update,
        description="Change format, padding or next value of a number range.",
    )
    organization_datev_settings_update: OrganizationPayload = strawberry.mutation(
        resolver=organization_settings.datev_settings_update,
        description="Sachkontenlänge, Beraternummer and Mandantennummer (DATEV add-on only).",
    )
    webhook_endpoint_create: WebhookEndpointPayload = strawberry.mutation(
        resolver=webhooks.webhook_endpoint_create,
        description="The secret (whsec_...) is in the payload of this call only.",
    )
    webhook_endpoint_update: WebhookEndpointPayload = strawberry.mutation(
        resolver=webhooks.webhook_endpoint_update
    )
    webhook_endpoint_delete: WebhookEndpointDeletePayload = strawberry.mutation(
        resolver=webhooks.webhook_endpoint_delete
    )
    webhook_endpoint_rotate_secret: WebhookEndpointPayload = strawberry.mutation(
        resolver=webhooks.webhook_endpoint_rotate_secret,
        description=(
            "A new secret; the old one stays valid for 24 hours (both signatures are sent)."
        ),
    )
    webhook_delivery_retry: WebhookDeliveryPayload = strawberry.mutation(
        resolver=webhooks.webhook_delivery_retry,
        description="Send a delivery again now (also one that has FAILED).",
    )


class Schema(strawberry.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        # Unexpected errors are logged, with the request id, where they are masked.
        return None


def build_schema(
    *, limits: ApiLimits | None = None, introspection: bool = True, suggestions: bool = True
) -> Schema:
    """The schema with its limits; production turns off suggestions (and maybe introspection)."""
    extensions = protections(
        limits=limits or ApiLimits(), introspection=introspection, suggestions=suggestions
    )
    return Schema(
        query=Query,
        mutation=Mutation,
        types=[Address, Subscription, Order, Invoice, Payment, User],
        extensions=extensions,
        execution_context_class=PlainFieldExecutor,
    )


schema = build_schema()

__all__: list[Any] = ["Schema", "build_schema", "schema"]
