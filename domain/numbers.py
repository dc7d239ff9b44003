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
from typing import Any

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


async def allocate_numbers(
    organization_id: uuid.UUID, kind: NumberRangeKind, count: int, bounds: Bounds = Bounds()
) -> list[str]:
    """Hand out the next `count` numbers; call inside the transaction that uses them.

    The counter moves by one atomic UPDATE per block: on PostgreSQL it locks the row
    until the transaction ends, so a concurrent allocation waits and then sees the new
    value; a rolled-back transaction gives its numbers back. Numbers already in use
    (typed in under an older format) are skipped.
    """
    ranges = NumberRange.filter(organization_id=organization_id, kind=kind)
    maximum = min(bounds.maximum or MAX_COUNTER_VALUE, MAX_COUNTER_VALUE)
    column = NUMBER_COLUMN[kind]
    numbers: list[str] = []
    for _ in range(_MAX_SKIPS):
        need = count - len(numbers)
        if need <= 0:
            return numbers
        block = ranges.filter(next_value__lte=maximum - need + 1)
        if await block.update(next_value=F("next_value") + need) == 0:
            raise _exhausted(kind)
        number_range = await ranges.get()
        today = _today()
        first = number_range.next_value - need
        candidates = [
            render_number(number_range.format, number_range.padding, value, today)
            for value in range(first, first + need)
        ]
        in_use: set[Any] = set(
            await Customer.filter(
                organization_id=organization_id, **{f"{column}__in": candidates}
            ).values_list(column, flat=True)
        )
        numbers += [number for number in candidates if number not in in_use]
    raise _exhausted(kind)


async def allocate_number(
    organization_id: uuid.UUID, kind: NumberRangeKind, bounds: Bounds = Bounds()
) -> str:
    [number] = await allocate_numbers(organization_id, kind, 1, bounds)
    return number


async def claim_numbers(
    organization_id: uuid.UUID, kind: NumberRangeKind, numbers: list[str]
) -> None:
    """Numbers entered by hand: keep the counter from handing any of them out later."""
    if not numbers:
        return
    number_range = await NumberRange.get(organization_id=organization_id, kind=kind)
    values = [
        value
        for number in numbers
        if (value := counter_value_of(number, number_range.format, number_range.padding))
        is not None
    ]
    highest = max(values, default=None)
    if highest is not None and highest >= number_range.next_value:
        # Conditional, so a concurrent claim of a higher number is never undone.
        await NumberRange.filter(id=number_range.id, next_value__lte=highest).update(
            next_value=highest + 1
        )


async def claim_number(organization_id: uuid.UUID, kind: NumberRangeKind, number: str) -> None:
    await claim_numbers(organization_id, kind, [number])
