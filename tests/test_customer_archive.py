"""customerArchive and customerRestore: status, archivedAt, version, the default list."""

from __future__ import annotations

import datetime as dt
from typing import Any

from models import Customer
from models.enums import CustomerStatus
from schema.node import decode_id
from tests.client import Tenant
from tests.helpers import create_customer

CREATE = """
mutation Create($input: CustomerCreateInput!) {
  customerCreate(input: $input) {
    customer { id version }
    userErrors { field code message }
  }
}
"""

ARCHIVE = """
mutation Archive($input: CustomerIdInput!) {
  customerArchive(input: $input) {
    customer { id status archivedAt version }
    userErrors { field code message }
  }
}
"""

RESTORE = """
mutation Restore($input: CustomerIdInput!) {
  customerRestore(input: $input) {
    customer { id status archivedAt version }
    userErrors { field code message }
  }
}
"""

LIST = """
query List($filter: CustomerFilter) {
  customers(filter: $filter) {
    edges { node { id status } }
    totalCount
  }
}
"""


async def create_company(tenant: Tenant, name: str = "Muster GmbH") -> str:
    customer = await create_customer(tenant, CREATE, type="COMPANY", companyName=name)
    customer_id: str = customer["id"]
    return customer_id


async def archive(tenant: Tenant, customer_id: str) -> dict[str, Any]:
    data = await tenant.execute(ARCHIVE, {"input": {"id": customer_id}})
    payload: dict[str, Any] = data["customerArchive"]
    return payload


async def restore(tenant: Tenant, customer_id: str) -> dict[str, Any]:
    data = await tenant.execute(RESTORE, {"input": {"id": customer_id}})
    payload: dict[str, Any] = data["customerRestore"]
    return payload


async def listed_ids(tenant: Tenant, status: str | None = None) -> list[str]:
    variables: dict[str, Any] = {"filter": None if status is None else {"status": status}}
    data = await tenant.execute(LIST, variables)
    connection = data["customers"]
    ids = [edge["node"]["id"] for edge in connection["edges"]]
    assert connection["totalCount"] == len(ids)
    return ids


async def stored(customer_id: str) -> Customer:
    return await Customer.get(id=decode_id(customer_id, "Customer"))


async def test_archive_sets_status_archived_at_and_increments_version(tenant: Tenant) -> None:
    # given
    customer_id = await create_company(tenant)
    # when
    payload = await archive(tenant, customer_id)
    # then
    assert payload["userErrors"] == []
    customer = payload["customer"]
    assert customer["id"] == customer_id
    assert customer["status"] == "ARCHIVED"
    assert customer["archivedAt"] is not None
    assert customer["version"] == 2
    row = await stored(customer_id)
    assert row.status == CustomerStatus.ARCHIVED
    assert row.archived_at is not None
    assert dt.datetime.fromisoformat(customer["archivedAt"]) == row.archived_at
    assert row.version == 2


async def test_archived_customer_is_hidden_from_the_default_list(tenant: Tenant) -> None:
    # given
    archived_id = await create_company(tenant, "Archiviert GmbH")
    active_id = await create_company(tenant, "Aktiv GmbH")
    # when
    await archive(tenant, archived_id)
    # then
    assert await listed_ids(tenant) == [active_id]
    assert await listed_ids(tenant, "ACTIVE") == [active_id]
    assert await listed_ids(tenant, "ARCHIVED") == [archived_id]
    assert sorted(await listed_ids(tenant, "ALL")) == sorted([archived_id, active_id])
    assert (await stored(archived_id)).status == CustomerStatus.ARCHIVED
    assert (await stored(active_id)).status == CustomerStatus.ACTIVE


async def test_archiving_twice_is_already_archived_and_changes_nothing(tenant: Tenant) -> None:
    # given
    customer_id = await create_company(tenant)
    await archive(tenant, customer_id)
    before = await stored(customer_id)
    # when
    payload = await archive(tenant, customer_id)
    # then
    assert payload["customer"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [
        (["input", "id"], "ALREADY_ARCHIVED")
    ]
    after = await stored(customer_id)
    assert after.status == CustomerStatus.ARCHIVED
    assert after.version == before.version == 2
    assert after.archived_at == before.archived_at


async def test_restoring_an_active_customer_is_not_archived(tenant: Tenant) -> None:
    # given
    customer_id = await create_company(tenant)
    # when
    payload = await restore(tenant, customer_id)
    # then
    assert payload["customer"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [
        (["input", "id"], "NOT_ARCHIVED")
    ]
    row = await stored(customer_id)
    assert row.status == CustomerStatus.ACTIVE
    assert row.archived_at is None
    assert row.version == 1


async def test_restore_brings_the_customer_back(tenant: Tenant) -> None:
    # given
    customer_id = await create_company(tenant)
    await archive(tenant, customer_id)
    # when
    payload = await restore(tenant, customer_id)
    # then
    assert payload["userErrors"] == []
    customer = payload["customer"]
    assert customer["id"] == customer_id
    assert customer["status"] == "ACTIVE"
    assert customer["archivedAt"] is None
    assert customer["version"] == 3
    assert await listed_ids(tenant) == [customer_id]
    assert await listed_ids(tenant, "ARCHIVED") == []
    row = await stored(customer_id)
    assert row.status == CustomerStatus.ACTIVE
    assert row.archived_at is None
    assert row.version == 3


async def test_archiving_another_organizations_customer_is_not_found(
    tenant: Tenant, other_tenant: Tenant
) -> None:
    # given
    foreign_id = await create_company(other_tenant, "Andere Kundschaft AG")
    # when
    payload = await archive(tenant, foreign_id)
    # then
    assert payload["customer"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [
        (["input", "id"], "NOT_FOUND")
    ]
    row = await stored(foreign_id)
    assert row.status == CustomerStatus.ACTIVE
    assert row.archived_at is None
    assert row.version == 1
    assert await listed_ids(other_tenant) == [foreign_id]


async def test_restoring_another_organizations_customer_is_not_found(
    tenant: Tenant, other_tenant: Tenant
) -> None:
    # given
    foreign_id = await create_company(other_tenant, "Andere Kundschaft AG")
    await archive(other_tenant, foreign_id)
    before = await stored(foreign_id)
    # when
    payload = await restore(tenant, foreign_id)
    # then
    assert payload["customer"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [
        (["input", "id"], "NOT_FOUND")
    ]
    after = await stored(foreign_id)
    assert after.status == CustomerStatus.ARCHIVED
    assert after.archived_at == before.archived_at
    assert after.version == 2


async def test_archiving_an_id_that_is_no_customer_id_is_not_found(tenant: Tenant) -> None:
    # given
    customer_id = await create_company(tenant)
    # when
    payload = await archive(tenant, "not-a-global-id")
    # then
    assert payload["customer"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [
        (["input", "id"], "NOT_FOUND")
    ]
    row = await stored(customer_id)
    assert row.status == CustomerStatus.ACTIVE
    assert row.version == 1
