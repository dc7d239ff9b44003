"""Benchmark: what a customerCreate pays for the rate limit and for an Idempotency-Key.

    python -m bench.bench_write_overhead [--requests 300] [--database-url URL]

Sends the same number of creates three ways, over HTTP into the real app, and prints
median and p95 latency of each: without a key, with a fresh Idempotency-Key each, and
replays of one stored key (what a retrying client gets).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
import uuid
from pathlib import Path

import httpx

from app import create_app
from database import apply_migrations
from domain.organizations import create_organization
from settings import Settings

CREATE = """
mutation Create($input: CustomerCreateInput!) {
  customerCreate(input: $input) { customer { id customerNumber } userErrors { code } }
}
"""


def _input(n: int) -> dict[str, object]:
    return {
        "input": {
            "type": "COMPANY",
            "companyName": f"Firma {n}",
            "address": {"street": "Hauptstraße", "zip": "10115", "city": "Berlin"},
        }
    }


async def _timed(
    http: httpx.AsyncClient, body: dict[str, object], headers: dict[str, str]
) -> float:
    started = time.perf_counter()
    response = await http.post("/graphql", json=body, headers=headers)
    elapsed = time.perf_counter() - started
    if response.status_code != 200 or "errors" in response.json():
        raise RuntimeError(response.text)
    return elapsed


def _report(label: str, timings: list[float]) -> None:
    timings.sort()
    p95 = timings[int(len(timings) * 0.95) - 1]
    print(
        f"{label:<28} median {statistics.median(timings) * 1000:6.1f} ms, p95 {p95 * 1000:6.1f} ms"
    )


async def run(requests: int, database_url: str) -> None:
    await apply_migrations(database_url)
    settings = Settings(
        database_url=database_url, rate_limit_bucket=10**7, rate_limit_restore_rate=10**6
    )
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        _, key = await create_organization(name="Bench GmbH")
        auth = {"Authorization": f"Bearer {key.secret}"}
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as http:
            await _timed(http, {"query": CREATE, "variables": _input(-1)}, auth)  # warm up
            plain = [
                await _timed(http, {"query": CREATE, "variables": _input(n)}, auth)
                for n in range(requests)
            ]
            keyed = [
                await _timed(
                    http,
                    {"query": CREATE, "variables": _input(requests + n)},
                    {**auth, "Idempotency-Key": str(uuid.uuid4())},
                )
                for n in range(requests)
            ]
            replay_key = {**auth, "Idempotency-Key": str(uuid.uuid4())}
            body: dict[str, object] = {"query": CREATE, "variables": _input(-2)}
            replays = [await _timed(http, body, replay_key) for _ in range(requests)]
    _report("customerCreate", plain)
    _report("with a fresh Idempotency-Key", keyed)
    _report("replay of a stored key", replays)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        url = args.database_url or f"sqlite://{Path(directory) / 'bench.sqlite3'}"
        asyncio.run(run(args.requests, url))


if __name__ == "__main__":
    main()
