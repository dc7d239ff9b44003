"""The columns of the customer XLSX export: German headers, grouped as users know them.

The headers themselves come from the caller (the customer attribute registry of the
domain): this module decides order, width and formatting only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from models import Address
from models.enums import CustomerStatus, CustomerType, Language, PaymentMethodType
from spreadsheets.customer_record import CustomerRecord

BERLIN = ZoneInfo("Europe/Berlin")

CUSTOMER_TYPE = {CustomerType.PERSON: "Privatperson", CustomerType.COMPANY: "Unternehmen"}
STATUS = {
    CustomerStatus.ACTIVE: "Aktiv",
    CustomerStatus.ARCHIVED: "Archiviert",
    CustomerStatus.ANONYMIZED: "Anonymisiert",
}
LANGUAGE = {Language.DE: "Deutsch", Language.EN: "Englisch"}
# German labels only: bank or card data never leave the billing system through an export.
PAYMENT_METHOD = {
    PaymentMethodType.INVOICE: "Rechnung",
    PaymentMethodType.SEPA_DEBIT: "SEPA-Lastschrift",
    PaymentMethodType.CARD: "Kreditkarte",
    PaymentMethodType.PAYPAL: "PayPal",
    PaymentMethodType.BANK_TRANSFER: "Überweisung",
}


@dataclass(frozen=True, slots=True)
class Column:
    header: str
    width: float
    value: Callable[[CustomerRecord], Any]
    number_format: str | None = None


def _local(moment: dt.datetime) -> dt.datetime:
    # Excel has no time zones: show the time as it was in Germany.
    return moment.astimezone(BERLIN).replace(tzinfo=None)


INVOICE_GROUP = "Standard-Rechnungsadresse"
DEFAULT_GROUP = "Standard-Kundenadresse"
# Address columns in their order: (address attribute, column width).
ADDRESS_WIDTHS = (
    ("company_name", 30),
    ("first_name", 18),
    ("last_name", 18),
    ("addition", 20),
    ("street", 26),
    ("house_number", 11),
    ("zip", 8),
    ("city", 20),
    ("country_code", 6),
)


@dataclass(frozen=True, slots=True)
class Headers:
    """Header of each customer attribute, label of each address attribute."""

    customer: Mapping[str, str]
    address: Mapping[str, str]


def address_header(group: str, label: str) -> str:
    return f"{group}: {label}"


def _address_columns(
    labels: Mapping[str, str], group: str, pick: Callable[[CustomerRecord], Address]
) -> list[Column]:
    return [
        Column(address_header(group, labels[attribute]), width, _address_field(pick, attribute))
        for attribute, width in ADDRESS_WIDTHS
    ]


def _address_field(
    pick: Callable[[CustomerRecord], Address], attribute: str
) -> Callable[[CustomerRecord], Any]:
    return lambda record: getattr(pick(record), attribute)


def _payment_method(record: CustomerRecord) -> str | None:
    method = record.customer.default_payment_method
    return PAYMENT_METHOD[method] if method is not None else None


def customer_columns(*, datev: bool, headers: Headers) -> list[Column]:
    def column(
        attribute: str,
        width: float,
        value: Callable[[CustomerRecord], Any],
        number_format: str | None = None,
    ) -> Column:
        return Column(headers.customer[attribute], width, value, number_format)

    master = [
        column("customer_number", 14, lambda r: r.customer.customer_number),
        column("type", 13, lambda r: CUSTOMER_TYPE[r.customer.type]),
        column("status", 11, lambda r: STATUS[r.customer.status]),
        column("company_name", 30, lambda r: r.customer.company_name),
        column("first_name", 18, lambda r: r.customer.first_name),
        column("last_name", 18, lambda r: r.customer.last_name),
        column("phone", 18, lambda r: r.customer.phone),
        column("language", 10, lambda r: LANGUAGE[r.customer.language]),
        column("currency_code", 9, lambda r: r.customer.currency_code),
        column("vat_id", 16, lambda r: r.customer.vat_id),
        column("commercial_register_court", 20, lambda r: r.customer.commercial_register_court),
        column("commercial_register_number", 22, lambda r: r.customer.commercial_register_number),
    ]
    if datev:
        master.append(column("datev_debtor_number", 22, lambda r: r.customer.datev_debtor_number))
    master.append(
        column(
            "created_at",
            17,
            lambda r: _local(r.customer.created_at),
            number_format="DD.MM.YYYY HH:MM",
        )
    )
    return [
        *master,
        *_address_columns(headers.address, INVOICE_GROUP, lambda r: r.invoice_address),
        *_address_columns(headers.address, DEFAULT_GROUP, lambda r: r.default_address),
        column("email", 30, lambda r: r.customer.email),
        column("invoice_email", 30, lambda r: r.invoice_email),
        column("default_payment_method", 20, _payment_method),
    ]
