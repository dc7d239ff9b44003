"""The event log (an outbox): one row per customer or address write, in that write's transaction.

The feed and the webhooks read it; deliveries reference its rows, so a payload is stored
once and erasing personal data from it erases it from every delivery too.
"""

from __future__ import annotations

import uuid
from typing import Any

from tortoise import fields
from tortoise.models import Model

from models.enums import EventType
from models.organization import Organization


class Event(Model):
    id = fields.BigIntField(primary_key=True)
    organization: fields.ForeignKeyRelation[Organization] = fields.ForeignKeyField(
        "models.Organization", related_name=False, on_delete=fields.RESTRICT
    )
    organization_id: uuid.UUID
    txid = fields.BigIntField(
        default=0,
        description="PostgreSQL: id of the writing transaction, first sort key of the feed. "
        "SQLite: 0 (writes are serial there, ids are in commit order)",
    )
    type = fields.CharEnumField(EventType, max_length=32)
    customer_id = fields.UUIDField(description="Kept after the customer is deleted")
    data: Any = fields.JSONField(description="The data of the webhook body (GraphQL field names)")
    occurred_at = fields.DatetimeField(auto_now_add=True, db_index=True)

    class Meta:
        table = "events"
        indexes = (("organization_id", "txid", "id"), ("customer_id", "id"))
