"""Responses of mutations sent with an Idempotency-Key, kept to answer retries."""

from __future__ import annotations

import uuid

from tortoise import fields
from tortoise.models import Model

from models.organization import Organization


class IdempotencyRecord(Model):
    id = fields.UUIDField(primary_key=True)
    organization: fields.ForeignKeyRelation[Organization] = fields.ForeignKeyField(
        "models.Organization", related_name=False, on_delete=fields.CASCADE
    )
    organization_id: uuid.UUID
    key = fields.CharField(max_length=255)
    fingerprint = fields.CharField(max_length=64, description="SHA-256 of caller and request")
    status_code = fields.IntField()
    response = fields.TextField(description="The JSON body sent the first time")
    customer_ids = fields.TextField(
        null=True,
        description="Ids of the customers the request read or wrote, space-separated: "
        "an anonymization finds the responses that hold their data",
    )
    created_at = fields.DatetimeField()
    expires_at = fields.DatetimeField()

    class Meta:
        table = "idempotency_records"
        unique_together = (("organization", "key"),)
        indexes = (("expires_at",),)
