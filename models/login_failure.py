"""Failed logins per account and per client address: they slow further attempts down."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class LoginFailure(Model):
    key = fields.CharField(
        max_length=100, primary_key=True, description="account:<digest> or address:<digest>"
    )
    failures = fields.IntField(description="Attempts not followed by a success")
    blocked_until = fields.FloatField(description="Unix time before which no attempt is checked")
    last_attempt_at = fields.FloatField(description="Unix time of the latest attempt")

    class Meta:
        table = "login_failures"
