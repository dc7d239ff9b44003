"""New customers of an import as plain column values, written without model instances.

An import stages up to 100,000 customers, each with its addresses and its audit entry.
Building a Tortoise model per row cost more than storing it (the profile of a 10,000-row
import), so the rows here are dictionaries of column values written by one prepared
statement per table (database/bulk_insert.py). The values are those `customer_rows`
gives a single create.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any

from tortoise import timezone

from database import rows_per_write
from database.bulk_insert import PreparedInsert, insert_prepared, prepare_insert
from domain.audit import changes_between
from domain.customers.editing import PreparedCustomer, created_values
from domain.principal import Actor
from models import Address, Customer, CustomerEvent, Organization
from models.enums import AddressType, CustomerEventAction

Row = dict[str, Any]


@dataclass(slots=True)
class StagedRows:
    """One chunk of numbered customers, their addresses and audit entries."""

    customer_ids: list[uuid.UUID] = field(default_factory=list)
    inserts: list[PreparedInsert] = field(default_factory=list)


def staged_rows(
    *,
    organization: Organization,
    prepared: list[PreparedCustomer],
    actor: Actor,
    staged_import_id: uuid.UUID,
) -> StagedRows:
    """The rows stay invisible to every read until the import publishes them."""
    rows = StagedRows()
    customers: list[Row] = []
    addresses: list[Row] = []
    events: list[Row] = []
    # Addresses are listed oldest first: the invoice address comes after the default
    # one, as it does when a single create writes them one after the other.
    default_at = timezone.localtime()
    invoice_at = default_at + dt.timedelta(microseconds=1)
    for item in prepared:
        customer_id = uuid.uuid4()
        rows.customer_ids.append(customer_id)
        customers.append(
            {
                **item.values,
                "id": customer_id,
                "organization_id": organization.id,
                "staged_import_id": staged_import_id,
            }
        )
        common = {"organization_id": organization.id, "customer_id": customer_id}
        addresses.append(
            {
                **item.address,
                **common,
                "type": AddressType.DEFAULT,
                "is_default": True,
                "created_at": default_at,
                "updated_at": default_at,
            }
        )
        if item.invoice_address is not None:
            addresses.append(
                {
                    **item.invoice_address,
                    **common,
                    "type": AddressType.INVOICE,
                    "is_default": True,
                    "created_at": invoice_at,
                    "updated_at": invoice_at,
                }
            )
        events.append(
            {
                **common,
                "action": CustomerEventAction.CREATED,
                "actor_type": actor.type,
                "actor_id": actor.id,
                "changes": changes_between(
                    {}, created_values(item.values, item.address, item.invoice_address)
                ),
            }
        )
    now = timezone.localtime()
    rows.inserts = [
        prepare_insert(model, table, now=now)
        for model, table in ((Customer, customers), (Address, addresses), (CustomerEvent, events))
    ]
    return rows


def rows_per_transaction() -> int:
    """Customers staged per write transaction.

    While the server writes too on SQLite, 50: they take about 8 ms of the one write
    lock (bench/bench_import_load.py: the API's write p99 during a 100,000-row import went
    from 2.2x to 1.6x its idle p99 with 50 instead of 100).
    """
    return rows_per_write(alone=250, contended=50)


async def write_staged_rows(rows: StagedRows) -> None:
    """Call inside a transaction: one statement per table."""
    for insert in rows.inserts:
        await insert_prepared(insert)
