"""The columns of the customer XLSX export: German headers, grouped as users know them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
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
# (label, address attribute, column width)
ADDRESS_FIELDS = (
    ("Firma", "company_name", 30),
    ("Vorname", "first_name", 18),
    ("Nachname", "last_name", 18),
    ("Adresszusatz", "addition", 20),
    ("Straße", "street", 26),
    ("Hausnummer", "house_number", 11),
    ("PLZ", "zip", 8),
    ("Ort", "city", 20),
    ("Land", "country_code", 6),
)
# Kundenstammdaten: (header, customer attribute), as the export writes them.
MASTER_FIELDS = (
    ("Kundennummer", "customer_number"),
    ("Kundentyp", "type"),
    ("Status", "status"),
    ("Firmenname", "company_name"),
    ("Vorname", "first_name"),
    ("Nachname", "last_name"),
    ("Telefon", "phone"),
    ("Sprache", "language"),
    ("Währung", "currency_code"),
    ("USt-IdNr.", "vat_id"),
    ("Registergericht", "commercial_register_court"),
    ("Handelsregisternummer", "commercial_register_number"),
    ("DATEV-Debitorennummer", "datev_debtor_number"),
    ("Angelegt am", "created_at"),
    ("Kunden-E-Mail-Adresse", "email"),
    ("Rechnungs-E-Mail-Adresse", "invoice_email"),
    ("Standard-Zahlungsart", "default_payment_method"),
)


def address_header(group: str, label: str) -> str:
    return f"{group}: {label}"


def _address_columns(group: str, pick: Callable[[CustomerRecord], Address]) -> list[Column]:
    return [
        Column(address_header(group, label), width, _address_field(pick, attribute))
        for label, attribute, width in ADDRESS_FIELDS
    ]


def _address_field(
    pick: Callable[[CustomerRecord], Address], attribute: str
) -> Callable[[CustomerRecord], Any]:
    return lambda record: getattr(pick(record), attribute)


def _payment_method(record: CustomerRecord) -> str | None:
    method = record.customer.default_payment_method
    return PAYMENT_METHOD[method] if method is not None else None


def customer_columns(*, datev: bool) -> list[Column]:
    master = [
        Column("Kundennummer", 14, lambda r: r.customer.customer_number),
        Column("Kundentyp", 13, lambda r: CUSTOMER_TYPE[r.customer.type]),
        Column("Status", 11, lambda r: STATUS[r.customer.status]),
        Column("Firmenname", 30, lambda r: r.customer.company_name),
        Column("Vorname", 18, lambda r: r.customer.first_name),
        Column("Nachname", 18, lambda r: r.customer.last_name),
        Column("Telefon", 18, lambda r: r.customer.phone),
        Column("Sprache", 10, lambda r: LANGUAGE[r.customer.language]),
        Column("Währung", 9, lambda r: r.customer.currency_code),
        Column("USt-IdNr.", 16, lambda r: r.customer.vat_id),
        Column("Registergericht", 20, lambda r: r.customer.commercial_register_court),
        Column("Handelsregisternummer", 22, lambda r: r.customer.commercial_register_number),
    ]
    if datev:
        master.append(Column("DATEV-Debitorennummer", 22, lambda r: r.customer.datev_debtor_number))
    master.append(
        Column(
            "Angelegt am",
            17,
            lambda r: _local(r.customer.created_at),
            number_format="DD.MM.YYYY HH:MM",
        )
    )
    return [
        *master,
        *_address_columns(INVOICE_GROUP, lambda r: r.invoice_address),
        *_address_columns(DEFAULT_GROUP, lambda r: r.default_address),
        Column("Kunden-E-Mail-Adresse", 30, lambda r: r.customer.email),
        Column("Rechnungs-E-Mail-Adresse", 30, lambda r: r.invoice_email),
        Column("Standard-Zahlungsart", 20, _payment_method),
    ]
