from tortoise import migrations
from tortoise.migrations import operations as ops

# SQLite's table rebuild in 0002 (changing customer_number's length) recreated "customers"
# without its unique constraints and indexes. PostgreSQL changed the column in place and
# kept them. Restore them on SQLite; existing duplicates make this fail loudly, not pass.
_SQLITE = (
    'CREATE UNIQUE INDEX IF NOT EXISTS "uid_customers_org_number" '
    'ON "customers" ("organization_id", "customer_number")',
    'CREATE UNIQUE INDEX IF NOT EXISTS "uid_customers_org_external_id" '
    'ON "customers" ("organization_id", "external_id")',
    'CREATE UNIQUE INDEX IF NOT EXISTS "uid_customers_org_debtor_number" '
    'ON "customers" ("organization_id", "datev_debtor_number")',
    'CREATE INDEX IF NOT EXISTS "idx_customers_org_status_created" '
    'ON "customers" ("organization_id", "status", "created_at")',
    'CREATE INDEX IF NOT EXISTS "idx_customers_org_status_name" '
    'ON "customers" ("organization_id", "status", "display_name")',
)


async def restore_on_sqlite(apps, schema_editor) -> None:  # type: ignore[no-untyped-def]
    client = schema_editor.client
    if client.capabilities.dialect != "sqlite":
        return
    for statement in _SQLITE:
        await client.execute_script(statement)


class Migration(migrations.Migration):
    dependencies = [("models", "0006_one_time_passwords")]

    initial = False

    operations = [ops.RunPython(restore_on_sqlite, reverse_code=ops.RunPython.noop)]
