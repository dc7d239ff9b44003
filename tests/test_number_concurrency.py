"""Concurrent creates never share a customer or DATEV debtor number.

In one process (requests interleaving on the event loop) and in two server processes
on the same database (PostgreSQL row locks; SQLite BEGIN IMMEDIATE with a busy timeout).
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

from models import Customer, NumberRange
from models.enums import NumberRangeKind
from tests.client import Tenant
from tests.live_server import live_servers

CREATE = """
mutation Create($input: CustomerCreateInput!) {
  customerCreate(input: $input) {
    customer { customerNumber datev { debtorNumber } }
    userErrors { field code message }
  }
}
"""
CONCURRENT_CREATES = 50


def _input(index: int) -> dict[str, Any]:
    return {"input": {"type": "COMPANY", "companyName": f"Firma {index:02d}"}}


async def _assert_distinct_and_counted(tenant: Tenant, bodies: list[dict[str, Any]]) -> None:
    assert all("errors" not in body for body in bodies), [b for b in bodies if "errors" in b]
    payloads = [body["data"]["customerCreate"] for body in bodies]
    assert [p["userErrors"] for p in payloads] == [[]] * CONCURRENT_CREATES
    numbers = sorted(p["customer"]["customerNumber"] for p in payloads)
    debtors = sorted(int(p["customer"]["datev"]["debtorNumber"]) for p in payloads)
    assert numbers == [f"K{n:05d}" for n in range(1, CONCURRENT_CREATES + 1)]
    assert debtors == list(range(10000, 10000 + CONCURRENT_CREATES))
    stored = await Customer.filter(organization_id=tenant.organization_id)
    assert sorted(c.customer_number for c in stored) == numbers
    assert sorted(int(c.datev_debtor_number or 0) for c in stored) == debtors
    ranges = {
        r.kind: r.next_value
        for r in await NumberRange.filter(organization_id=tenant.organization_id)
    }
    assert ranges == {
        NumberRangeKind.CUSTOMER: CONCURRENT_CREATES + 1,
        NumberRangeKind.DATEV_DEBTOR: 10000 + CONCURRENT_CREATES,
    }


async def test_concurrent_creates_in_one_process_get_distinct_numbers(
    datev_tenant: Tenant,
) -> None:
    # given
    api = datev_tenant.api
    # when
    responses = await asyncio.gather(
        *(api.post(CREATE, _input(i), key=datev_tenant.key) for i in range(CONCURRENT_CREATES))
    )
    # then
    assert {r.status_code for r in responses} == {200}
    await _assert_distinct_and_counted(datev_tenant, [r.json() for r in responses])


async def test_concurrent_creates_on_two_server_processes_get_distinct_numbers(
    datev_tenant: Tenant, database_url: str
) -> None:
    # given
    headers = {"Authorization": f"Bearer {datev_tenant.key}"}
    async with live_servers(database_url, 2) as urls:
        clients = [httpx.AsyncClient(base_url=url, timeout=60) for url in urls]
        try:
            # when
            responses = await asyncio.gather(
                *(
                    clients[i % 2].post(
                        "/graphql", json={"query": CREATE, "variables": _input(i)}, headers=headers
                    )
                    for i in range(CONCURRENT_CREATES)
                )
            )
        finally:
            for client in clients:
                await client.aclose()
    # then
    assert {r.status_code for r in responses} == {200}
    await _assert_distinct_and_counted(datev_tenant, [r.json() for r in responses])
