"""People of an organization who use the web app, and their login sessions."""

from __future__ import annotations

import uuid

from tortoise import fields
from tortoise.models import Model

from models.enums import UserRole
from models.organization import Organization


class User(Model):
    id = fields.UUIDField(primary_key=True)
    organization: fields.ForeignKeyRelation[Organization] = fields.ForeignKeyField(
        "models.Organization", related_name=False, on_delete=fields.RESTRICT
    )
    organization_id: uuid.UUID
    email = fields.CharField(max_length=255, unique=True, description="Login name, normalised")
    password_hash = fields.CharField(max_length=255, description="scrypt, with its parameters")
    role = fields.CharEnumField(UserRole, max_length=16)
    must_change_password = fields.BooleanField(
        default=False, db_default=False, description="Set for a one-time password"
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "users"


class UserSession(Model):
    """A login: the bearer token is stored as its SHA-256 digest only."""

    id = fields.UUIDField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="sessions", on_delete=fields.CASCADE
    )
    user_id: uuid.UUID
    token_hash = fields.CharField(max_length=64, unique=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    expires_at = fields.DatetimeField()
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "user_sessions"
