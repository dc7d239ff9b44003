"""Cleaning of single input values: normalise, or say why the value is refused."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

import pycountry
from email_validator import EmailNotValidError, validate_email
from stdnum import exceptions as stdnum_exceptions
from stdnum.ch import vat as ch_vat
from stdnum.eu import vat as eu_vat
from stdnum.gb import vat as gb_vat

from domain.errors import ErrorCode, FieldError

MAX_TEXT_LENGTH = 255
# Control characters, lone surrogates and the noncharacters U+FFFE/U+FFFF: none of them
# belongs in master data, and some break storage (UTF-8) or exports (XML).
_CONTROL_CHARACTERS = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
# Postleitzahlen of the countries our customers mostly live in; others are free text.
_ZIP_PATTERNS = {
    "DE": re.compile(r"\d{5}"),
    "AT": re.compile(r"\d{4}"),
    "CH": re.compile(r"\d{4}"),
}


def has_control_characters(value: str) -> bool:
    """Also for values that are only looked up: PostgreSQL refuses NUL in any text."""
    return _CONTROL_CHARACTERS.search(value) is not None


class InvalidValue(Exception):
    def __init__(self, code: ErrorCode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


Cleaner = Callable[[Any], Any]


def text(value: str | None, *, max_length: int = MAX_TEXT_LENGTH) -> str | None:
    """Trimmed text; blank becomes None so that it counts as missing."""
    if value is None:
        return None
    value = value.strip()
    if not value:
        return None
    if len(value) > max_length:
        raise InvalidValue(ErrorCode.TOO_LONG, f"At most {max_length} characters.")
    if has_control_characters(value):
        raise InvalidValue(
            ErrorCode.INVALID, "Control characters (line breaks, tabs) are not allowed."
        )
    return value


def email(value: str | None) -> str | None:
    cleaned = text(value)
    if cleaned is None:
        return None
    try:
        # No DNS: a mail server that is down today must not block entering a customer.
        return validate_email(cleaned, check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise InvalidValue(ErrorCode.INVALID, f"Not a valid e-mail address: {exc}") from None


def country_code(value: str | None) -> str | None:
    cleaned = text(value)
    if cleaned is None:
        return None
    code = cleaned.upper()
    if len(code) != 2 or pycountry.countries.get(alpha_2=code) is None:
        raise InvalidValue(ErrorCode.INVALID, "Not an ISO 3166-1 alpha-2 country code.")
    return code


def currency_code(value: str | None) -> str | None:
    cleaned = text(value)
    if cleaned is None:
        return None
    code = cleaned.upper()
    if len(code) != 3 or pycountry.currencies.get(alpha_3=code) is None:
        raise InvalidValue(ErrorCode.INVALID, "Not an ISO 4217 currency code.")
    return code


def vat_id(value: str | None) -> str | None:
    """USt-IdNr. (EU, including XI) or the Swiss and British equivalents, stored compact."""
    cleaned = text(value)
    if cleaned is None:
        return None
    module = {"CH": ch_vat, "GB": gb_vat}.get(cleaned[:2].upper(), eu_vat)
    try:
        number: str = module.validate(cleaned)
    except stdnum_exceptions.ValidationError:
        raise InvalidValue(
            ErrorCode.INVALID, "Not a valid VAT identification number (e.g. DE123456789)."
        ) from None
    # gb.vat drops the country prefix; keep it so the number says where it is from.
    return number if number[:2].isalpha() else f"{cleaned[:2].upper()}{number}"


def zip_code(value: str | None, country: str | None) -> str | None:
    cleaned = text(value)
    if cleaned is None or country is None:
        return cleaned
    pattern = _ZIP_PATTERNS.get(country)
    if pattern is not None and not pattern.fullmatch(cleaned):
        raise InvalidValue(ErrorCode.INVALID, f"Not a valid postal code for {country}.")
    return cleaned


def clean_fields(
    raw: Mapping[str, Any], cleaners: Mapping[str, Cleaner]
) -> tuple[dict[str, Any], list[FieldError]]:
    """Run each field's cleaner; collect every refusal instead of stopping at the first."""
    cleaned: dict[str, Any] = {}
    errors: list[FieldError] = []
    for name, value in raw.items():
        try:
            cleaned[name] = cleaners[name](value)
        except InvalidValue as exc:
            errors.append(FieldError(exc.code, exc.message, (name,)))
    return cleaned, errors
