"""An import's `customer.created` events: staged with its customers, in the feed once it
published, before any later event of the same customer, and never lost by a run that
stopped after publishing."""

from __future__ import annotations

import asyncio
import datetime as dt
import socket
import sys
import uuid
from dataclasses import asdict
from typing import Any

import httpx
import pytest

from domain.customers.importing import ImportOutcome
from domain.import_jobs import MAX_ATTEMPTS, stage_id
from models import Customer, Event, ImportJob, StagedEvent
from models.enums import ActorType, EventType, JobStatus
from schema.node import decode_id, encode_id
from tests.client import Tenant
from tests.conftest import POSTGRES_URL
from tests.helpers import create_customer
from tests.live_server import free_port, start_server, stop_server, wait_until_up
from tests.test_import_jobs import companies, poll, post_import

CREATE = """
mutation Create($input: CustomerCreateInput!) {
  customerCreate(input: $input) { customer { id customerNumber } userErrors { code } }
}
"""
UPDATE = """
mutation Update($input: CustomerUpdateInput!) {
  customerUpdate(input: $input) { customer { id } userErrors { code } }
}
"""
DELETE = """
mutation Delete($id: ID!) { customerDelete(input: {id: $id}) { userErrors { code } } }
"""
EVENTS = """
query Events($first: Int, $customerId: ID) {
  events(first: $first, customerId: $customerId) {
    edges { node { id type customerId data } }
  }
}
"""

SQLITE_ONLY = pytest.mark.skipif(
    POSTGRES_URL is not None,
    reason="PostgreSQL writes an import's events in its publishing transaction: none wait",
)


async def feed(tenant: Tenant, **variables: Any) -> list[dict[str, Any]]:
    data = await tenant.execute(EVENTS, {"first": 100, **variables})
    return [edge["node"] for edge in data["events"]["edges"]]


async def stage_created_event(tenant: Tenant, customer_id: str, import_id: uuid.UUID) -> None:
    """The state a published import leaves until its events join the log: the customer
    is visible, its `customer.created` event still staged."""
    event = await Event.get(
        organization_id=tenant.organization_id,
        customer_id=decode_id(customer_id, "Customer"),
        type=EventType.CUSTOMER_CREATED,
    )
    await StagedEvent.create(
        organization_id=tenant.organization_id,
        import_id=import_id,
        type=event.type,
        customer_id=event.customer_id,
        data=event.data,
    )
    await event.delete()


async def test_an_import_leaves_no_staged_event_and_each_customer_one_created_event(
    tenant: Tenant,
) -> None:
    # given
    rows = 1200  # more than one transaction of moved events on SQLite
    # when
    payload = await post_import(tenant.api.http, tenant.key, companies(rows), background=True)
    seen = await poll(tenant.api.http, tenant.key, payload["importJob"]["id"])
    # then
    assert seen[-1]["status"] == "COMPLETED", seen[-1]
    assert seen[-1]["result"]["created"] == rows
    stored = await Event.filter(organization_id=tenant.organization_id).order_by("txid", "id")
    assert [event.type for event in stored] == [EventType.CUSTOMER_CREATED] * rows
    assert len({event.customer_id for event in stored}) == rows
    # In the order the rows were staged (the file's order).
    names = [event.data["customer"]["companyName"] for event in stored]
    assert names == [f"Firma {n} GmbH" for n in range(rows)]
    assert await StagedEvent.filter(organization_id=tenant.organization_id).count() == 0


@SQLITE_ONLY
async def test_a_change_to_a_customer_whose_created_event_waits_records_that_first(
    tenant: Tenant,
) -> None:
    # given
    customer = await create_customer(
        tenant, CREATE, type="PERSON", firstName="Gerd", lastName="Alt"
    )
    other = await create_customer(tenant, CREATE, type="PERSON", firstName="Olga", lastName="Alt")
    import_id = uuid.uuid4()
    await stage_created_event(tenant, customer["id"], import_id)
    await stage_created_event(tenant, other["id"], import_id)
    # when
    await tenant.execute(UPDATE, {"input": {"id": customer["id"], "lastName": "Neu"}})
    # then
    events = await feed(tenant, customerId=customer["id"])
    assert [event["type"] for event in events] == ["CUSTOMER_CREATED", "CUSTOMER_UPDATED"]
    assert events[0]["data"]["customer"]["lastName"] == "Alt"
    assert events[1]["data"]["customer"]["lastName"] == "Neu"
    assert await feed(tenant, customerId=other["id"]) == []
    waiting = await StagedEvent.filter(organization_id=tenant.organization_id)
    assert [row.customer_id for row in waiting] == [decode_id(other["id"], "Customer")]


@SQLITE_ONLY
async def test_deleting_a_customer_whose_created_event_waits_erases_it_in_the_feed(
    tenant: Tenant,
) -> None:
    # given
    customer = await create_customer(
        tenant, CREATE, type="PERSON", firstName="Gerd", lastName="Geheim"
    )
    await stage_created_event(tenant, customer["id"], uuid.uuid4())
    # when
    data = await tenant.execute(DELETE, {"id": customer["id"]})
    # then
    assert data["customerDelete"]["userErrors"] == []
    events = await feed(tenant, customerId=customer["id"])
    assert [event["type"] for event in events] == ["CUSTOMER_CREATED", "CUSTOMER_DELETED"]
    assert "Geheim" not in str(events)
    assert await StagedEvent.filter(organization_id=tenant.organization_id).count() == 0
    stored = await Event.filter(organization_id=tenant.organization_id)
    assert len(stored) == 2
    assert "Geheim" not in str([event.data for event in stored])


async def _dead_pid() -> int:
    process = await asyncio.create_subprocess_exec(sys.executable, "-c", "pass")
    await process.wait()
    return process.pid


async def test_a_job_that_stopped_after_publishing_is_finished_not_run_again(
    tenant: Tenant, database_url: str, tmp_path: Any
) -> None:
    # given: a run published two customers and was gone before their events joined the
    # log, on its last attempt (such a job is finished, never failed)
    job_id = uuid.uuid4()
    customers = [
        await create_customer(tenant, CREATE, type="PERSON", firstName=name, lastName="Import")
        for name in ("Anna", "Bert")
    ]
    for customer in customers:
        await stage_created_event(tenant, customer["id"], stage_id(job_id, MAX_ATTEMPTS))
    result = asdict(ImportOutcome(dry_run=False, rows_total=2, created=2))
    await ImportJob.create(
        id=job_id,
        organization_id=tenant.organization_id,
        status=JobStatus.RUNNING,
        max_rows=100,
        actor_type=ActorType.API_KEY,
        actor_id=uuid.uuid4(),
        file_name=f"{job_id}.upload",
        rows_total=2,
        rows_processed=2,
        result=result,
        attempts=MAX_ATTEMPTS,
        owner_host=socket.gethostname(),
        owner_pid=await _dead_pid(),
        published_at=dt.datetime.now(dt.UTC),
    )
    # when: a server starts and takes back the jobs of stopped ones
    port = free_port()
    server = await start_server(
        database_url, port, {"KUNDENSTAMM_EXPORT_DIR": str(tmp_path / "exports")}
    )
    try:
        base = f"http://127.0.0.1:{port}"
        await wait_until_up(base)
        async with httpx.AsyncClient(base_url=base, timeout=30) as http:
            seen = await poll(http, tenant.key, encode_id("ImportJob", job_id))
    finally:
        await stop_server(server)
    # then
    assert seen[-1]["status"] == "COMPLETED", seen[-1]
    assert seen[-1]["result"]["created"] == 2
    events = await feed(tenant)
    created = [event for event in events if event["type"] == "CUSTOMER_CREATED"]
    assert [event["customerId"] for event in created] == [c["id"] for c in customers]
    assert await StagedEvent.filter(organization_id=tenant.organization_id).count() == 0
    job = await ImportJob.get(id=job_id)
    assert job.status is JobStatus.COMPLETED
    assert job.attempts == MAX_ATTEMPTS + 1
    assert job.error_message is None
    assert await Customer.filter(organization_id=tenant.organization_id).count() == 2
