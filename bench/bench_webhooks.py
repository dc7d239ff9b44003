"""Benchmark: webhooks for a 10,000-row import, and the API while a receiver hangs (issue 12).

    python -m bench.bench_webhooks [--rows 10000] [--database-url URL] [--requests 300]

Starts `kundenstamm serve` (one process) on a fresh database (a SQLite temp file, or the
PostgreSQL database of --database-url, dropped and recreated). Organization A subscribes a
local receiver and imports --rows customers: the time from the import mutation until
every CUSTOMER_CREATED webhook has arrived (target: within 60 s on SQLite), each checked
to be unique. Then organization B subscribes a receiver that never answers and writes
customers, so every delivery slot waits out its timeout; A's read latency (p50/p99 of
`organization` and a page of 20 customers) is measured idle and while B's receiver hangs
(target: p99 within 2x idle). Exits 1 when a target is missed or an answer was wrong.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

from bench.bench_import import workbook
from bench.bench_import_load import (
    JOB,
    ORGANIZATION,
    PAGE,
    BadAnswer,
    create_customer,
    graphql,
    prepare_database,
    serving,
    start_import,
)
from tests.webhook_receiver import Received, webhook_receiver

SUBSCRIBE = """
mutation Subscribe($input: WebhookEndpointCreateInput!) {
  webhookEndpointCreate(input: $input) { secret userErrors { field code message } }
}
"""
DELIVERY_TARGET_SECONDS = 60.0
P99_RATIO_TARGET = 2.0
HUNG_WRITES = 200


async def subscribe(http: httpx.AsyncClient, key: str, url: str) -> None:
    data = await graphql(http, key, SUBSCRIBE, input={"url": url})
    if data["webhookEndpointCreate"]["userErrors"]:
        raise BadAnswer(f"webhookEndpointCreate: {data}")


async def import_and_deliver(
    http: httpx.AsyncClient, key: str, rows: int, receiver_url: str, received: list[Received]
) -> dict[str, float]:
    """Seconds from the import mutation to its job's end and to the last webhook."""
    data = await asyncio.to_thread(workbook, rows)
    started = time.perf_counter()
    job_id = await start_import(http, key, data)
    published = None
    while True:
        if published is None:
            job = (await graphql(http, key, JOB, id=job_id))["importJob"]
            if job["status"] in ("COMPLETED", "FAILED"):
                if job["status"] != "COMPLETED" or job["result"]["created"] != rows:
                    raise BadAnswer(f"import: {job}")
                published = time.perf_counter() - started
        if len(received) >= rows:
            break
        if time.perf_counter() - started > 600:
            raise BadAnswer(f"only {len(received)} of {rows} webhooks within 600 s")
        await asyncio.sleep(0.05)
    delivered = time.perf_counter() - started
    if published is None:
        published = delivered
    ids = {r.headers["webhook-id"] for r in received}
    types = {r.json()["type"] for r in received}
    if len(ids) != rows or types != {"customer.created"}:
        raise BadAnswer(f"{len(ids)} distinct webhook ids of {rows}, types {types}")
    return {"import": published, "delivered": delivered, "after_publish": delivered - published}


async def latencies(http: httpx.AsyncClient, key: str, requests: int) -> list[float]:
    samples = []
    for n in range(requests):
        document = ORGANIZATION if n % 2 else PAGE
        started = time.perf_counter()
        data = await graphql(http, key, document, first=20) if document is PAGE else None
        if data is None:
            await graphql(http, key, document)
        samples.append(time.perf_counter() - started)
    return samples


def p(samples: list[float], quantile: float) -> float:
    return statistics.quantiles(samples, n=100, method="inclusive")[int(quantile) - 1]


async def run(args: argparse.Namespace, workdir: Path) -> int:
    url = args.database_url or f"sqlite://{workdir / 'bench.sqlite3'}"
    key_a, key_b = await prepare_database(url)
    env = {"KUNDENSTAMM_DATABASE_URL": url, "KUNDENSTAMM_EXPORT_DIR": str(workdir / "exports")}
    env |= {
        "KUNDENSTAMM_RATE_LIMIT_BUCKET": "1000000",
        "KUNDENSTAMM_RATE_LIMIT_RESTORE_RATE": "1000000",
    }

    async def never_answer(received: Received) -> int:
        await asyncio.sleep(3600)
        return 200

    async with (
        webhook_receiver() as receiver,
        webhook_receiver(never_answer) as hanging,
        serving(env, workdir / "server.log") as (base_url, _),
        httpx.AsyncClient(base_url=base_url, timeout=httpx.Timeout(120.0)) as http,
    ):
        for n in range(20):
            await create_customer(http, key_a, f"Leser {n} GmbH")  # a page to read later
        await subscribe(http, key_a, receiver.url)
        print(f"importing {args.rows} rows for A, delivering to {receiver.url} ...")
        timing = await import_and_deliver(http, key_a, args.rows, receiver.url, receiver.received)
        rate = args.rows / timing["delivered"]
        print(
            f"  import done after {timing['import']:.1f} s; all {args.rows} webhooks after "
            f"{timing['delivered']:.1f} s ({timing['after_publish']:.1f} s after the publish, "
            f"{rate:.0f}/s end to end); target {DELIVERY_TARGET_SECONDS:.0f} s"
        )
        idle = await latencies(http, key_a, args.requests)
        await subscribe(http, key_b, hanging.url)
        for n in range(HUNG_WRITES):
            await create_customer(http, key_b, f"Haenger {n} AG")
        await hanging.wait_for(40, within=30)  # the delivery slots are taken
        during = await latencies(http, key_a, args.requests)
        hung = len(hanging.received)
    idle_p99, during_p99 = p(idle, 99), p(during, 99)
    ratio = during_p99 / idle_p99
    print(f"A's reads ({args.requests} each; {hung} deliveries to B's receiver hanging):")
    print(f"  idle:    p50 {p(idle, 50) * 1000:6.1f} ms   p99 {idle_p99 * 1000:6.1f} ms")
    print(f"  hanging: p50 {p(during, 50) * 1000:6.1f} ms   p99 {during_p99 * 1000:6.1f} ms")
    print(f"  p99 ratio {ratio:.2f} (target <= {P99_RATIO_TARGET:.0f})")
    met = timing["delivered"] <= DELIVERY_TARGET_SECONDS and ratio <= P99_RATIO_TARGET
    print("targets met" if met else "TARGET MISSED")
    return 0 if met else 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--database-url", help="postgres://...: dropped and created again")
    parser.add_argument("--requests", type=int, default=300, help="A's reads per phase")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-webhooks-") as workdir:
        try:
            code = asyncio.run(run(args, Path(workdir)))
        except BadAnswer as error:
            print(f"FAILED: {error}")
            code = 1
        with contextlib.suppress(FileNotFoundError):
            log = (Path(workdir) / "server.log").read_text()
            if code:
                print(log[-3000:])
    sys.exit(code)


if __name__ == "__main__":
    main()
