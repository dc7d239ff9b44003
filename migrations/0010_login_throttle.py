from tortoise import fields, migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("models", "0009_import_jobs")]

    initial = False

    operations = [
        ops.CreateModel(
            name="LoginFailure",
            fields=[
                (
                    "key",
                    fields.CharField(
                        primary_key=True,
                        unique=True,
                        db_index=True,
                        description="account:<digest> or address:<digest>",
                        max_length=100,
                    ),
                ),
                ("failures", fields.IntField(description="Attempts not followed by a success")),
                (
                    "blocked_until",
                    fields.FloatField(description="Unix time before which no attempt is checked"),
                ),
                (
                    "last_attempt_at",
                    fields.FloatField(description="Unix time of the latest attempt"),
                ),
            ],
            options={"table": "login_failures", "app": "models", "pk_attr": "key"},
            bases=["Model"],
        ),
        ops.RemoveField(model_name="User", name="failed_logins"),
        ops.RemoveField(model_name="User", name="locked_until"),
    ]
