"""Mutation and filter inputs. Optional fields are Maybe: absent and null differ."""

from __future__ import annotations

import strawberry
from strawberry.file_uploads import Upload

from schema.enums import (
    AddressType,
    CustomerSortField,
    CustomerStatusFilter,
    CustomerType,
    EventType,
    ExportFormat,
    ImportMode,
    Language,
    PaymentMethodType,
    SortDirection,
)
from schema.types.number_range import NumberRangeKind

Text = strawberry.Maybe[str | None]


@strawberry.input
class AddressInput:
    company_name: Text
    first_name: Text
    last_name: Text
    addition: Text
    street: Text
    house_number: Text
    zip: Text
    city: Text
    country_code: Text
    email: Text


@strawberry.input
class DatevInfoInput:
    debtor_number: Text = strawberry.field(
        description="Omit or null to allocate from the DATEV number range."
    )


@strawberry.input
class CustomerCreateInput:
    type: CustomerType
    customer_number: Text = strawberry.field(
        description="Omit to allocate from the customer number range."
    )
    company_name: Text
    first_name: Text
    last_name: Text
    email: Text
    phone: Text
    language: strawberry.Maybe[Language | None]
    currency_code: Text
    vat_id: Text
    commercial_register_court: Text
    commercial_register_number: Text
    external_id: Text
    address: strawberry.Maybe[AddressInput | None] = strawberry.field(
        description="Empfängeradresse; omitted: an empty default address is created."
    )
    invoice_email: Text = strawberry.field(
        description="Abweichende Rechnungsdaten: a differing billing e-mail."
    )
    invoice_address: strawberry.Maybe[AddressInput | None] = strawberry.field(
        description="Abweichende Rechnungsdaten: a differing billing address."
    )
    datev: strawberry.Maybe[DatevInfoInput | None]
    default_payment_method: strawberry.Maybe[PaymentMethodType | None]


@strawberry.input
class CustomerUpdateInput:
    id: strawberry.ID
    expected_version: strawberry.Maybe[int | None] = strawberry.field(
        description=(
            "When given and not equal to the current version, nothing changes and CONFLICT is "
            "returned."
        )
    )
    customer_number: Text
    type: strawberry.Maybe[CustomerType | None]
    company_name: Text
    first_name: Text
    last_name: Text
    email: Text
    invoice_email: Text
    phone: Text
    language: strawberry.Maybe[Language | None]
    currency_code: Text
    vat_id: Text
    commercial_register_court: Text
    commercial_register_number: Text
    external_id: Text
    datev: strawberry.Maybe[DatevInfoInput | None]
    default_payment_method: strawberry.Maybe[PaymentMethodType | None]


@strawberry.input
class CustomerIdInput:
    id: strawberry.ID


@strawberry.input
class AddressCreateInput:
    customer_id: strawberry.ID
    type: AddressType
    set_as_default: strawberry.Maybe[bool | None] = strawberry.field(
        description="Make it the default address of its type."
    )
    address: AddressInput


@strawberry.input
class AddressUpdateInput:
    id: strawberry.ID
    address: AddressInput


@strawberry.input
class AddressSetDefaultInput:
    id: strawberry.ID


@strawberry.input
class CustomerFilter:
    search: Text = strawberry.field(
        description="Matches name, company, e-mail, customer number, DATEV debtor number."
    )
    status: strawberry.Maybe[CustomerStatusFilter | None] = strawberry.field(
        description="Defaults to ACTIVE: archived customers are hidden from the overview."
    )
    type: strawberry.Maybe[CustomerType | None]


@strawberry.input
class CustomerSort:
    field: CustomerSortField
    direction: strawberry.Maybe[SortDirection | None]


@strawberry.input
class SubscriptionCreateInput:
    customer_id: strawberry.ID
    address_id: strawberry.Maybe[strawberry.ID | None] = strawberry.field(
        description="Omit to follow the customer's invoice address."
    )


@strawberry.input
class SubscriptionCancelInput:
    id: strawberry.ID


@strawberry.input
class CustomerRecordInput:
    customer_id: strawberry.ID


@strawberry.input
class OrderCompleteInput:
    id: strawberry.ID


@strawberry.input
class CustomersExportInput:
    format: strawberry.Maybe[ExportFormat | None]
    include_archived: strawberry.Maybe[bool | None] = strawberry.field(
        description="Defaults to true: the export covers all customers of the organization."
    )


@strawberry.input
class CustomersImportInput:
    file: Upload
    dry_run: strawberry.Maybe[bool | None] = strawberry.field(
        description="Validate every row and report, change nothing."
    )
    mode: strawberry.Maybe[ImportMode | None]
    background: strawberry.Maybe[bool | None] = strawberry.field(
        description=(
            "Return at once with importJob (PENDING) and poll importJob(id); without it the "
            "mutation waits for the job and returns result too."
        )
    )


@strawberry.input
class NumberRangeUpdateInput:
    kind: NumberRangeKind
    format: Text = strawberry.field(
        description="Placeholders: {number} (required), {year}, {yearLong}, {month}, {day}."
    )
    padding: strawberry.Maybe[int | None]
    next_value: strawberry.Maybe[int | None] = strawberry.field(
        description="Can only move forward: numbers below it may have been issued."
    )


@strawberry.input
class DatevSettingsInput:
    account_length: strawberry.Maybe[int | None] = strawberry.field(
        description="Sachkontenlänge, 4-8; changeable while no customer has a debtor number."
    )
    consultant_number: Text = strawberry.field(description="Beraternummer")
    client_number: Text = strawberry.field(description="Mandantennummer")


@strawberry.input
class LoginInput:
    email: str
    password: str


@strawberry.input
class PasswordChangeInput:
    current_password: str
    new_password: str = strawberry.field(description="12 to 1024 characters.")


@strawberry.input
class OrganizationSettingsInput:
    customers_read_only: strawberry.Maybe[bool | None] = strawberry.field(
        description="Schreibgeschützte Kunden: web-app users may not change customers."
    )


@strawberry.input
class WebhookEndpointCreateInput:
    url: str
    description: str | None = None
    event_types: list[EventType] | None = None


@strawberry.input
class WebhookEndpointUpdateInput:
    id: strawberry.ID
    url: strawberry.Maybe[str | None]
    description: Text
    event_types: strawberry.Maybe[list[EventType] | None]
    enabled: strawberry.Maybe[bool | None]


@strawberry.input
class WebhookEndpointIdInput:
    id: strawberry.ID


@strawberry.input
class WebhookDeliveryRetryInput:
    id: strawberry.ID
