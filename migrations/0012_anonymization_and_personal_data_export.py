from tortoise import fields, migrations
from tortoise.migrations import operations as ops

# The new enum values (CustomerStatus.ANONYMIZED, CustomerEventAction.ANONYMIZED,
# ExportFormat.PERSONAL_DATA) fit the existing columns, which store enums as text; only
# their generated descriptions changed. No AlterField for them: on SQLite it rebuilds the
# table, and such a rebuild once dropped the customers' indexes (see 0007).


class Migration(migrations.Migration):
    dependencies = [("models", "0011_events_and_webhooks")]

    initial = False

    operations = [
        ops.AddField(
            model_name="Customer",
            name="erased_external_id",
            field=fields.CharField(
                null=True,
                description="HMAC-SHA256 of the external id an anonymization erased: an import row bringing it back is recognised without the id being kept",
                max_length=64,
            ),
        ),
        ops.AddField(
            model_name="ExportJob",
            name="customer_id",
            field=fields.UUIDField(
                null=True, description="The one customer of a PERSONAL_DATA export"
            ),
        ),
        ops.AddField(
            model_name="ExportJob",
            name="erased_meanwhile",
            field=fields.BooleanField(
                default=False,
                description="Set when a customer is anonymized while the job runs: its file may hold the erased data and is not published",
            ),
        ),
        ops.AddField(
            model_name="IdempotencyRecord",
            name="customer_ids",
            field=fields.TextField(
                null=True,
                description="Ids of the customers the request read or wrote, space-separated: an anonymization finds the responses that hold their data",
                unique=False,
            ),
        ),
    ]
