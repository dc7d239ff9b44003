"""The audit trail of customer writes: who, when, what (old and new values)."""

from __future__ import annotations

import uuid
from typing import Any

from tortoise import fields
from tortoise.models import Model

from models.enums import ActorType, CustomerEventAction
from models.organization import Organization


class CustomerEvent(Model):
    """Kept after the customer is deleted, so the customer is referenced by id only."""

    id = fields.UUIDField(primary_key=True)
    organization: fields.ForeignKeyRelation[Organization] = fields.ForeignKeyField(
        "models.Organization", related_name=False, on_delete=fields.RESTRICT
    )
    organization_id: uuid.UUID
    customer_id = fields.UUIDField(db_index=True)
    address_id = fields.UUIDField(null=True, description="For address events")
    action = fields.CharEnumField(CustomerEventAction, max_length=32)
    actor_type = fields.CharEnumField(ActorType, max_length=16)
    actor_id = fields.UUIDField(description="The API key or user that wrote")
    changes: fields.Field[Any] = fields.JSONField(
        null=True, description="List of field, old and new value"
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "customer_events"
        indexes = (("customer_id", "created_at"),)
