from uuid import uuid4

from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS, JSON_LOADS
from tortoise.indexes import Index
from tortoise.migrations import operations as ops

from models.enums import EventType, WebhookDeliveryStatus


class Migration(migrations.Migration):
    dependencies = [("models", "0010_login_throttle")]

    initial = False

    operations = [
        ops.CreateModel(
            name="Event",
            fields=[
                (
                    "id",
                    fields.BigIntField(
                        generated=True, primary_key=True, unique=True, db_index=True
                    ),
                ),
                (
                    "organization",
                    fields.ForeignKeyField(
                        "models.Organization",
                        source_field="organization_id",
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "txid",
                    fields.BigIntField(
                        default=0,
                        description="PostgreSQL: id of the writing transaction, first sort key of the feed. SQLite: 0 (writes are serial there, ids are in commit order)",
                    ),
                ),
                (
                    "type",
                    fields.CharEnumField(
                        description="CUSTOMER_CREATED: CUSTOMER_CREATED\nCUSTOMER_UPDATED: CUSTOMER_UPDATED\nCUSTOMER_ARCHIVED: CUSTOMER_ARCHIVED\nCUSTOMER_RESTORED: CUSTOMER_RESTORED\nCUSTOMER_DELETED: CUSTOMER_DELETED\nCUSTOMER_ANONYMIZED: CUSTOMER_ANONYMIZED\nADDRESS_CREATED: ADDRESS_CREATED\nADDRESS_UPDATED: ADDRESS_UPDATED",
                        enum_type=EventType,
                        max_length=32,
                    ),
                ),
                ("customer_id", fields.UUIDField(description="Kept after the customer is deleted")),
                (
                    "data",
                    fields.JSONField(
                        description="The data of the webhook body (GraphQL field names)",
                        encoder=JSON_DUMPS,
                        decoder=JSON_LOADS,
                    ),
                ),
                (
                    "occurred_at",
                    fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=True),
                ),
            ],
            options={
                "table": "events",
                "app": "models",
                "indexes": [
                    Index(fields=["organization_id", "txid", "id"]),
                    Index(fields=["customer_id", "id"]),
                ],
                "pk_attr": "id",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="WebhookEndpoint",
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
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("url", fields.CharField(max_length=2048)),
                ("description", fields.CharField(null=True, max_length=1000)),
                (
                    "event_types",
                    fields.JSONField(
                        default=list,
                        description="EventType names, empty: all",
                        encoder=JSON_DUMPS,
                        decoder=JSON_LOADS,
                    ),
                ),
                ("enabled", fields.BooleanField(default=True)),
                ("disabled_reason", fields.CharField(null=True, max_length=255)),
                (
                    "secret",
                    fields.CharField(
                        description="whsec_ and base64, signs deliveries", max_length=128
                    ),
                ),
                ("previous_secret", fields.CharField(null=True, max_length=128)),
                (
                    "previous_secret_until",
                    fields.DatetimeField(
                        null=True,
                        description="Deliveries are signed with the previous secret too until then",
                        auto_now=False,
                        auto_now_add=False,
                    ),
                ),
                (
                    "feed_txid",
                    fields.BigIntField(default=0, description="Events up to here have deliveries"),
                ),
                ("feed_event_id", fields.BigIntField(default=0)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("updated_at", fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={
                "table": "webhook_endpoints",
                "app": "models",
                "indexes": [Index(fields=["organization_id", "created_at"])],
                "pk_attr": "id",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="WebhookDelivery",
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
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "endpoint",
                    fields.ForeignKeyField(
                        "models.WebhookEndpoint",
                        source_field="endpoint_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="deliveries",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "event",
                    fields.ForeignKeyField(
                        "models.Event",
                        source_field="event_id",
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "status",
                    fields.CharEnumField(
                        default=WebhookDeliveryStatus.PENDING,
                        description="PENDING: PENDING\nSUCCEEDED: SUCCEEDED\nFAILED: FAILED",
                        enum_type=WebhookDeliveryStatus,
                        max_length=16,
                    ),
                ),
                ("attempts", fields.IntField(default=0)),
                (
                    "next_attempt_at",
                    fields.DatetimeField(
                        null=True,
                        description="Due time of the next attempt, or the end of the lease of a running one",
                        auto_now=False,
                        auto_now_add=False,
                    ),
                ),
                (
                    "last_attempt_at",
                    fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
                ),
                ("response_status", fields.IntField(null=True)),
                ("last_error", fields.CharField(null=True, max_length=500)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "webhook_deliveries",
                "app": "models",
                "unique_together": (("endpoint", "event"),),
                "indexes": [
                    Index(fields=["status", "next_attempt_at"]),
                    Index(fields=["endpoint_id", "created_at"]),
                ],
                "pk_attr": "id",
                "table_description": "One event to one endpoint, attempted on the retry schedule.",
            },
            bases=["Model"],
        ),
    ]
