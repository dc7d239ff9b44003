"""Nummernkreise: per-organization number ranges for customer and DATEV debtor numbers.

A number, once issued, is never issued again: the counter only moves forward, a number
typed in by hand that the counter would produce later pushes the counter past it, and
a number that is in use anyway (entered under an older format) is skipped.
"""

from __future__ import annotations

import datetime as dt
import re
import string
import uuid
from dataclasses import dataclass

from tortoise.expressions import F

from domain.errors import DomainError, ErrorCode, FieldPath
from models import Customer, NumberRange
from models.enums import NumberRangeKind

PLACEHOLDERS: dict[str, str] = {
    "number": r"(?P<number>\d+)",
    "year": r"\d{2}",
    "yearLong": r"\d{4}",
    "month": r"\d{2}",
    "day": r"\d{2}",
}
MAX_FORMAT_LENGTH = 64
# The API shows next values as GraphQL Int (32 bit): the counter must stay below that.
MAX_COUNTER_VALUE = 2**31 - 2
MAX_PADDING = 20
DEFAULT_RANGES: dict[NumberRangeKind, tuple[str, int, int]] = {
    # kind: (format, padding, first value)
    NumberRangeKind.CUSTOMER: ("K{number}", 5, 1),
    NumberRangeKind.DATEV_DEBTOR: ("{number}", 0, 10000),
}
NUMBER_COLUMN = {
    NumberRangeKind.CUSTOMER: "customer_number",
    NumberRangeKind.DATEV_DEBTOR: "datev_debtor_number",
}
NUMBER_FIELD: dict[NumberRangeKind, FieldPath] = {
    NumberRangeKind.CUSTOMER: ("customer_number",),
    NumberRangeKind.DATEV_DEBTOR: ("datev", "debtor_number"),
}
# Enough to step over numbers entered by hand under an older format, bounded so that a
# misconfigured range fails instead of spinning.
_MAX_SKIPS = 1000


class FormatError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class Bounds:
    """The values a range may hand out; `maximum` None means unbounded."""

    minimum: int = 1
    maximum: int | None = None


def check_format(template: str) -> None:
    """A format has exactly one {number} and only the known placeholders."""
    if len(template) > MAX_FORMAT_LENGTH:
        raise FormatError(f"At most {MAX_FORMAT_LENGTH} characters.")
    try:
        parts = list(string.Formatter().parse(template))
    except ValueError:
        raise FormatError("Unbalanced braces; write placeholders as {number}.") from None
    names = [name for _, name, _, _ in parts if name is not None]
    unknown = sorted({name for name in names if name not in PLACEHOLDERS})
    if unknown:
        known = ", ".join("{" + name + "}" for name in PLACEHOLDERS)
        raise FormatError(f"Unknown placeholder {{{unknown[0]}}}; use {known}.")
    if any(spec or conversion for _, name, spec, conversion in parts if name is not None):
        raise FormatError("Placeholders take no format specification; use padding instead.")
    if names.count("number") != 1:
        raise FormatError("The format needs the placeholder {number} exactly once.")


def render_number(template: str, padding: int, value: int, today: dt.date) -> str:
    return template.format(
        number=str(value).zfill(padding),
        year=f"{today.year % 100:02d}",
        yearLong=f"{today.year:04d}",
        month=f"{today.month:02d}",
        day=f"{today.day:02d}",
    )


def counter_value_of(number: str, template: str, padding: int) -> int | None:
    """The counter value that would render as `number` (on some date), if any."""
    pattern = "".join(
        re.escape(literal) + (PLACEHOLDERS[name] if name is not None else "")
        for literal, name, _, _ in string.Formatter().parse(template)
    )
    match = re.fullmatch(pattern, number)
    if match is None:
        return None
    digits = match.group("number")
    value = int(digits)
    if value > MAX_COUNTER_VALUE:
        return None  # beyond what the counter can ever reach
    return value if str(value).zfill(padding) == digits else None


def _today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


async def create_default_ranges(organization_id: uuid.UUID) -> None:
    for kind, (template, padding, first) in DEFAULT_RANGES.items():
        await NumberRange.create(
            organization_id=organization_id,
            kind=kind,
            format=template,
            padding=padding,
            next_value=first,
        )


def _exhausted(kind: NumberRangeKind) -> DomainError:
    return DomainError.single(
        ErrorCode.NUMBER_RANGE_EXHAUSTED,
        "The number range has no numbers left; an administrator must change it.",
        NUMBER_FIELD[kind],
    )


async def allocate_number(
    organization_id: uuid.UUID, kind: NumberRangeKind, bounds: Bounds = Bounds()
) -> str:
    """Hand out the next number; call inside the transaction that uses it.

    The increment is one atomic UPDATE: on PostgreSQL it locks the row until the
    transaction ends, so a concurrent allocation waits and then sees the new value; a
    rolled-back transaction gives its number back.
    """
    ranges = NumberRange.filter(organization_id=organization_id, kind=kind)
    maximum = min(bounds.maximum or MAX_COUNTER_VALUE, MAX_COUNTER_VALUE)
    for _ in range(_MAX_SKIPS):
        within = ranges.filter(next_value__lte=maximum)
        if await within.update(next_value=F("next_value") + 1) == 0:
            raise _exhausted(kind)
        number_range = await ranges.get()
        number = render_number(
            number_range.format, number_range.padding, number_range.next_value - 1, _today()
        )
        in_use = Customer.filter(organization_id=organization_id, **{NUMBER_COLUMN[kind]: number})
        if not await in_use.exists():
            return number
    raise _exhausted(kind)


async def claim_number(organization_id: uuid.UUID, kind: NumberRangeKind, number: str) -> None:
    """A number entered by hand: keep the counter from handing it out later."""
    number_range = await NumberRange.get(organization_id=organization_id, kind=kind)
    value = counter_value_of(number, number_range.format, number_range.padding)
    if value is not None and value >= number_range.next_value:
        # Conditional, so a concurrent claim of a higher number is never undone.
        await NumberRange.filter(id=number_range.id, next_value__lte=value).update(
            next_value=value + 1
        )


async def assign_number(
    organization_id: uuid.UUID,
    kind: NumberRangeKind,
    given: str | None,
    bounds: Bounds = Bounds(),
) -> str:
    if given is None:
        return await allocate_number(organization_id, kind, bounds)
    await claim_number(organization_id, kind, given)
    return given
