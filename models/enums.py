"""Enumerations stored as strings, shared by models, domain rules and the API."""

from enum import StrEnum


class ApiKeyScope(StrEnum):
    READ = "read"
    WRITE = "write"


class CustomerType(StrEnum):
    PERSON = "PERSON"  # Privatperson
    COMPANY = "COMPANY"  # Unternehmen


class CustomerStatus(StrEnum):
    ACTIVE = "ACTIVE"
    ARCHIVED = "ARCHIVED"
    # Personal data erased (DSGVO Art. 17); kept for the accounting references only.
    ANONYMIZED = "ANONYMIZED"


class Language(StrEnum):
    DE = "DE"
    EN = "EN"


class AddressType(StrEnum):
    DEFAULT = "DEFAULT"  # Standard-Kundenadresse / Empfängeradresse
    INVOICE = "INVOICE"  # Rechnungsadresse


class PaymentMethodType(StrEnum):
    INVOICE = "INVOICE"
    SEPA_DEBIT = "SEPA_DEBIT"
    CARD = "CARD"
    PAYPAL = "PAYPAL"
    BANK_TRANSFER = "BANK_TRANSFER"


class NumberRangeKind(StrEnum):
    CUSTOMER = "CUSTOMER"
    DATEV_DEBTOR = "DATEV_DEBTOR"


class SubscriptionStatus(StrEnum):
    ACTIVE = "ACTIVE"
    CANCELLED = "CANCELLED"


class OrderStatus(StrEnum):
    OPEN = "OPEN"
    COMPLETED = "COMPLETED"


class UserRole(StrEnum):
    ADMIN = "ADMIN"
    EMPLOYEE = "EMPLOYEE"
    READ_ONLY = "READ_ONLY"


class ActorType(StrEnum):
    API_KEY = "API_KEY"
    USER = "USER"


class CustomerEventAction(StrEnum):
    CREATED = "CREATED"
    UPDATED = "UPDATED"
    ARCHIVED = "ARCHIVED"
    RESTORED = "RESTORED"
    DELETED = "DELETED"
    ADDRESS_CREATED = "ADDRESS_CREATED"
    ADDRESS_UPDATED = "ADDRESS_UPDATED"
    ADDRESS_SET_DEFAULT = "ADDRESS_SET_DEFAULT"
    ANONYMIZED = "ANONYMIZED"


class ExportFormat(StrEnum):
    XLSX = "XLSX"
    DATEV = "DATEV"
    PERSONAL_DATA = "PERSONAL_DATA"  # one customer, as JSON (DSGVO Art. 15/20)


class ImportMode(StrEnum):
    UPSERT = "UPSERT"
    CREATE_ONLY = "CREATE_ONLY"


class JobStatus(StrEnum):
    PENDING = "PENDING"
    RUNNING = "RUNNING"
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"


class EventType(StrEnum):
    """What a write did, as the event feed and webhooks name it."""

    CUSTOMER_CREATED = "CUSTOMER_CREATED"
    CUSTOMER_UPDATED = "CUSTOMER_UPDATED"
    CUSTOMER_ARCHIVED = "CUSTOMER_ARCHIVED"
    CUSTOMER_RESTORED = "CUSTOMER_RESTORED"
    CUSTOMER_DELETED = "CUSTOMER_DELETED"
    CUSTOMER_ANONYMIZED = "CUSTOMER_ANONYMIZED"
    ADDRESS_CREATED = "ADDRESS_CREATED"
    ADDRESS_UPDATED = "ADDRESS_UPDATED"


class WebhookDeliveryStatus(StrEnum):
    PENDING = "PENDING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"
