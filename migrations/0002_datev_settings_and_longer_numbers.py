from tortoise import fields, migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("models", "0001_initial")]

    initial = False

    operations = [
        ops.AlterField(
            model_name="Customer",
            name="customer_number",
            field=fields.CharField(description="Kundennummer", max_length=255),
        ),
        ops.AddField(
            model_name="Organization",
            name="datev_account_length",
            field=fields.IntField(
                default=4,
                db_default=4,
                description="DATEV Sachkontenlänge (4-8): debtor numbers have one digit more",
            ),
        ),
        ops.AddField(
            model_name="Organization",
            name="datev_client_number",
            field=fields.CharField(null=True, description="DATEV Mandantennummer", max_length=5),
        ),
        ops.AddField(
            model_name="Organization",
            name="datev_consultant_number",
            field=fields.CharField(null=True, description="DATEV Beraternummer", max_length=7),
        ),
    ]
