"""The event feed query."""

from __future__ import annotations

import strawberry

from domain.customers.listing import DEFAULT_PAGE_SIZE
from domain.events import START, FeedPosition, feed_page
from models.enums import EventType as StoredEventType
from schema.context import Info
from schema.enums import EventType
from schema.errors import ClientError
from schema.node import decode_id
from schema.types.customer import PageInfo
from schema.types.event import Event, EventConnection, EventEdge


async def events(
    info: Info,
    first: int | None = None,
    after: str | None = None,
    types: list[EventType] | None = None,
    customer_id: strawberry.ID | None = None,
) -> EventConnection:
    """Oldest first; go on with `after` = the last endCursor to see each event once."""
    max_size = info.context.max_page_size
    size = min(DEFAULT_PAGE_SIZE, max_size) if first is None else first
    if not 1 <= size <= max_size:
        raise ClientError(f"first must be between 1 and {max_size}.")
    position = START
    if after is not None:
        decoded = FeedPosition.from_cursor(after)
        if decoded is None:
            raise ClientError("after is not a cursor of the event feed.")
        position = decoded
    customer_pk = None
    if customer_id is not None:
        customer_pk = decode_id(customer_id, "Customer")
        if customer_pk is None:
            raise ClientError("customerId is not a customer id.")
    rows, more = await feed_page(
        info.context.principal.organization_id,
        position=position,
        limit=size,
        types=[StoredEventType(t.value) for t in types or ()],
        customer_id=customer_pk,
    )
    cursors = [FeedPosition.of(row).cursor() for row in rows]
    return EventConnection(
        edges=[
            EventEdge(cursor=cursor, node=Event.from_model(row))
            for cursor, row in zip(cursors, rows, strict=True)
        ],
        page_info=PageInfo(
            has_next_page=more,
            has_previous_page=after is not None,
            start_cursor=cursors[0] if cursors else None,
            # Nothing new yet: the consumer asks again from where it is.
            end_cursor=cursors[-1] if cursors else after,
        ),
    )
