from tortoise import fields, migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("models", "0005_one_default_address")]

    initial = False

    operations = [
        ops.AddField(
            model_name="User",
            name="must_change_password",
            field=fields.BooleanField(
                default=False, description="Set for a one-time password", db_default=False
            ),
        ),
    ]
