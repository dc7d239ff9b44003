from __future__ import annotations

import uuid

from tortoise import fields
from tortoise.models import Model

from models.enums import ApiKeyScope
from models.organization import Organization


class ApiKey(Model):
    """A bearer key of one organization. Only its SHA-256 digest is stored."""

    id = fields.UUIDField(primary_key=True)
    organization: fields.ForeignKeyRelation[Organization] = fields.ForeignKeyField(
        "models.Organization", related_name="api_keys", on_delete=fields.RESTRICT
    )
    organization_id: uuid.UUID
    prefix = fields.CharField(max_length=16, description="First characters, to recognise a key")
    key_hash = fields.CharField(max_length=64, unique=True, description="SHA-256 hex of the key")
    scope = fields.CharEnumField(ApiKeyScope, max_length=8)
    created_at = fields.DatetimeField(auto_now_add=True)
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "api_keys"
