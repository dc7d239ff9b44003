"""Token buckets of the API rate limit, shared by every server process through the database."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class RateLimitBucket(Model):
    bucket = fields.CharField(max_length=100, primary_key=True, description="e.g. key:<id>")
    tokens = fields.FloatField(description="Points left at updated_at")
    updated_at = fields.FloatField(description="Unix time of the last charge")

    class Meta:
        table = "rate_limit_buckets"
