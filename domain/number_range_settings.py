"""Reading and changing an organization's number ranges (format, padding, next value)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from domain.datev import debtor_bounds
from domain.errors import DomainError, ErrorCode, FieldError
from domain.numbers import MAX_PADDING, Bounds, FormatError, check_format, render_number
from models import NumberRange, Organization
from models.enums import NumberRangeKind

DATEV_FORMAT = "{number}"
# Date placeholders have fixed widths, so any date tells how long numbers get.
_ANY_DATE = dt.date(2000, 12, 31)


def bounds_of(organization: Organization, kind: NumberRangeKind) -> Bounds:
    if kind is NumberRangeKind.DATEV_DEBTOR:
        return debtor_bounds(organization.datev_account_length)
    return Bounds()


async def number_ranges(organization: Organization) -> list[NumberRange]:
    rows = await NumberRange.filter(organization_id=organization.id)
    order = list(NumberRangeKind)
    return sorted(rows, key=lambda row: order.index(row.kind))


def _check(
    organization: Organization, number_range: NumberRange, values: Mapping[str, Any]
) -> list[FieldError]:
    errors: list[FieldError] = []
    kind = number_range.kind
    template = values.get("format", number_range.format)
    padding = values.get("padding", number_range.padding)
    next_value = values.get("next_value", number_range.next_value)
    for name in ("format", "padding", "next_value"):
        if name in values and values[name] is None:
            errors.append(FieldError(ErrorCode.REQUIRED, "Cannot be cleared.", (name,)))
    if errors:
        return errors
    try:
        check_format(template)
    except FormatError as exc:
        errors.append(FieldError(ErrorCode.INVALID, str(exc), ("format",)))
    if kind is NumberRangeKind.DATEV_DEBTOR:
        plain = {"format": (template, DATEV_FORMAT), "padding": (padding, 0)}
        errors += [
            FieldError(
                ErrorCode.INVALID,
                "DATEV debtor numbers are plain digits: format {number}, padding 0.",
                (name,),
            )
            for name, (value, required) in plain.items()
            if value != required
        ]
    if not 0 <= padding <= MAX_PADDING:
        errors.append(
            FieldError(ErrorCode.OUT_OF_RANGE, f"Between 0 and {MAX_PADDING}.", ("padding",))
        )
    bounds = bounds_of(organization, kind)
    if next_value < number_range.next_value:
        errors.append(
            FieldError(
                ErrorCode.OUT_OF_RANGE,
                f"Numbers below {number_range.next_value} may have been issued already; "
                "the next value can only move forward.",
                ("next_value",),
            )
        )
    elif next_value < bounds.minimum or (
        bounds.maximum is not None and next_value > bounds.maximum + 1
    ):
        errors.append(
            FieldError(
                ErrorCode.OUT_OF_RANGE,
                f"Must lie between {bounds.minimum} and {bounds.maximum}.",
                ("next_value",),
            )
        )
    if not errors and len(render_number(template, padding, next_value, _ANY_DATE)) > 255:
        errors.append(FieldError(ErrorCode.TOO_LONG, "Numbers would exceed 255.", ("format",)))
    return errors


async def update_number_range(
    *, organization: Organization, kind: NumberRangeKind, changes: Mapping[str, Any]
) -> NumberRange:
    if kind is NumberRangeKind.DATEV_DEBTOR and not organization.datev_enabled:
        raise DomainError.single(
            ErrorCode.ADDON_NOT_ENABLED,
            "The DATEV add-on is not enabled for this organization.",
            ("kind",),
        )
    number_range = await NumberRange.get(organization_id=organization.id, kind=kind)
    errors = _check(organization, number_range, changes)
    if errors:
        raise DomainError(errors)
    values = {name: value for name, value in changes.items() if value is not None}
    target = NumberRange.filter(id=number_range.id)
    if "next_value" in values:
        # Conditional on the counter: an allocation in between may have moved it past us.
        target = target.filter(next_value__lte=values["next_value"])
    updated = await target.update(**values) if values else 1
    if updated == 0:
        raise DomainError.single(
            ErrorCode.CONFLICT,
            "Numbers were issued meanwhile; the next value can only move forward.",
            ("next_value",),
        )
    return await NumberRange.get(id=number_range.id)
