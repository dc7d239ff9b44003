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
        # Data written before the index may hold two defaults of a type: the older
        # release's race. Keep one (the lowest id) so the index can be created.
        ops.RunSQL(
            "UPDATE addresses SET is_default = false WHERE is_default AND EXISTS ("
            "SELECT 1 FROM addresses other WHERE other.customer_id = addresses.customer_id "
            "AND other.type = addresses.type AND other.is_default AND other.id < addresses.id)",
            reverse_sql="SELECT 1",
        ),
        ops.RunSQL(
            "CREATE UNIQUE INDEX uniq_addresses_one_default "
            "ON addresses (customer_id, type) WHERE is_default",
            reverse_sql="DROP INDEX uniq_addresses_one_default",
        ),
    ]
