"""The event feed: what happened to the organization's customers, in commit order."""

from __future__ import annotations

import datetime as dt
from typing import Self

import strawberry
from strawberry.scalars import JSON

from domain.global_ids import event_key
from models import Event as EventRow
from schema.enums import EventType
from schema.node import Node, encode_id
from schema.types.customer import PageInfo


@strawberry.type
class Event(Node):
    id: strawberry.ID
    type: EventType
    occurred_at: dt.datetime
    customer_id: strawberry.ID = strawberry.field(
        description="The customer's global id (kept after a delete)."
    )
    data: JSON = strawberry.field(
        description=(
            "The body's `data` as webhooks send it: for customer events {customer: {...}} "
            "with the Customer fields' GraphQL names and its `version`; for deletes and "
            "anonymization only ids and numbers."
        )
    )

    @classmethod
    def from_model(cls, row: EventRow) -> Self:
        return cls(
            id=encode_id("Event", event_key(row.id)),
            type=EventType(row.type.value),
            occurred_at=row.occurred_at,
            customer_id=encode_id("Customer", row.customer_id),
            data=row.data,
        )


@strawberry.type
class EventEdge:
    cursor: str
    node: Event


@strawberry.type
class EventConnection:
    edges: list[EventEdge]
    page_info: PageInfo
