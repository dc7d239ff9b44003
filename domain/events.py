"""The event log: recorded in the transaction of the write it describes, read as a feed.

A write that rolls back takes its event with it; a committed write always has one. The
feed pages in commit order (database/event_order.py) with an opaque cursor, so a
consumer that goes on from its last cursor sees every event exactly once.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import itertools
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace
from typing import Any

from tortoise import timezone
from tortoise.expressions import Q
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from database import rows_per_write
from database.bulk_insert import insert_many, insert_prepared, prepare_insert
from database.dialect import is_postgres
from database.event_order import finished_below, writing_transaction_id
from database.row_reader import Placeholders, fetch_rows
from domain.customers.address_roles import address_values_of
from domain.event_data import JSONObject, address_data, customers_data, removed_customer_data
from models import Address, Event, StagedEvent
from models.enums import EventType

_collecting: ContextVar[set[uuid.UUID] | None] = ContextVar("event_customers", default=None)
_BATCH = 1000


@contextmanager
def one_event_per_customer() -> Iterator[set[uuid.UUID]]:
    """Writes inside note the customers they changed instead of recording events; the
    caller then records one event per customer (an import publishing many writes)."""
    customers: set[uuid.UUID] = set()
    token = _collecting.set(customers)
    try:
        yield customers
    finally:
        _collecting.reset(token)


def _collected(customer_ids: Sequence[uuid.UUID]) -> bool:
    customers = _collecting.get()
    if customers is None:
        return False
    customers.update(customer_ids)
    return True


async def record_customer_events(
    organization_id: uuid.UUID, event_type: EventType, customer_ids: Sequence[uuid.UUID]
) -> None:
    """One event per customer with the customer as stored now; call inside the write's
    transaction, after its writes."""
    if not customer_ids or _collected(customer_ids):
        return
    await _release_for(organization_id, customer_ids)
    txid = await writing_transaction_id()
    for start in range(0, len(customer_ids), _BATCH):
        chunk = customer_ids[start : start + _BATCH]
        data = await customers_data(organization_id, chunk)
        await Event.bulk_create(
            [
                Event(
                    organization_id=organization_id,
                    txid=txid,
                    type=event_type,
                    customer_id=customer_id,
                    data=data[customer_id],
                )
                for customer_id in chunk
                if customer_id in data
            ]
        )


def encoded_event_data(data: JSONObject) -> str:
    """An event's data as the events table stores it (its JSON column's encoder)."""
    encoded: str = Event._meta.fields_map["data"].encoder(data)  # type: ignore[attr-defined]
    return encoded


async def record_encoded_customer_events(
    organization_id: uuid.UUID,
    event_type: EventType,
    events: Iterable[tuple[uuid.UUID, str]],
) -> None:
    """Events of customers whose data was read (and encoded) earlier: an import reads
    its new customers while staging them, so publishing them only writes. Call inside
    the write's transaction; the customers must not have changed since."""
    txid = await writing_transaction_id()
    pending = iter(events)
    # In batches: the decoded data of 100,000 events would not fit a worker's memory.
    while batch := list(itertools.islice(pending, _BATCH)):
        await insert_many(
            Event,
            (
                {
                    "organization_id": organization_id,
                    "txid": txid,
                    "type": event_type,
                    "customer_id": customer_id,
                    "data": data,
                }
                for customer_id, data in batch
            ),
        )


# --- the events of an import's new customers (models/staged_event.py) ----------------------


def _events_per_transaction() -> int:
    """Staged events written or moved per transaction (SQLite): a few ms of its write
    lock while the server writes too."""
    return rows_per_write(alone=500, contended=50)


async def stage_created_events(
    organization_id: uuid.UUID, import_id: uuid.UUID, customer_ids: Sequence[uuid.UUID]
) -> None:
    """SQLite: the `customer.created` events of customers an import staged (not those it
    archives), in short transactions of their own.

    Writing 100,000 events (about 100 MB) in the transaction that publishes the import
    held SQLite's one write lock for seconds, and every write of every organization
    waited. So they are stored while staging and join the log right after publishing,
    in short transactions (`release_staged_events`). Until then a write that records an
    event of such a customer moves its staged event first, so each customer's events
    stay in order; and a run that stops leaves them to the next.
    """
    data = await customers_data(organization_id, customer_ids)
    rows = prepare_insert(
        StagedEvent,
        (
            {
                "organization_id": organization_id,
                "import_id": import_id,
                "type": EventType.CUSTOMER_CREATED,
                "customer_id": customer_id,
                "data": encoded_event_data(data[customer_id]),
            }
            for customer_id in customer_ids
        ),
    )
    start = 0
    while start < len(rows.values):
        end = start + _events_per_transaction()
        async with in_transaction():
            await insert_prepared(replace(rows, values=rows.values[start:end]))
        start = end


async def release_staged_events(organization_id: uuid.UUID, import_id: uuid.UUID) -> None:
    """After the publishing transaction: its staged events still waiting join the log."""
    while True:
        async with in_transaction():
            limit = _events_per_transaction()
            if not await _move_staged(organization_id, import_id=import_id, limit=limit):
                return


async def _release_for(organization_id: uuid.UUID, customer_ids: Sequence[uuid.UUID]) -> None:
    """Staged events of these customers join the log before the event being recorded
    (SQLite only: PostgreSQL stages none)."""
    if not is_postgres() and customer_ids:
        await _move_staged(organization_id, customer_ids=customer_ids)


async def _move_staged(
    organization_id: uuid.UUID,
    *,
    import_id: uuid.UUID | None = None,
    customer_ids: Sequence[uuid.UUID] = (),
    limit: int | None = None,
) -> int:
    """Staged events (of an import, or of customers) into the log, in staging order,
    inside the caller's transaction. Answers how many were moved."""

    def where(p: Placeholders, upto: int | None = None) -> str:
        condition = f"organization_id = {p(organization_id)}"
        if import_id is not None:
            condition += f" AND import_id = {p(import_id)}"
        if customer_ids:
            condition += f" AND customer_id IN ({p.each(customer_ids)})"
        if upto is not None:
            condition += f" AND id <= {p(upto)}"
        return condition

    p = Placeholders()
    # Values only through placeholders: the text is made of names (noqa below likewise).
    bounds = f"SELECT id FROM staged_events WHERE {where(p)} ORDER BY id"  # noqa: S608
    if limit is not None:
        bounds += f" LIMIT {int(limit)}"
    ids = [row[0] for row in await fetch_rows(bounds, p.parameters)]
    if not ids:
        return 0
    occurred_at = Event._meta.fields_map["occurred_at"].to_db_value(timezone.now(), Event)
    txid = await writing_transaction_id()
    p = Placeholders()
    insert = (
        "INSERT INTO events (organization_id, txid, type, customer_id, data, occurred_at)"  # noqa: S608
        f" SELECT organization_id, {p(txid)}, type, customer_id, data, {p(occurred_at)}"
        f" FROM staged_events WHERE {where(p, ids[-1])} ORDER BY id"
    )
    await fetch_rows(insert, p.parameters)
    p = Placeholders()
    delete = f"DELETE FROM staged_events WHERE {where(p, ids[-1])}"  # noqa: S608
    await fetch_rows(delete, p.parameters)
    return len(ids)


async def record_address_event(
    organization_id: uuid.UUID, event_type: EventType, address_id: uuid.UUID
) -> None:
    """The address and its customer after the write; inside the write's transaction."""
    address = await Address.get(id=address_id, organization_id=organization_id)
    if _collected([address.customer_id]):
        return
    await _release_for(organization_id, [address.customer_id])
    txid = await writing_transaction_id()
    data = (await customers_data(organization_id, [address.customer_id]))[address.customer_id]
    await Event.create(
        organization_id=organization_id,
        txid=txid,
        type=event_type,
        customer_id=address.customer_id,
        data={**data, "address": address_data(address_values_of(address))},
    )


async def record_customer_removed(
    organization_id: uuid.UUID,
    event_type: EventType,
    *,
    customer_id: uuid.UUID,
    customer_number: str,
    datev_debtor_number: str | None,
) -> None:
    """A delete (or an anonymization): the event carries ids and numbers only, and the
    customer's earlier events lose their personal data too."""
    await _release_for(organization_id, [customer_id])
    data = removed_customer_data(customer_id, customer_number, datev_debtor_number)
    await redact_customer_events(organization_id, customer_id, data)
    await Event.create(
        organization_id=organization_id,
        txid=await writing_transaction_id(),
        type=event_type,
        customer_id=customer_id,
        data=data,
    )


async def redact_customer_events(
    organization_id: uuid.UUID, customer_id: uuid.UUID, data: JSONObject
) -> int:
    """Replace the stored data of every event of this customer (personal data erased).

    Webhook deliveries reference events and keep no copy: a delivery sent after this
    sends `data`, and the delivery log shows nothing else.
    """
    updated: int = await Event.filter(
        organization_id=organization_id, customer_id=customer_id
    ).update(data=data)
    return updated


# --- the feed ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, order=True)
class FeedPosition:
    """Where a consumer is in the feed: the last event it saw, in commit order."""

    txid: int
    event_id: int

    def cursor(self) -> str:
        return base64.urlsafe_b64encode(f"ev:{self.txid}:{self.event_id}".encode()).decode()

    @classmethod
    def of(cls, event: Event) -> FeedPosition:
        return cls(event.txid, event.id)

    @classmethod
    def from_cursor(cls, cursor: str) -> FeedPosition | None:
        try:
            kind, txid, event_id = base64.urlsafe_b64decode(cursor.encode()).decode().split(":")
            return cls(int(txid), int(event_id)) if kind == "ev" else None
        except (ValueError, UnicodeError, binascii.Error):
            return None


START = FeedPosition(0, 0)


def after(query: QuerySet[Event], position: FeedPosition) -> QuerySet[Event]:
    return query.filter(Q(txid__gt=position.txid) | Q(txid=position.txid, id__gt=position.event_id))


async def settled(query: QuerySet[Event]) -> QuerySet[Event]:
    """Only events no later commit can sort before, in feed order."""
    horizon = await finished_below()
    if horizon is not None:
        query = query.filter(txid__lt=horizon)
    return query.order_by("txid", "id")


async def feed_page(
    organization_id: uuid.UUID,
    *,
    position: FeedPosition,
    limit: int,
    types: Sequence[EventType] = (),
    customer_id: uuid.UUID | None = None,
) -> tuple[list[Event], bool]:
    """Up to `limit` events after `position`, and whether more are there now."""
    query = after(Event.filter(organization_id=organization_id), position)
    if types:
        query = query.filter(type__in=list(types))
    if customer_id is not None:
        query = query.filter(customer_id=customer_id)
    rows = await (await settled(query)).limit(limit + 1)
    return rows[:limit], len(rows) > limit


async def feed_end(organization_id: uuid.UUID) -> FeedPosition:
    """The position after the last settled event: a new subscriber starts here."""
    last = (
        await (await settled(Event.filter(organization_id=organization_id)))
        .order_by("-txid", "-id")
        .first()
    )
    return START if last is None else FeedPosition.of(last)


async def events_by_id(organization_id: uuid.UUID, event_ids: Sequence[int]) -> dict[int, Event]:
    rows = await Event.filter(organization_id=organization_id, id__in=list(event_ids))
    return {row.id: row for row in rows}


async def delete_expired(retention_days: int, *, batch: int = 5000) -> int:
    """Events older than the retention (and their deliveries), a batch at a time."""
    cutoff = dt.datetime.now(dt.UTC) - dt.timedelta(days=retention_days)
    ids: list[Any] = (
        await Event.filter(occurred_at__lt=cutoff).limit(batch).values_list("id", flat=True)
    )
    if not ids:
        return 0
    deleted: int = await Event.filter(id__in=ids).delete()
    return deleted
