"""Webhook endpoints of an organization and the deliveries of events to them."""

from __future__ import annotations

import uuid
from typing import Any

from tortoise import fields
from tortoise.models import Model

from models.enums import WebhookDeliveryStatus
from models.event import Event
from models.organization import Organization


class WebhookEndpoint(Model):
    id = fields.UUIDField(primary_key=True)
    organization: fields.ForeignKeyRelation[Organization] = fields.ForeignKeyField(
        "models.Organization", related_name=False, on_delete=fields.RESTRICT
    )
    organization_id: uuid.UUID
    url = fields.CharField(max_length=2048)
    description = fields.CharField(max_length=1000, null=True)
    event_types: Any = fields.JSONField(default=list, description="EventType names, empty: all")
    enabled = fields.BooleanField(default=True)
    disabled_reason = fields.CharField(max_length=255, null=True)
    secret = fields.CharField(max_length=128, description="whsec_ and base64, signs deliveries")
    previous_secret = fields.CharField(max_length=128, null=True)
    previous_secret_until = fields.DatetimeField(
        null=True, description="Deliveries are signed with the previous secret too until then"
    )
    feed_txid = fields.BigIntField(default=0, description="Events up to here have deliveries")
    feed_event_id = fields.BigIntField(default=0)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    deliveries: fields.ReverseRelation[WebhookDelivery]

    class Meta:
        table = "webhook_endpoints"
        indexes = (("organization_id", "created_at"),)


class WebhookDelivery(Model):
    """One event to one endpoint, attempted on the retry schedule."""

    id = fields.UUIDField(primary_key=True)
    organization: fields.ForeignKeyRelation[Organization] = fields.ForeignKeyField(
        "models.Organization", related_name=False, on_delete=fields.RESTRICT
    )
    organization_id: uuid.UUID
    endpoint: fields.ForeignKeyRelation[WebhookEndpoint] = fields.ForeignKeyField(
        "models.WebhookEndpoint", related_name="deliveries", on_delete=fields.CASCADE
    )
    endpoint_id: uuid.UUID
    event: fields.ForeignKeyRelation[Event] = fields.ForeignKeyField(
        "models.Event", related_name=False, on_delete=fields.CASCADE
    )
    event_id: int
    status = fields.CharEnumField(
        WebhookDeliveryStatus, max_length=16, default=WebhookDeliveryStatus.PENDING
    )
    attempts = fields.IntField(default=0)
    next_attempt_at = fields.DatetimeField(
        null=True,
        description="Due time of the next attempt, or the end of the lease of a running one",
    )
    last_attempt_at = fields.DatetimeField(null=True)
    response_status = fields.IntField(null=True)
    last_error = fields.CharField(max_length=500, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "webhook_deliveries"
        unique_together = (("endpoint", "event"),)
        indexes = (("status", "next_attempt_at"), ("endpoint_id", "created_at"))
