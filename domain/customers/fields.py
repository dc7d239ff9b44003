"""Cleaning customer and address values with the registry's cleaners; what each type needs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from domain import validation
from domain.customers.registry import (
    ADDRESS_CLEANERS,
    CUSTOMER_CLEANERS,
    NOT_CLEARABLE,
    AddressAttributes,
    CustomerAttributes,
)
from domain.errors import ErrorCode, FieldError
from models.enums import CustomerType, Language

# What a caller sent, before cleaning: untrusted, keyed by attribute name.
RawValues = Mapping[str, Any]


REQUIRED_BY_TYPE: dict[CustomerType, tuple[str, ...]] = {
    CustomerType.PERSON: ("first_name", "last_name"),
    CustomerType.COMPANY: ("company_name",),
}

GERMAN_SPEAKING = frozenset({"DE", "AT", "CH"})


def clean_customer(raw: RawValues) -> tuple[CustomerAttributes, list[FieldError]]:
    cleaned, errors = validation.clean_fields(raw, CUSTOMER_CLEANERS)
    return cast(CustomerAttributes, cleaned), errors


def clean_address(raw: RawValues, *prefix: str) -> tuple[AddressAttributes, list[FieldError]]:
    cleaned, errors = validation.clean_fields(raw, ADDRESS_CLEANERS)
    if "zip" in cleaned and "country_code" in cleaned:
        try:
            cleaned["zip"] = validation.zip_code(cleaned["zip"], cleaned["country_code"])
        except validation.InvalidValue as exc:
            errors.append(FieldError(exc.code, exc.message, ("zip",)))
    return cast(AddressAttributes, cleaned), [error.nested(*prefix) for error in errors]


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
