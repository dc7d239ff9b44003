"""The customer overview: filtering, sorting and keyset pagination.

Cursors carry the sort value and the id of an edge, so a page starts exactly after
the last row seen, even while customers are created or deleted in between (offset
cursors would skip or repeat rows then).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import uuid
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypedDict, cast

import orjson
from tortoise.filters import escape_like

from database.row_reader import Placeholders, RowReader
from domain.validation import has_control_characters
from models import Customer
from models.enums import CustomerStatus, CustomerType, Language, PaymentMethodType

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 50
MAX_SEARCH_LENGTH = 255


class StatusFilter(StrEnum):
    ACTIVE = "ACTIVE"
    ARCHIVED = "ARCHIVED"
    ALL = "ALL"


class SortField(StrEnum):
    CREATED_AT = "created_at"
    CUSTOMER_NUMBER = "customer_number"
    DISPLAY_NAME = "display_name"


class PaginationError(ValueError):
    """Arguments a client must fix; reported as a top-level error, like other limits."""


@dataclass(frozen=True, slots=True)
class CustomerFilter:
    search: str | None = None
    status: StatusFilter = StatusFilter.ACTIVE
    type: CustomerType | None = None


@dataclass(frozen=True, slots=True)
class Window:
    first: int | None = None
    after: str | None = None
    last: int | None = None
    before: str | None = None


class CustomerValues(TypedDict):
    """A customer row as plain values: a page reads these, not model instances (cheaper)."""

    id: uuid.UUID
    customer_number: str
    type: CustomerType
    status: CustomerStatus
    display_name: str
    company_name: str | None
    first_name: str | None
    last_name: str | None
    email: str | None
    invoice_email: str | None
    phone: str | None
    language: Language
    currency_code: str
    vat_id: str | None
    commercial_register_court: str | None
    commercial_register_number: str | None
    external_id: str | None
    datev_debtor_number: str | None
    default_payment_method: PaymentMethodType | None
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime
    archived_at: dt.datetime | None


CUSTOMER_VALUES = tuple(CustomerValues.__annotations__)


def values_of(customer: Customer) -> CustomerValues:
    return cast(CustomerValues, {name: getattr(customer, name) for name in CUSTOMER_VALUES})


@dataclass(frozen=True, slots=True)
class Page:
    customers: list[CustomerValues]
    cursors: list[str]
    has_next_page: bool
    has_previous_page: bool


# Columns a search looks in, case-insensitively, for the text anywhere in them.
SEARCHED = (
    "display_name",
    "company_name",
    "first_name",
    "last_name",
    "email",
    "customer_number",
    "datev_debtor_number",
)


@dataclass(frozen=True, slots=True)
class Matching:
    """The customers a filter selects, as one SQL condition.

    The page, its look beyond the cursor and the total count are fixed statements with
    this condition; building them costs a few string joins instead of an ORM query tree
    per request (database.row_reader).
    """

    organization_id: uuid.UUID
    customer_filter: CustomerFilter

    def condition(self, place: Placeholders) -> str:
        parts = [f"organization_id = {place(self.organization_id)}", "staged_import_id IS NULL"]
        if self.customer_filter.status is not StatusFilter.ALL:
            parts.append(f"status = {place(CustomerStatus(self.customer_filter.status.value))}")
        if self.customer_filter.type is not None:
            parts.append(f"type = {place(self.customer_filter.type)}")
        search = (self.customer_filter.search or "").strip()
        if search:
            pattern = f"%{escape_like(search)}%"
            alternatives = " OR ".join(
                f"UPPER(CAST({column} AS VARCHAR)) LIKE UPPER({place(pattern)}) ESCAPE '\\'"
                for column in SEARCHED
            )
            parts.append(f"({alternatives})")
        return " AND ".join(parts)

    async def count(self) -> int:
        place = Placeholders()
        return await _IDS.count(f"WHERE {self.condition(place)}", place.parameters)


_CUSTOMERS = RowReader(Customer, CUSTOMER_VALUES)
_IDS = RowReader(Customer, ("id",))


def filtered(organization_id: uuid.UUID, customer_filter: CustomerFilter) -> Matching:
    search = (customer_filter.search or "").strip()
    if len(search) > MAX_SEARCH_LENGTH:
        raise PaginationError(f"search is limited to {MAX_SEARCH_LENGTH} characters")
    if has_control_characters(search):
        raise PaginationError("search must not contain control characters")
    return Matching(organization_id, customer_filter)


def encode_cursor(customer: CustomerValues, sort: SortField) -> str:
    value = customer[sort.value]
    raw = orjson.dumps(
        [value.isoformat() if isinstance(value, dt.datetime) else value, str(customer["id"])]
    )
    return base64.urlsafe_b64encode(raw).decode()


def _decode_cursor(cursor: str, sort: SortField) -> tuple[Any, uuid.UUID]:
    try:
        value, key = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        if not isinstance(value, str) or not isinstance(key, str):
            raise ValueError(cursor)
        if sort is SortField.CREATED_AT:
            value = dt.datetime.fromisoformat(value)
        return value, uuid.UUID(key)
    except (ValueError, TypeError, RecursionError, binascii.Error, json.JSONDecodeError):
        raise PaginationError("The cursor is not valid for this sort order.") from None


def _beyond(cursor: str, sort: SortField, descending: bool, place: Placeholders) -> str:
    """Rows that come after the cursor in (sort, id) order."""
    value, key = _decode_cursor(cursor, sort)
    op = "<" if descending else ">"
    column = sort.value
    return f"({column} {op} {place(value)} OR ({column} = {place(value)} AND id {op} {place(key)}))"


def _check_window(window: Window, max_size: int) -> None:
    if window.first is not None and window.last is not None:
        raise PaginationError("Pass either first or last, not both.")
    for name in ("first", "last"):
        size = getattr(window, name)
        if size is not None and not 1 <= size <= max_size:
            raise PaginationError(f"{name} must be between 1 and {max_size}.")


def _order(sort: SortField, descending: bool) -> str:
    direction = "DESC" if descending else "ASC"
    return f"ORDER BY {sort.value} {direction}, id {direction}"


async def fetch_page(
    matching: Matching,
    window: Window,
    sort: SortField,
    descending: bool,
    *,
    max_size: int = MAX_PAGE_SIZE,
) -> Page:
    _check_window(window, max_size)
    backwards = window.last is not None or (window.before is not None and window.first is None)
    requested = window.last if backwards else window.first
    size = min(DEFAULT_PAGE_SIZE, max_size) if requested is None else requested
    # Walking backwards is walking forwards in the opposite order, then flipping the page.
    direction = descending != backwards
    cursor_from = window.before if backwards else window.after
    cursor_to = window.after if backwards else window.before
    place = Placeholders()
    conditions = [matching.condition(place)]
    if cursor_from is not None:
        conditions.append(_beyond(cursor_from, sort, direction, place))
    if cursor_to is not None:
        conditions.append(_beyond(cursor_to, sort, not direction, place))
    rows = cast(
        list[CustomerValues],
        await _CUSTOMERS.fetch(
            f"WHERE {' AND '.join(conditions)} {_order(sort, direction)} LIMIT {place(size + 1)}",
            place.parameters,
        ),
    )
    has_more = len(rows) > size
    rows = rows[:size]
    has_before = False
    if cursor_from is not None:
        place = Placeholders()
        condition = matching.condition(place)  # placeholders in the order of the text
        before = _beyond(cursor_from, sort, direction, place)
        has_before = bool(
            await _IDS.fetch(f"WHERE {condition} AND NOT {before} LIMIT 1", place.parameters)
        )
    if backwards:
        rows.reverse()
    return Page(
        customers=rows,
        cursors=[encode_cursor(row, sort) for row in rows],
        has_next_page=has_before if backwards else has_more,
        has_previous_page=has_more if backwards else has_before,
    )
