"""Migrations upgrade a database that already holds data, one release after another."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest
from tortoise import Tortoise, connections
from tortoise.exceptions import IntegrityError
from tortoise.migrations.api import migrate

from database import apply_migrations, migrate_to, tortoise_config
from models import Address, Customer, Organization

MIGRATIONS = sorted(
    path.stem for path in (Path(__file__).resolve().parent.parent / "migrations").glob("0*.py")
)


async def test_each_migration_applies_to_a_database_with_data(empty_database: str) -> None:
    # given: the first release's schema with an organization and a customer in it
    config = tortoise_config(empty_database)
    await migrate(
        config=tortoise_config(empty_database, migrating=True), target=f"models.{MIGRATIONS[0]}"
    )
    organization_id, customer_id = uuid.uuid4(), uuid.uuid4()
    sqlite = empty_database.startswith("sqlite")
    one, two = ("?", "?") if sqlite else ("$1", "$2")
    connection = connections.get("default")
    await connection.execute_query(
        "INSERT INTO organizations (id, name, datev_enabled, customers_read_only, created_at) "
        f"VALUES ({one}, 'Alt GmbH', true, false, CURRENT_TIMESTAMP)",
        [str(organization_id) if sqlite else organization_id],
    )
    await connection.execute_query(
        "INSERT INTO customers (id, organization_id, customer_number, type, status, "
        "display_name, company_name, language, currency_code, version, created_at, updated_at) "
        f"VALUES ({one}, {two}, 'K00001', 'COMPANY', 'ACTIVE', 'Alt GmbH', 'Alt GmbH', 'DE', "
        "'EUR', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
        [str(customer_id), str(organization_id)] if sqlite else [customer_id, organization_id],
    )
    # two default addresses of one type: what a race of the first release could leave
    three = "?" if sqlite else "$3"
    for address_id in (uuid.uuid4(), uuid.uuid4()):
        await connection.execute_query(
            "INSERT INTO addresses (id, organization_id, customer_id, type, is_default, "
            f"city, created_at, updated_at) VALUES ({one}, {two}, {three}, 'DEFAULT', true, "
            "'Berlin', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
            [str(address_id), str(organization_id), str(customer_id)]
            if sqlite
            else [address_id, organization_id, customer_id],
        )
    await Tortoise.close_connections()
    # when: every later migration, one at a time
    for name in MIGRATIONS[1:]:
        await migrate_to(empty_database, target=f"models.{name}")
    await apply_migrations(empty_database)
    # then: the data is there and new columns have their defaults
    await Tortoise.init(config=config)
    try:
        organization = await Organization.get(id=organization_id)
        assert organization.name == "Alt GmbH"
        assert organization.datev_account_length == 4
        assert organization.datev_consultant_number is None
        addresses = await Address.filter(customer_id=customer_id)
        assert len(addresses) == 2
        assert [a.is_default for a in sorted(addresses, key=lambda a: str(a.id))] == [True, False]
        customer = await Customer.get(id=customer_id)
        assert (customer.customer_number, customer.display_name) == ("K00001", "Alt GmbH")
        assert customer.organization_id == organization_id
    finally:
        await Tortoise.close_connections()


async def test_migrated_schema_refuses_duplicate_numbers(empty_database: str) -> None:
    # given: a database built by the migrations alone, with one customer
    await apply_migrations(empty_database)
    await Tortoise.init(config=tortoise_config(empty_database))
    try:
        organization = await Organization.create(name="Eins GmbH")
        unique: dict[str, Any] = {
            "customer_number": "K1",
            "external_id": "E1",
            "datev_debtor_number": "10000",
        }
        common: dict[str, Any] = {
            "organization_id": organization.id,
            "type": "COMPANY",
            "display_name": "A",
            "language": "DE",
            "currency_code": "EUR",
        }
        await Customer.create(**common, **unique)
        # when / then: each unique value a second time is refused by the database itself
        for column, value in unique.items():
            others: dict[str, Any] = {k: f"{v}-x" for k, v in unique.items() if k != column}
            with pytest.raises(IntegrityError):
                await Customer.create(**common, **others, **{column: value})
        assert await Customer.filter(organization_id=organization.id).count() == 1
    finally:
        await Tortoise.close_connections()
