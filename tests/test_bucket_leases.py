"""Charging a busy caller without a database write on every request.

A server process takes a slice of a fast-refilling bucket along with one request's cost
and charges the next requests from it; small or slowly refilling buckets are charged in
the row every time (tests/test_query_cost.py). Leased points have left the row, so
several processes together still never spend more than the bucket gives.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx

from app import create_app
from domain.bucket_leases import BucketLeases
from domain.organizations import create_organization
from models import RateLimitBucket
from settings import Settings
from tests.client import Api, Tenant
from tests.helpers import statements
from tests.live_server import live_servers

ORGANIZATION = """
query Organization {
  organization { name }
}
"""
ORGANIZATION_COST = 1

# A tenth of the bucket is 1000 points, a second's refill 500: the slice is 500 points.
CAPACITY = 10_000
RESTORE_RATE = 500
SLICE = 500


@asynccontextmanager
async def serving(settings: Settings, *, capacity: int, restore_rate: int) -> AsyncIterator[Tenant]:
    limited = dataclasses.replace(
        settings,
        rate_limit_bucket=capacity,
        rate_limit_restore_rate=restore_rate,
        max_query_cost=capacity,
    )
    app = create_app(limited)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            api = Api(http)
            organization, key = await create_organization(name="Muster GmbH")
            yield Tenant(api=api, organization_id=organization.id, key=key.secret)


async def the_bucket() -> RateLimitBucket:
    [row] = await RateLimitBucket.all()
    assert row.bucket.startswith("API_KEY:")
    return row


def cost_of(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["data"] == {"organization": {"name": "Muster GmbH"}}
    cost: dict[str, Any] = body["extensions"]["cost"]
    return cost


async def test_a_busy_caller_is_charged_from_the_lease_without_a_write(settings: Settings) -> None:
    # given: the first request takes its cost and a slice of the bucket
    async with serving(settings, capacity=CAPACITY, restore_rate=RESTORE_RATE) as tenant:
        with statements() as first_statements:
            first = await tenant.api.post(ORGANIZATION, key=tenant.key)
        leased = await the_bucket()
        # when
        started = time.monotonic()
        with statements() as later_statements:
            later = [await tenant.api.post(ORGANIZATION, key=tenant.key) for _ in range(20)]
        elapsed = time.monotonic() - started
        after = await the_bucket()
    # then: one charge in the row, then none while the lease lasts (a loaded machine may
    # take longer than its second for the 20: one renewal a second at most, then)
    assert sum("rate_limit_buckets" in s for s in first_statements) >= 1, first_statements
    renewals = [s for s in later_statements if s.startswith("UPDATE") and "rate_limit" in s]
    assert len(renewals) <= elapsed // BucketLeases.LEASE_SECONDS, (renewals, elapsed)
    if not renewals:
        assert (after.tokens, after.updated_at) == (leased.tokens, leased.updated_at)
    assert not [s for s in later_statements if "rate_limit_buckets" in s and s not in renewals]
    assert cost_of(first) == {
        "requestedQueryCost": ORGANIZATION_COST,
        "maximumAvailable": CAPACITY,
        "currentlyAvailable": CAPACITY - ORGANIZATION_COST,
        "restoreRate": RESTORE_RATE,
    }
    assert leased.tokens == CAPACITY - ORGANIZATION_COST - SLICE
    for response in later:
        cost = cost_of(response)
        assert cost["requestedQueryCost"] == ORGANIZATION_COST
        # At least what the row and the lease hold; never more than the bucket.
        assert CAPACITY - 21 * ORGANIZATION_COST <= cost["currentlyAvailable"] <= CAPACITY


async def test_an_expired_lease_is_renewed_in_the_row(settings: Settings) -> None:
    # given: a bucket whose slice is 4 one-point requests (a tenth of 40), spent
    async with serving(settings, capacity=40, restore_rate=1000) as tenant:
        spent = [await tenant.api.post(ORGANIZATION, key=tenant.key) for _ in range(5)]
        after_spending = await the_bucket()
        # when: a request after the lease's second
        await asyncio.sleep(BucketLeases.LEASE_SECONDS + 0.1)
        with statements() as renewed_statements:
            renewed = await tenant.api.post(ORGANIZATION, key=tenant.key)
        after_renewal = await the_bucket()
    # then: it is charged in the row again, which the pause has refilled
    assert all(cost_of(response)["requestedQueryCost"] == 1 for response in spent)
    assert any("rate_limit_buckets" in s for s in renewed_statements), renewed_statements
    assert cost_of(renewed)["currentlyAvailable"] == 40 - 1
    assert after_renewal.updated_at > after_spending.updated_at
    assert after_renewal.tokens == 40 - 1 - 4


# --- several server processes --------------------------------------------------------------

# 2 (connection) + 10 x node 1; the organization has no customers, so it is quick to answer.
PAGE = """
query Page {
  customers(first: 10) { edges { node { id } } }
}
"""
PAGE_COST = 12
# A tenth of 1200 is 120, a second's refill 60: slices of 5 pages.
SERVER_CAPACITY = 1200
SERVER_RESTORE_RATE = 60
SERVER_SLICE = 60
REQUESTS = 300
AT_ONCE = 20


async def test_leases_of_several_processes_never_exceed_the_bucket(settings: Settings) -> None:
    # given: two servers on one database, one caller
    async with serving(settings, capacity=PAGE_COST, restore_rate=1) as tenant:
        headers = {"Authorization": f"Bearer {tenant.key}"}
        limits = {
            "KUNDENSTAMM_RATE_LIMIT_BUCKET": str(SERVER_CAPACITY),
            "KUNDENSTAMM_RATE_LIMIT_RESTORE_RATE": str(SERVER_RESTORE_RATE),
            "KUNDENSTAMM_MAX_QUERY_COST": str(SERVER_CAPACITY),
        }
        async with live_servers(settings.database_url, 2, extra_env=limits) as urls:
            clients = [httpx.AsyncClient(base_url=url, timeout=60) for url in urls]
            started = time.time()
            try:
                # when: 300 pages of 12 points, 20 at a time, split over both servers
                responses: list[httpx.Response] = []
                for batch in range(0, REQUESTS, AT_ONCE):
                    responses += await asyncio.gather(
                        *(
                            clients[i % 2].post("/graphql", json={"query": PAGE}, headers=headers)
                            for i in range(batch, batch + AT_ONCE)
                        )
                    )
            finally:
                for client in clients:
                    await client.aclose()
            elapsed = time.time() - started
        rows = await RateLimitBucket.all()
    # then: never more granted than the bucket held plus what refilled meanwhile; never
    # less than that minus what the two processes may hold back (a slice and a page each)
    statuses = [response.status_code for response in responses]
    assert set(statuses) <= {200, 429}, [r.text for r in responses if r.status_code != 429]
    spent = PAGE_COST * statuses.count(200)
    assert spent <= SERVER_CAPACITY + SERVER_RESTORE_RATE * elapsed, (spent, elapsed)
    assert spent >= SERVER_CAPACITY - 2 * (SERVER_SLICE + PAGE_COST), (spent, elapsed)
    assert 429 in statuses, "the bucket was never emptied: the bound was not tested"
    for response in responses:
        body = response.json()
        if response.status_code == 429:
            assert body["errors"][0]["extensions"]["code"] == "THROTTLED"
            assert int(response.headers["Retry-After"]) >= 1
        else:
            assert body["data"] == {"customers": {"edges": []}}
    [row] = rows
    assert row.bucket.startswith("API_KEY:")
    assert 0 <= row.tokens < SERVER_CAPACITY
