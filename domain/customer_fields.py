"""Which customer and address attributes exist, how each is cleaned, what each type needs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from domain import validation
from domain.errors import ErrorCode, FieldError
from models.enums import CustomerType, Language


def _identity(value: Any) -> Any:
    return value


CUSTOMER_CLEANERS: dict[str, validation.Cleaner] = {
    "customer_number": validation.text,
    "type": _identity,
    "company_name": validation.text,
    "first_name": validation.text,
    "last_name": validation.text,
    "email": validation.email,
    "invoice_email": validation.email,
    "phone": validation.text,
    "language": _identity,
    "currency_code": validation.currency_code,
    "vat_id": validation.vat_id,
    "commercial_register_court": validation.text,
    "commercial_register_number": validation.text,
    "external_id": validation.text,
    "default_payment_method": _identity,
}

ADDRESS_CLEANERS: dict[str, validation.Cleaner] = {
    "company_name": validation.text,
    "first_name": validation.text,
    "last_name": validation.text,
    "addition": validation.text,
    "street": validation.text,
    "house_number": validation.text,
    "zip": validation.text,
    "city": validation.text,
    "country_code": validation.country_code,
    "email": validation.email,
}

# Personal data (DSGVO): what customerAnonymize erases and a personal-data export holds.
# A company's name names a legal entity, not a person: it is erased for persons only.
PERSONAL_CUSTOMER_FIELDS = (
    "first_name",
    "last_name",
    "email",
    "invoice_email",
    "phone",
    "vat_id",
    "commercial_register_court",
    "commercial_register_number",
    "external_id",
)
PERSONAL_ADDRESS_FIELDS = (
    "first_name",
    "last_name",
    "addition",
    "street",
    "house_number",
    "zip",
    "city",
    "email",
)
PERSONAL_FOR_PERSONS = ("company_name",)


def personal_fields(customer_type: CustomerType) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(customer fields, address fields) holding personal data of a customer of this type."""
    extra = PERSONAL_FOR_PERSONS if customer_type is CustomerType.PERSON else ()
    return (*PERSONAL_CUSTOMER_FIELDS, *extra), (*PERSONAL_ADDRESS_FIELDS, *extra)


REQUIRED_BY_TYPE: dict[CustomerType, tuple[str, ...]] = {
    CustomerType.PERSON: ("first_name", "last_name"),
    CustomerType.COMPANY: ("company_name",),
}

GERMAN_SPEAKING = frozenset({"DE", "AT", "CH"})


def clean_address(raw: Mapping[str, Any], *prefix: str) -> tuple[dict[str, Any], list[FieldError]]:
    cleaned, errors = validation.clean_fields(raw, ADDRESS_CLEANERS)
    if "zip" in cleaned and "country_code" in cleaned:
        try:
            cleaned["zip"] = validation.zip_code(cleaned["zip"], cleaned["country_code"])
        except validation.InvalidValue as exc:
            errors.append(FieldError(exc.code, exc.message, ("zip",)))
    return cleaned, [error.nested(*prefix) for error in errors]


# Fields every customer has: they may be left out of an update, never cleared.
NOT_CLEARABLE = ("customer_number", "type", "language", "currency_code")


def missing_required(
    values: Mapping[str, Any], already_reported: list[FieldError]
) -> list[FieldError]:
    """REQUIRED errors for the customer's type, except where the value was refused anyway."""
    reported = {error.field for error in already_reported}
    missing = [
        FieldError(ErrorCode.REQUIRED, "This field cannot be cleared.", (name,))
        for name in NOT_CLEARABLE
        if name in values and values[name] is None
    ]
    if values.get("type") is not None:
        customer_type = CustomerType(values["type"])
        missing += [
            FieldError(
                ErrorCode.REQUIRED, f"Required for a {customer_type.value} customer.", (name,)
            )
            for name in REQUIRED_BY_TYPE[customer_type]
            if values.get(name) is None
        ]
    return [error for error in missing if error.field not in reported]


def display_name(values: Mapping[str, Any]) -> str:
    if values["type"] == CustomerType.COMPANY:
        return str(values.get("company_name") or "")
    parts = (values.get("first_name"), values.get("last_name"))
    return " ".join(part for part in parts if part)


def default_language(country_code: str | None) -> Language:
    # Without any country we assume a German customer: this is a German billing product.
    if country_code is None or country_code in GERMAN_SPEAKING:
        return Language.DE
    return Language.EN
