from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import Self

import strawberry

from domain.numbers import Bounds, render_number
from models import NumberRange as NumberRangeRow


@strawberry.enum(description="What a number range numbers.")
class NumberRangeKind(Enum):
    CUSTOMER = strawberry.enum_value("CUSTOMER", description="Kundennummern")
    DATEV_DEBTOR = strawberry.enum_value("DATEV_DEBTOR", description="DATEV-Debitorennummern")


@strawberry.type(description="Nummernkreis: where new numbers of one kind come from.")
class NumberRange:
    kind: NumberRangeKind
    format: str = strawberry.field(
        description="Text with placeholders {number}, {year}, {yearLong}, {month}, {day}."
    )
    padding: int = strawberry.field(description="{number} is zero-padded to this many digits.")
    next_value: int = strawberry.field(description="The value the next allocation hands out.")
    next_number: str = strawberry.field(description="The number the next allocation renders.")
    min_value: int
    max_value: int | None = strawberry.field(description="Null when the range has no end.")

    @classmethod
    def from_model(cls, row: NumberRangeRow, bounds: Bounds) -> Self:
        return cls(
            kind=NumberRangeKind[row.kind.value],
            format=row.format,
            padding=row.padding,
            next_value=row.next_value,
            next_number=render_number(
                row.format, row.padding, row.next_value, dt.datetime.now(dt.UTC).date()
            ),
            min_value=bounds.minimum,
            max_value=bounds.maximum,
        )
