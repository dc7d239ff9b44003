"""DATEV add-on: debtor numbers (Debitorennummern) and the organization's DATEV settings.

In DATEV, personal accounts (Personenkonten) have one digit more than the general-ledger
accounts (Sachkontenlänge, 4-8); debtor accounts use the block 10000-69999 for length 4
(first digit 1-6), creditor accounts 70000-99999.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from tortoise.transactions import in_transaction

from domain.errors import DomainError, ErrorCode, FieldError
from domain.numbers import Bounds
from domain.validation import InvalidValue, text
from models import Customer, NumberRange, Organization
from models.enums import NumberRangeKind

ACCOUNT_LENGTHS = range(4, 9)


def debtor_bounds(account_length: int) -> Bounds:
    return Bounds(minimum=10**account_length, maximum=7 * 10**account_length - 1)


def clean_debtor_number(value: str | None, account_length: int) -> str | None:
    cleaned = text(value, max_length=16)
    if cleaned is None:
        return None
    if not (cleaned.isascii() and cleaned.isdigit()):
        raise InvalidValue(ErrorCode.INVALID, "A DATEV debtor number has digits only.")
    bounds = debtor_bounds(account_length)
    if not bounds.minimum <= int(cleaned) <= (bounds.maximum or 0) or cleaned.startswith("0"):
        raise InvalidValue(
            ErrorCode.OUT_OF_RANGE,
            f"DATEV debtor numbers of this organization are {account_length + 1} digits "
            f"from {bounds.minimum} to {bounds.maximum}.",
        )
    return cleaned


def _digits(value: str | None, *, lengths: range, label: str) -> str | None:
    cleaned = text(value, max_length=16)
    if cleaned is None:
        return None
    if not (cleaned.isascii() and cleaned.isdigit() and len(cleaned) in lengths):
        raise InvalidValue(
            ErrorCode.INVALID, f"The {label} has {lengths.start} to {lengths.stop - 1} digits."
        )
    if int(cleaned) == 0:
        raise InvalidValue(ErrorCode.INVALID, f"The {label} cannot be zero.")
    return cleaned


async def locked_debtor_bounds(organization_id: uuid.UUID, typed: Sequence[str]) -> Bounds:
    """Inside a write's transaction: the debtor number bounds as they are now.

    Locks the DATEV range row first, the row a Sachkontenlänge change locks too, so the
    two never interleave; typed numbers are checked again against the current length.
    """
    await (
        NumberRange.filter(organization_id=organization_id, kind=NumberRangeKind.DATEV_DEBTOR)
        .select_for_update()
        .get()
    )
    length = (await Organization.get(id=organization_id)).datev_account_length
    for number in typed:
        try:
            clean_debtor_number(number, length)
        except InvalidValue as exc:
            raise DomainError.single(exc.code, exc.message, ("datev", "debtor_number")) from None
    return debtor_bounds(length)


async def _debtor_numbers_issued(organization: Organization) -> bool:
    """Whether any debtor number was ever handed out or entered (even if deleted since).

    Call inside the transaction that changes the length: the range row is locked first, so
    an allocation under way finishes before we look, and none starts until we are done.
    """
    debtor_range = (
        await NumberRange.filter(organization_id=organization.id, kind=NumberRangeKind.DATEV_DEBTOR)
        .select_for_update()
        .get()
    )
    if debtor_range.next_value != 10**organization.datev_account_length:
        return True
    return await Customer.filter(
        organization_id=organization.id, datev_debtor_number__isnull=False
    ).exists()


async def update_datev_settings(
    *, organization: Organization, changes: Mapping[str, Any]
) -> Organization:
    """Beraternummer, Mandantennummer and Sachkontenlänge of an organization."""
    if not organization.datev_enabled:
        raise DomainError.single(
            ErrorCode.ADDON_NOT_ENABLED, "The DATEV add-on is not enabled for this organization."
        )
    errors: list[FieldError] = []
    cleaned: dict[str, Any] = {}
    digit_fields = {
        # input name: (allowed lengths, DATEV name)
        "consultant_number": (range(4, 8), "Beraternummer"),
        "client_number": (range(1, 6), "Mandantennummer"),
    }
    for name, (lengths, label) in digit_fields.items():
        if name in changes:
            try:
                cleaned[f"datev_{name}"] = _digits(changes[name], lengths=lengths, label=label)
            except InvalidValue as exc:
                errors.append(FieldError(exc.code, exc.message, (name,)))
    length = changes.get("account_length")
    if "account_length" in changes:
        if length is None:
            errors.append(FieldError(ErrorCode.REQUIRED, "Cannot be cleared.", ("account_length",)))
        elif length not in ACCOUNT_LENGTHS:
            errors.append(
                FieldError(ErrorCode.OUT_OF_RANGE, "Between 4 and 8.", ("account_length",))
            )
        elif length != organization.datev_account_length:
            cleaned["datev_account_length"] = length
    if errors:
        raise DomainError(errors)
    if cleaned:
        async with in_transaction():
            if "datev_account_length" in cleaned and await _debtor_numbers_issued(organization):
                raise DomainError.single(
                    ErrorCode.CONFLICT,
                    "DATEV debtor numbers of the current length have been issued; "
                    "the Sachkontenlänge can no longer change.",
                    ("account_length",),
                )
            await Organization.filter(id=organization.id).update(**cleaned)
            if "datev_account_length" in cleaned:
                # None was ever issued (checked under the lock): start at the new length.
                await NumberRange.filter(
                    organization_id=organization.id, kind=NumberRangeKind.DATEV_DEBTOR
                ).update(next_value=10 ** cleaned["datev_account_length"])
    return await Organization.get(id=organization.id)
