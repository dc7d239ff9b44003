from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS, JSON_LOADS
from tortoise.indexes import Index
from tortoise.migrations import operations as ops

from models.enums import EventType

# Only the new table and column: the enum descriptions that makemigrations also offers to
# alter would rebuild tables on SQLite for nothing (see 0012).


class Migration(migrations.Migration):
    dependencies = [("models", "0012_anonymization_and_personal_data_export")]

    initial = False

    operations = [
        ops.CreateModel(
            name="StagedEvent",
            fields=[
                (
                    "id",
                    fields.BigIntField(
                        generated=True,
                        primary_key=True,
                        unique=True,
                        db_index=True,
                        description="The order they join the log in",
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
                    "import_id",
                    fields.UUIDField(description="The staging mark of the import attempt"),
                ),
                (
                    "type",
                    fields.CharEnumField(
                        description="CUSTOMER_CREATED: CUSTOMER_CREATED\nCUSTOMER_UPDATED: CUSTOMER_UPDATED\nCUSTOMER_ARCHIVED: CUSTOMER_ARCHIVED\nCUSTOMER_RESTORED: CUSTOMER_RESTORED\nCUSTOMER_DELETED: CUSTOMER_DELETED\nCUSTOMER_ANONYMIZED: CUSTOMER_ANONYMIZED\nADDRESS_CREATED: ADDRESS_CREATED\nADDRESS_UPDATED: ADDRESS_UPDATED",
                        enum_type=EventType,
                        max_length=32,
                    ),
                ),
                ("customer_id", fields.UUIDField(db_index=True)),
                (
                    "data",
                    fields.JSONField(
                        description="As Event.data", encoder=JSON_DUMPS, decoder=JSON_LOADS
                    ),
                ),
            ],
            options={
                "table": "staged_events",
                "app": "models",
                "indexes": [Index(fields=["import_id", "id"])],
                "pk_attr": "id",
            },
            bases=["Model"],
        ),
        ops.AddField(
            model_name="ImportJob",
            name="published_at",
            field=fields.DatetimeField(
                null=True,
                description="Set when its customers became visible: their events may still be joining the event log, the job is RUNNING until they have",
                auto_now=False,
                auto_now_add=False,
            ),
        ),
    ]
