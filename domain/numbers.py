"""Nummernkreise: per-organization number ranges for customer and DATEV debtor numbers."""

from __future__ import annotations

import datetime as dt
import uuid

from tortoise.expressions import F

from models import NumberRange
from models.enums import NumberRangeKind

DEFAULT_RANGES: dict[NumberRangeKind, tuple[str, int, int]] = {
    # kind: (format, padding, first value)
    NumberRangeKind.CUSTOMER: ("K{number}", 5, 1),
    NumberRangeKind.DATEV_DEBTOR: ("{number}", 0, 10000),
}


def render_number(template: str, padding: int, value: int, today: dt.date) -> str:
    return template.format(
        number=str(value).zfill(padding),
        year=f"{today.year % 100:02d}",
        yearLong=f"{today.year:04d}",
        month=f"{today.month:02d}",
        day=f"{today.day:02d}",
    )


async def create_default_ranges(organization_id: uuid.UUID) -> None:
    for kind, (template, padding, first) in DEFAULT_RANGES.items():
        await NumberRange.create(
            organization_id=organization_id,
            kind=kind,
            format=template,
            padding=padding,
            next_value=first,
        )


async def allocate_number(organization_id: uuid.UUID, kind: NumberRangeKind) -> str:
    """Hand out the next number; call inside the transaction that uses it.

    The increment is one atomic UPDATE: on PostgreSQL it locks the row until the
    transaction ends, so a concurrent allocation waits and then sees the new value; a
    rolled-back transaction gives its number back.
    """
    ranges = NumberRange.filter(organization_id=organization_id, kind=kind)
    await ranges.update(next_value=F("next_value") + 1)
    number_range = await ranges.get()
    value = number_range.next_value - 1
    return render_number(
        number_range.format, number_range.padding, value, dt.datetime.now(dt.UTC).date()
    )
