"""Token buckets: each caller may spend query cost points as fast as its bucket refills.

The bucket lives in the database, so all server processes share it. A charge is one
UPDATE that refills by the time passed and takes the cost only if that much is there,
so concurrent requests of one caller can never spend the same points twice.
"""

from __future__ import annotations

import math
import sqlite3
import time
from dataclasses import dataclass
from typing import Any

from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient


@dataclass(frozen=True, slots=True)
class BucketPolicy:
    capacity: int
    restore_rate: float
    """Points per second."""


@dataclass(frozen=True, slots=True)
class Charge:
    granted: bool
    available: float
    """Points left after this request (before it, if it was refused)."""
    retry_after: int
    """Seconds until the refused request would fit; 0 when granted."""
    leased: float = 0.0
    """Points taken beyond the cost, for the caller's next requests (see bucket_leases)."""


CHARGE_WAIT_MS = 1000


class BucketUnavailable(Exception):
    """The bucket could not be charged right now (SQLite: another process is writing)."""


# Refill by the time passed (never negative: a clock that went back takes nothing
# away), cap at capacity, take the cost only where that leaves nothing below zero.
# PostgreSQL uses its own clock, the same for every server process.
_CHARGE_POSTGRES = (
    "UPDATE rate_limit_buckets"
    " SET tokens = LEAST($1, tokens + GREATEST(0,"
    " EXTRACT(EPOCH FROM statement_timestamp())::float8 - updated_at) * $2) - $3,"
    " updated_at = GREATEST(updated_at, EXTRACT(EPOCH FROM statement_timestamp())::float8)"
    " WHERE bucket = $4 AND LEAST($1, tokens + GREATEST(0,"
    " EXTRACT(EPOCH FROM statement_timestamp())::float8 - updated_at) * $2) >= $3"
    " RETURNING tokens"
)
_CREATE_POSTGRES = (
    "INSERT INTO rate_limit_buckets (bucket, tokens, updated_at)"
    " VALUES ($1, $2, EXTRACT(EPOCH FROM statement_timestamp())::float8)"
    " ON CONFLICT (bucket) DO NOTHING"
)
_READ_POSTGRES = (
    "SELECT tokens, updated_at, EXTRACT(EPOCH FROM statement_timestamp())::float8 AS now"
    " FROM rate_limit_buckets WHERE bucket = $1"
)

_CHARGE_SQLITE = (
    "UPDATE rate_limit_buckets"
    " SET tokens = MIN(?1, tokens + MAX(0, ?5 - updated_at) * ?2) - ?3,"
    " updated_at = MAX(updated_at, ?5)"
    " WHERE bucket = ?4 AND MIN(?1, tokens + MAX(0, ?5 - updated_at) * ?2) >= ?3"
    " RETURNING tokens"
)
_CREATE_SQLITE = (
    "INSERT INTO rate_limit_buckets (bucket, tokens, updated_at) VALUES (?1, ?2, ?3)"
    " ON CONFLICT (bucket) DO NOTHING"
)
_READ_SQLITE = "SELECT tokens, updated_at, ?2 AS now FROM rate_limit_buckets WHERE bucket = ?1"


def _client() -> BaseDBAsyncClient:
    client: BaseDBAsyncClient = connections.get("default")
    return client


async def _sqlite(client: Any, statements: list[tuple[str, list[Any]]]) -> list[Any]:
    """Run statements, waiting a short while at most for another process's write lock.

    Writes of other processes take milliseconds and are waited for. A read must not
    queue behind another process's long import for the whole busy timeout only to update
    its bucket: after CHARGE_WAIT_MS it gives up and the caller lets the request pass.
    """
    rows: list[Any] = []
    async with client.acquire_connection() as connection:
        await connection.execute(f"PRAGMA busy_timeout = {CHARGE_WAIT_MS}")
        try:
            for sql, values in statements:
                client.log.debug("%s: %s", sql, values)  # counted like Tortoise's own
                cursor = await connection.execute(sql, values)
                rows = list(await cursor.fetchall())
        except sqlite3.OperationalError as error:
            raise BucketUnavailable(str(error)) from None
        finally:
            await connection.execute(f"PRAGMA busy_timeout = {int(client.pragmas['busy_timeout'])}")
    return rows


async def _run(
    client: BaseDBAsyncClient, postgres: tuple[str, list[Any]], sqlite: tuple[str, list[Any]]
) -> list[Any]:
    if client.capabilities.dialect == "postgres":
        sql, values = postgres
        return [tuple(row.values()) for row in await client.execute_query_dict(sql, values)]
    return await _sqlite(client, [sqlite])


async def charge(bucket: str, cost: float, policy: BucketPolicy, *, lease: float = 0.0) -> Charge:
    """Take `cost` points from `bucket` if it holds that many after refilling.

    With `lease`, take that many more as well when the bucket holds them too (one UPDATE);
    when it does not, take just the cost, as without a lease.
    """
    client = _client()
    now = time.time()  # SQLite only: one machine, one clock
    rate, capacity = policy.restore_rate, policy.capacity

    def take(points: float) -> tuple[tuple[str, list[Any]], tuple[str, list[Any]]]:
        return (
            (_CHARGE_POSTGRES, [capacity, rate, points, bucket]),
            (_CHARGE_SQLITE, [capacity, rate, points, bucket, now]),
        )

    wanted = cost + lease
    rows = await _run(client, *take(wanted))
    if not rows:
        # A caller's first request finds no bucket: it starts full. Two first requests
        # may race to create it; the loser finds the row and charges it like any other.
        await _run(
            client,
            (_CREATE_POSTGRES, [bucket, capacity]),
            (_CREATE_SQLITE, [bucket, capacity, now]),
        )
        rows = await _run(client, *take(wanted))
    if not rows and lease:
        wanted = cost
        rows = await _run(client, *take(wanted))
    if rows:
        return Charge(
            granted=True, available=float(rows[0][0]), retry_after=0, leased=wanted - cost
        )
    [(tokens, updated_at, at)] = await _run(
        client, (_READ_POSTGRES, [bucket]), (_READ_SQLITE, [bucket, now])
    )
    available = min(capacity, tokens + max(0.0, at - updated_at) * rate)
    wait = (cost - available) / rate
    return Charge(granted=False, available=available, retry_after=max(1, math.ceil(wait)))
