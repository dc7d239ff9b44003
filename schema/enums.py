"""GraphQL enums. Values equal the stored model enum values, so mapping is by value."""

from __future__ import annotations

from enum import Enum

import strawberry


@strawberry.enum
class CustomerType(Enum):
    PERSON = strawberry.enum_value("PERSON", description="Privatperson")
    COMPANY = strawberry.enum_value("COMPANY", description="Unternehmen")


@strawberry.enum
class CustomerStatus(Enum):
    ACTIVE = "ACTIVE"
    ARCHIVED = "ARCHIVED"
    ANONYMIZED = strawberry.enum_value(
        "ANONYMIZED",
        description=(
            "Personal data erased by customerAnonymize; kept for the accounting references only."
        ),
    )


@strawberry.enum
class Language(Enum):
    DE = "DE"
    EN = "EN"


@strawberry.enum
class AddressType(Enum):
    DEFAULT = strawberry.enum_value(
        "DEFAULT", description="Standard-Kundenadresse / Empfängeradresse"
    )
    INVOICE = strawberry.enum_value(
        "INVOICE", description="Rechnungsadresse (abweichende Rechnungsdaten)"
    )


@strawberry.enum
class PaymentMethodType(Enum):
    INVOICE = "INVOICE"
    SEPA_DEBIT = "SEPA_DEBIT"
    CARD = "CARD"
    PAYPAL = "PAYPAL"
    BANK_TRANSFER = "BANK_TRANSFER"


@strawberry.enum
class UserErrorCode(Enum):
    REQUIRED = "REQUIRED"
    INVALID = "INVALID"
    TOO_LONG = "TOO_LONG"
    TAKEN = "TAKEN"
    NOT_FOUND = "NOT_FOUND"
    CONFLICT = "CONFLICT"
    OUT_OF_RANGE = "OUT_OF_RANGE"
    NUMBER_RANGE_EXHAUSTED = "NUMBER_RANGE_EXHAUSTED"
    ADDON_NOT_ENABLED = "ADDON_NOT_ENABLED"
    READ_ONLY = "READ_ONLY"
    HAS_ACTIVE_SUBSCRIPTIONS = "HAS_ACTIVE_SUBSCRIPTIONS"
    HAS_INVOICES = "HAS_INVOICES"
    HAS_COMPLETED_ORDERS = "HAS_COMPLETED_ORDERS"
    HAS_PAYMENTS = "HAS_PAYMENTS"
    ALREADY_ARCHIVED = "ALREADY_ARCHIVED"
    NOT_ARCHIVED = "NOT_ARCHIVED"
    FORBIDDEN = "FORBIDDEN"
    ANONYMIZED = strawberry.enum_value(
        "ANONYMIZED", description="The customer was anonymized; it can no longer be changed."
    )


@strawberry.enum
class CustomerStatusFilter(Enum):
    ACTIVE = "ACTIVE"
    ARCHIVED = "ARCHIVED"
    ALL = "ALL"


@strawberry.enum
class CustomerSortField(Enum):
    CREATED_AT = "CREATED_AT"
    CUSTOMER_NUMBER = "CUSTOMER_NUMBER"
    DISPLAY_NAME = "DISPLAY_NAME"


@strawberry.enum
class SortDirection(Enum):
    ASC = "ASC"
    DESC = "DESC"


@strawberry.enum
class ExportFormat(Enum):
    XLSX = strawberry.enum_value("XLSX", description="Excel workbook, one row per customer.")
    DATEV = strawberry.enum_value(
        "DATEV", description="DATEV Debitoren/Kreditoren master data (EXTF); DATEV add-on only."
    )
    PERSONAL_DATA = strawberry.enum_value(
        "PERSONAL_DATA",
        description="Everything stored about one customer as a JSON file (customerDataExport).",
    )


@strawberry.enum
class JobStatus(Enum):
    PENDING = "PENDING"
    RUNNING = "RUNNING"
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"


@strawberry.enum
class SubscriptionStatus(Enum):
    ACTIVE = "ACTIVE"
    CANCELLED = "CANCELLED"


@strawberry.enum
class OrderStatus(Enum):
    OPEN = "OPEN"
    COMPLETED = "COMPLETED"


@strawberry.enum
class ImportMode(Enum):
    UPSERT = strawberry.enum_value(
        "UPSERT", description="Rows whose customerNumber or externalId exists update that customer."
    )
    CREATE_ONLY = strawberry.enum_value(
        "CREATE_ONLY", description="Any row matching an existing customer is an error."
    )


@strawberry.enum
class EventType(Enum):
    CUSTOMER_CREATED = "CUSTOMER_CREATED"
    CUSTOMER_UPDATED = "CUSTOMER_UPDATED"
    CUSTOMER_ARCHIVED = "CUSTOMER_ARCHIVED"
    CUSTOMER_RESTORED = "CUSTOMER_RESTORED"
    CUSTOMER_DELETED = "CUSTOMER_DELETED"
    CUSTOMER_ANONYMIZED = "CUSTOMER_ANONYMIZED"
    ADDRESS_CREATED = "ADDRESS_CREATED"
    ADDRESS_UPDATED = "ADDRESS_UPDATED"


@strawberry.enum
class WebhookDeliveryStatus(Enum):
    PENDING = "PENDING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = strawberry.enum_value(
        "FAILED", description="Every attempt of the retry schedule failed."
    )
