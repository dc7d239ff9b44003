from uuid import uuid4

from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.indexes import Index
from tortoise.migrations import operations as ops

from models.enums import ExportFormat, JobStatus


class Migration(migrations.Migration):
    dependencies = [("models", "0003_billing_users_audit")]

    initial = False

    operations = [
        ops.CreateModel(
            name="ExportJob",
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
                    "format",
                    fields.CharEnumField(
                        description="XLSX: XLSX\nDATEV: DATEV",
                        enum_type=ExportFormat,
                        max_length=16,
                    ),
                ),
                ("include_archived", fields.BooleanField(default=True)),
                (
                    "status",
                    fields.CharEnumField(
                        default=JobStatus.PENDING,
                        description="PENDING: PENDING\nRUNNING: RUNNING\nCOMPLETED: COMPLETED\nFAILED: FAILED",
                        enum_type=JobStatus,
                        max_length=16,
                    ),
                ),
                ("row_count", fields.IntField(null=True)),
                ("error_message", fields.CharField(null=True, max_length=1000)),
                (
                    "file_name",
                    fields.CharField(
                        null=True, description="Relative to export dir", max_length=255
                    ),
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
                (
                    "file_expires_at",
                    fields.DatetimeField(
                        null=True,
                        description="The file is deleted after",
                        auto_now=False,
                        auto_now_add=False,
                    ),
                ),
            ],
            options={
                "table": "export_jobs",
                "app": "models",
                "indexes": [Index(fields=["status", "heartbeat_at"])],
                "pk_attr": "id",
            },
            bases=["Model"],
        ),
    ]
