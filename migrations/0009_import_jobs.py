from uuid import uuid4

from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS, JSON_LOADS
from tortoise.indexes import Index
from tortoise.migrations import operations as ops

from models.enums import ActorType, ImportMode, JobStatus


class Migration(migrations.Migration):
    dependencies = [("models", "0008_idempotency_and_rate_limits")]

    initial = False

    operations = [
        ops.CreateModel(
            name="ImportJob",
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
                    "status",
                    fields.CharEnumField(
                        default=JobStatus.PENDING,
                        description="PENDING: PENDING\nRUNNING: RUNNING\nCOMPLETED: COMPLETED\nFAILED: FAILED",
                        enum_type=JobStatus,
                        max_length=16,
                    ),
                ),
                ("dry_run", fields.BooleanField(default=False)),
                (
                    "mode",
                    fields.CharEnumField(
                        default=ImportMode.UPSERT,
                        description="UPSERT: UPSERT\nCREATE_ONLY: CREATE_ONLY",
                        enum_type=ImportMode,
                        max_length=16,
                    ),
                ),
                (
                    "max_rows",
                    fields.IntField(description="The row limit in force when the file came in"),
                ),
                (
                    "actor_type",
                    fields.CharEnumField(
                        description="Who imports", enum_type=ActorType, max_length=16
                    ),
                ),
                ("actor_id", fields.UUIDField()),
                (
                    "file_name",
                    fields.CharField(
                        null=True,
                        description="The upload, relative to the job file dir",
                        max_length=255,
                    ),
                ),
                ("rows_total", fields.IntField(null=True)),
                ("rows_processed", fields.IntField(default=0)),
                (
                    "result",
                    fields.JSONField(
                        null=True,
                        description="ImportResult once COMPLETED",
                        encoder=JSON_DUMPS,
                        decoder=JSON_LOADS,
                    ),
                ),
                ("error_code", fields.CharField(null=True, max_length=32)),
                ("error_message", fields.CharField(null=True, max_length=1000)),
                (
                    "attempts",
                    fields.IntField(default=0, description="Runs started (a dead run is retried)"),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                (
                    "heartbeat_at",
                    fields.DatetimeField(
                        null=True,
                        description="Last sign of life of the worker",
                        auto_now=False,
                        auto_now_add=False,
                    ),
                ),
                (
                    "owner_host",
                    fields.CharField(null=True, description="Server that runs it", max_length=255),
                ),
                ("owner_pid", fields.IntField(null=True, description="Process id of that server")),
                (
                    "finished_at",
                    fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
                ),
            ],
            options={
                "table": "import_jobs",
                "app": "models",
                "indexes": [Index(fields=["status", "created_at"])],
                "pk_attr": "id",
            },
            bases=["Model"],
        ),
        ops.AddField(
            model_name="Customer",
            name="staged_import_id",
            field=fields.UUIDField(
                null=True,
                description="Set while an import has written the row but not yet published it: such a row is invisible to every read",
            ),
        ),
    ]
