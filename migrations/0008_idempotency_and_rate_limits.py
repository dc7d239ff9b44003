from uuid import uuid4

from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.indexes import Index
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("models", "0007_restore_sqlite_customer_indexes")]

    initial = False

    operations = [
        ops.CreateModel(
            name="IdempotencyRecord",
            fields=[
                (
                    "id",
                    fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True),
                ),
                (
                    "organization",
                    fields.ForeignKeyField(
                        "models.Organization",
                        source_field="organization_id",
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("key", fields.CharField(max_length=255)),
                (
                    "fingerprint",
                    fields.CharField(description="SHA-256 of caller and request", max_length=64),
                ),
                ("status_code", fields.IntField()),
                (
                    "response",
                    fields.TextField(description="The JSON body sent the first time", unique=False),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("expires_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "idempotency_records",
                "app": "models",
                "unique_together": (("organization", "key"),),
                "indexes": [Index(fields=["expires_at"])],
                "pk_attr": "id",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="RateLimitBucket",
            fields=[
                (
                    "bucket",
                    fields.CharField(
                        primary_key=True,
                        unique=True,
                        db_index=True,
                        description="e.g. key:<id>",
                        max_length=100,
                    ),
                ),
                ("tokens", fields.FloatField(description="Points left at updated_at")),
                ("updated_at", fields.FloatField(description="Unix time of the last charge")),
            ],
            options={"table": "rate_limit_buckets", "app": "models", "pk_attr": "bucket"},
            bases=["Model"],
        ),
    ]
