"""Benchmark: one page of 100 customers with addresses, over HTTP into the real app.

    python -m bench.bench_customer_page [--customers 10000] [--requests 50] [--database-url URL]

Prints the latency of the page request (median, p95) and its SQL statement count. Not part
of the test run: speed goals live here, not in timed unit tests.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import statistics
import tempfile
import time
from pathlib import Path

import httpx

from app import create_app
from database import apply_migrations
from domain.customers.editing import CustomerDraft, create_customer
from domain.organizations import create_organization
from domain.principal import Actor
from models.enums import ActorType, CustomerType
from settings import Settings

PAGE = """
query Page($after: String) {
  customers(first: 100, after: $after, sort: {field: DISPLAY_NAME}) {
    totalCount
    edges {
      node {
        customerNumber displayName invoiceEmail
        defaultAddress { street city } invoiceAddress { city } addresses { id }
        datev { debtorNumber }
      }
    }
    pageInfo { endCursor }
  }
}
"""


class _Counter(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


async def run(customers: int, requests: int, database_url: str) -> None:
    await apply_migrations(database_url)
    # A page of 100 costs about 500 points: lift the rate limit, measure the request.
    # The bucket is still charged on every request, so its cost is part of the numbers.
    settings = Settings(
        database_url=database_url, rate_limit_bucket=10**7, rate_limit_restore_rate=10**6
    )
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        organization, key = await create_organization(name="Bench GmbH", datev_enabled=True)
        started = time.perf_counter()
        for index in range(customers):
            await create_customer(
                organization=organization,
                actor=Actor(ActorType.API_KEY, key.id),
                draft=CustomerDraft(
                    fields={"type": CustomerType.COMPANY, "company_name": f"Firma {index:06d}"},
                    address={
                        "street": "Hauptstraße",
                        "zip": "10115",
                        "city": "Berlin",
                        "country_code": "DE",
                    },
                ),
            )
        print(f"created {customers} customers in {time.perf_counter() - started:.1f} s")
        transport = httpx.ASGITransport(app=app)
        headers = {"Authorization": f"Bearer {key.secret}"}
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as http:
            timings = []
            db_log = logging.getLogger("tortoise.db_client")
            counter = _Counter()
            for index in range(requests):
                # The second request: the first also creates the caller's rate-limit bucket.
                if index == 1:
                    db_log.setLevel(logging.DEBUG)
                    db_log.addHandler(counter)
                started = time.perf_counter()
                response = await http.post("/graphql", json={"query": PAGE}, headers=headers)
                timings.append(time.perf_counter() - started)
                if index == 1:
                    db_log.removeHandler(counter)
                    db_log.setLevel(logging.WARNING)
                if response.status_code != 200 or "errors" in response.json():
                    raise RuntimeError(response.text)
        timings.sort()
        print(
            f"page of 100 with addresses: median {statistics.median(timings) * 1000:.1f} ms, "
            f"p95 {timings[int(len(timings) * 0.95) - 1] * 1000:.1f} ms, "
            f"{counter.count} SQL statements per request"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    url = args.database_url or f"sqlite://{Path(tempfile.mkdtemp()) / 'bench.sqlite3'}"
    asyncio.run(run(args.customers, args.requests, url))


if __name__ == "__main__":
    main()
