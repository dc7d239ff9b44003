from tortoise import migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    """At most one default address per customer and type, enforced by the database.

    A partial unique index (PostgreSQL and SQLite both have them; Tortoise models cannot
    express one), so two concurrent "set as default" calls cannot both win.
    """

    dependencies = [("models", "0004_export_jobs")]

    initial = False

    operations = [
        ops.RunSQL(
            "CREATE UNIQUE INDEX uniq_addresses_one_default "
            "ON addresses (customer_id, type) WHERE is_default",
            reverse_sql="DROP INDEX uniq_addresses_one_default",
        ),
    ]
