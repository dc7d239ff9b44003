"""Every stored attribute of a customer and of an address, defined once.

Each entry says how a value is cleaned, whether it may be cleared, whether it is unique,
where it sits in the API's inputs and types, its spreadsheet header, and whether it is
personal data (DSGVO: what an anonymization erases and a personal-data export contains).
The lists other modules use (cleaners, input fields, unique columns, import and export
headers) are derived here; a test holds the entries against the models' fields.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypedDict

from domain import validation
from models.enums import CustomerStatus, CustomerType, Language, PaymentMethodType


def _as_given(value: Any) -> Any:
    # Enum values arrive as members of the GraphQL or import enum: nothing to clean.
    return value


@dataclass(frozen=True, slots=True)
class Attribute:
    """One column of `customers` or `addresses` and what follows from it."""

    name: str
    personal: bool
    # Field of the GraphQL type, dotted when nested (`datev.debtorNumber`); None: not shown.
    graphql: str | None = None
    # How a value a caller gives is cleaned; None: the rules keep it (or clean it elsewhere).
    cleaner: validation.Cleaner | None = None
    # Path of the input field in customerCreate/-Update or AddressInput; error paths too.
    input: tuple[str, ...] | None = None
    # False: may be left out of an update, never cleared (every customer has one).
    clearable: bool = True
    # What the value is called in a TAKEN message; None: not unique.
    unique: str | None = None
    # Kundenstammdaten header of the XLSX export and import (for an address: its label).
    header: str | None = None
    exported: bool = True
    imported: bool = True
    # Part of a postal address (an address' e-mail is not).
    postal: bool = False


def _given(name: str, *, personal: bool, graphql: str, **rest: Any) -> Attribute:
    """An attribute a caller sets through the input field of the same name."""
    return Attribute(name, personal, graphql, input=(name,), **rest)


CUSTOMER_ATTRIBUTES: tuple[Attribute, ...] = (
    Attribute("id", False, "id"),
    Attribute("organization_id", False),
    _given(
        "customer_number",
        personal=False,
        graphql="customerNumber",
        cleaner=validation.text,
        clearable=False,
        unique="customer number",
        header="Kundennummer",
    ),
    _given(
        "type",
        personal=False,
        graphql="type",
        cleaner=_as_given,
        clearable=False,
        header="Kundentyp",
    ),
    Attribute("status", False, "status", header="Status"),
    # Derived from the names, so as personal as they are.
    Attribute("display_name", True, "displayName"),
    _given(
        "company_name",
        personal=True,  # a person's company name can name the person
        graphql="companyName",
        cleaner=validation.text,
        header="Firmenname",
    ),
    _given(
        "first_name", personal=True, graphql="firstName", cleaner=validation.text, header="Vorname"
    ),
    _given(
        "last_name", personal=True, graphql="lastName", cleaner=validation.text, header="Nachname"
    ),
    _given(
        "email",
        personal=True,
        graphql="email",
        cleaner=validation.email,
        header="Kunden-E-Mail-Adresse",
    ),
    _given(
        "invoice_email",
        personal=True,
        graphql="differingInvoiceEmail",
        cleaner=validation.email,
        header="Rechnungs-E-Mail-Adresse",
    ),
    _given("phone", personal=True, graphql="phone", cleaner=validation.text, header="Telefon"),
    _given(
        "language",
        personal=False,
        graphql="language",
        cleaner=_as_given,
        clearable=False,
        header="Sprache",
    ),
    _given(
        "currency_code",
        personal=False,
        graphql="currencyCode",
        cleaner=validation.currency_code,
        clearable=False,
        header="Währung",
    ),
    _given("vat_id", personal=True, graphql="vatId", cleaner=validation.vat_id, header="USt-IdNr."),
    _given(
        "commercial_register_court",
        personal=True,
        graphql="commercialRegisterCourt",
        cleaner=validation.text,
        header="Registergericht",
    ),
    _given(
        "commercial_register_number",
        personal=True,
        graphql="commercialRegisterNumber",
        cleaner=validation.text,
        header="Handelsregisternummer",
    ),
    _given(
        "external_id",
        personal=True,
        graphql="externalId",
        cleaner=validation.text,
        unique="external id",
        # Imported to match customers; the export leaves it out.
        header="Externe ID",
        exported=False,
    ),
    # Cleaned with the organization's account length (domain.datev), not by a cleaner.
    Attribute(
        "datev_debtor_number",
        False,
        "datev.debtorNumber",
        input=("datev", "debtor_number"),
        unique="DATEV debtor number",
        header="DATEV-Debitorennummer",
    ),
    _given(
        "default_payment_method",
        personal=False,
        graphql="defaultPaymentMethod.type",
        cleaner=_as_given,
        header="Standard-Zahlungsart",
    ),
    Attribute("version", False, "version"),
    Attribute("created_at", False, "createdAt", header="Angelegt am", imported=False),
    Attribute("updated_at", False, "updatedAt"),
    Attribute("archived_at", False, "archivedAt"),
    Attribute("staged_import_id", False),
    # A keyed digest of an external id an anonymization erased, never shown or exported:
    # the id cannot be read back from it (domain.customers.anonymization).
    Attribute("erased_external_id", False),
)


ADDRESS_ATTRIBUTES: tuple[Attribute, ...] = (
    Attribute("id", False, "id"),
    Attribute("organization_id", False),
    Attribute("customer_id", False),
    Attribute("type", False, "type"),
    Attribute("is_default", False, "isDefault"),
    _given(
        "company_name",
        personal=True,
        graphql="companyName",
        cleaner=validation.text,
        header="Firma",
        postal=True,
    ),
    _given(
        "first_name",
        personal=True,
        graphql="firstName",
        cleaner=validation.text,
        header="Vorname",
        postal=True,
    ),
    _given(
        "last_name",
        personal=True,
        graphql="lastName",
        cleaner=validation.text,
        header="Nachname",
        postal=True,
    ),
    _given(
        "addition",
        personal=True,
        graphql="addition",
        cleaner=validation.text,
        header="Adresszusatz",
        postal=True,
    ),
    _given(
        "street",
        personal=True,
        graphql="street",
        cleaner=validation.text,
        header="Straße",
        postal=True,
    ),
    _given(
        "house_number",
        personal=True,
        graphql="houseNumber",
        cleaner=validation.text,
        header="Hausnummer",
        postal=True,
    ),
    # Checked against the country as well (domain.customers.fields.clean_address).
    _given("zip", personal=True, graphql="zip", cleaner=validation.text, header="PLZ", postal=True),
    _given(
        "city", personal=True, graphql="city", cleaner=validation.text, header="Ort", postal=True
    ),
    # A country alone identifies no one: it stays when a customer is anonymized.
    _given(
        "country_code",
        personal=False,
        graphql="countryCode",
        cleaner=validation.country_code,
        header="Land",
        postal=True,
    ),
    _given("email", personal=True, graphql="email", cleaner=validation.email),
    Attribute("created_at", False),
    Attribute("updated_at", False),
)


def _names(attributes: tuple[Attribute, ...], keep: Callable[[Attribute], bool]) -> tuple[str, ...]:
    return tuple(attribute.name for attribute in attributes if keep(attribute))


CUSTOMER_CLEANERS: dict[str, validation.Cleaner] = {
    a.name: a.cleaner for a in CUSTOMER_ATTRIBUTES if a.cleaner is not None
}
ADDRESS_CLEANERS: dict[str, validation.Cleaner] = {
    a.name: a.cleaner for a in ADDRESS_ATTRIBUTES if a.cleaner is not None
}
# Fields of customerCreate/-Update and of AddressInput named as the attribute they set.
CUSTOMER_INPUT_FIELDS = _names(CUSTOMER_ATTRIBUTES, lambda a: a.input == (a.name,))
ADDRESS_INPUT_FIELDS = _names(ADDRESS_ATTRIBUTES, lambda a: a.input == (a.name,))
# What a caller may change; the cleaned fields first, then those cleaned by other rules.
EDITABLE_FIELDS = (
    *CUSTOMER_CLEANERS,
    *_names(CUSTOMER_ATTRIBUTES, lambda a: a.cleaner is None and a.input is not None),
)
NOT_CLEARABLE = _names(CUSTOMER_ATTRIBUTES, lambda a: not a.clearable)
# column: (what it is, input path)
UNIQUE_COLUMNS: dict[str, tuple[str, tuple[str, ...]]] = {
    a.name: (a.unique, a.input or (a.name,)) for a in CUSTOMER_ATTRIBUTES if a.unique is not None
}
POSTAL_FIELDS = _names(ADDRESS_ATTRIBUTES, lambda a: a.postal)
PERSONAL_CUSTOMER_FIELDS = _names(CUSTOMER_ATTRIBUTES, lambda a: a.personal)
PERSONAL_ADDRESS_FIELDS = _names(ADDRESS_ATTRIBUTES, lambda a: a.personal)
# Spreadsheet headers: attribute -> header (customers), attribute -> label (addresses).
CUSTOMER_HEADERS = {a.name: a.header for a in CUSTOMER_ATTRIBUTES if a.header is not None}
ADDRESS_LABELS = {a.name: a.header for a in ADDRESS_ATTRIBUTES if a.header is not None}
IMPORT_IGNORED = frozenset(
    a.name for a in CUSTOMER_ATTRIBUTES if a.header is not None and not a.imported
)


def graphql_names(attributes: tuple[Attribute, ...], values: Mapping[str, Any]) -> dict[str, Any]:
    """Values keyed by their GraphQL field name (an event payload, say); unshown ones left out."""
    by_name = {a.name: a.graphql for a in attributes}
    return {
        graphql: value
        for name, value in values.items()
        if (graphql := by_name.get(name)) is not None
    }


class CustomerAttributes(TypedDict, total=False):
    """Cleaned customer values as a write stores them; absent keys are not given."""

    customer_number: str | None
    type: CustomerType | None
    status: CustomerStatus
    display_name: str
    company_name: str | None
    first_name: str | None
    last_name: str | None
    email: str | None
    invoice_email: str | None
    phone: str | None
    language: Language | None
    currency_code: str | None
    vat_id: str | None
    commercial_register_court: str | None
    commercial_register_number: str | None
    external_id: str | None
    datev_debtor_number: str | None
    default_payment_method: PaymentMethodType | None


class AddressAttributes(TypedDict, total=False):
    """Cleaned address values as a write stores them; absent keys are not given."""

    company_name: str | None
    first_name: str | None
    last_name: str | None
    addition: str | None
    street: str | None
    house_number: str | None
    zip: str | None
    city: str | None
    country_code: str | None
    email: str | None
