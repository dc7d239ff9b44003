"""Webhook endpoints and their delivery log."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Self

import strawberry

from domain.customers.listing import DEFAULT_PAGE_SIZE
from domain.events import events_by_id
from domain.webhook_deliveries import LogPosition, delivery_log
from models import WebhookDelivery as DeliveryRow
from models import WebhookEndpoint as EndpointRow
from models.enums import EventType as StoredEventType
from models.enums import WebhookDeliveryStatus as StoredStatus
from schema.context import Info
from schema.enums import EventType, WebhookDeliveryStatus
from schema.errors import ClientError
from schema.node import Node, encode_id
from schema.types.customer import PageInfo
from schema.types.event import Event


@strawberry.type
class WebhookDelivery(Node):
    id: strawberry.ID
    status: WebhookDeliveryStatus
    attempts: int
    last_attempt_at: dt.datetime | None
    next_attempt_at: dt.datetime | None
    response_status: int | None = strawberry.field(
        description="HTTP status of the last attempt; null when it got no response."
    )
    last_error: str | None = strawberry.field(
        description="Why the last attempt failed (timeout, refused, HTTP 500 ...)."
    )
    organization_pk: strawberry.Private[uuid.UUID]
    event_pk: strawberry.Private[int]

    @strawberry.field
    async def event(self, info: Info) -> Event:
        # A page of deliveries loads its events in one query (see the connection).
        found = info.context.loaded_events.get(self.event_pk)
        if found is None:
            found = (await events_by_id(self.organization_pk, [self.event_pk]))[self.event_pk]
        return Event.from_model(found)

    @classmethod
    def from_model(cls, row: DeliveryRow) -> Self:
        pending = row.status is StoredStatus.PENDING
        return cls(
            id=encode_id("WebhookDelivery", row.id),
            status=WebhookDeliveryStatus(row.status.value),
            attempts=row.attempts,
            last_attempt_at=row.last_attempt_at,
            next_attempt_at=row.next_attempt_at if pending else None,
            response_status=row.response_status,
            last_error=row.last_error,
            organization_pk=row.organization_id,
            event_pk=row.event_id,
        )


@strawberry.type
class WebhookDeliveryEdge:
    cursor: str
    node: WebhookDelivery


@strawberry.type
class WebhookDeliveryConnection:
    edges: list[WebhookDeliveryEdge]
    page_info: PageInfo


@strawberry.type
class WebhookEndpoint(Node):
    id: strawberry.ID
    url: str
    description: str | None
    event_types: list[EventType] = strawberry.field(description="Empty: every event type.")
    enabled: bool
    created_at: dt.datetime
    pk: strawberry.Private[uuid.UUID]

    @strawberry.field(description="Newest first.")
    async def deliveries(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        status: WebhookDeliveryStatus | None = None,
    ) -> WebhookDeliveryConnection:
        size = min(DEFAULT_PAGE_SIZE, info.context.max_page_size) if first is None else first
        if not 1 <= size <= info.context.max_page_size:
            raise ClientError(f"first must be between 1 and {info.context.max_page_size}.")
        position = None
        if after is not None:
            position = LogPosition.from_cursor(after)
            if position is None:
                raise ClientError("after is not a cursor of this list.")
        rows, more = await delivery_log(
            self.pk,
            limit=size,
            position=position,
            status=StoredStatus(status.value) if status else None,
        )
        if rows:
            info.context.loaded_events |= await events_by_id(
                rows[0].organization_id, [row.event_id for row in rows]
            )
        cursors = [LogPosition(row.created_at, row.id).cursor() for row in rows]
        return WebhookDeliveryConnection(
            edges=[
                WebhookDeliveryEdge(cursor=cursor, node=WebhookDelivery.from_model(row))
                for cursor, row in zip(cursors, rows, strict=True)
            ],
            page_info=PageInfo(
                has_next_page=more,
                has_previous_page=after is not None,
                start_cursor=cursors[0] if cursors else None,
                end_cursor=cursors[-1] if cursors else None,
            ),
        )

    @classmethod
    def from_model(cls, row: EndpointRow) -> Self:
        return cls(
            id=encode_id("WebhookEndpoint", row.id),
            url=row.url,
            description=row.description,
            event_types=[EventType(StoredEventType(name).value) for name in row.event_types],
            enabled=row.enabled,
            created_at=row.created_at,
            pk=row.id,
        )
