"""Token buckets: each caller may spend query cost points as fast as its bucket refills.

The bucket lives in the database, so all server processes share it. A charge is one
UPDATE that refills by the time passed and takes the cost only if that much is there,
so concurrent requests of one caller can never spend the same points twice.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient

from models import RateLimitBucket


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


# Parameters: capacity, now, restore rate, cost, bucket. Refill by the time passed (never
# negative: a server whose clock lags must not take points away), cap at capacity, and
# take the cost only where that leaves nothing below zero.
_CHARGE_SQLITE = (
    "UPDATE rate_limit_buckets"
    " SET tokens = MIN(?1, tokens + MAX(0, ?2 - updated_at) * ?3) - ?4,"
    " updated_at = MAX(updated_at, ?2)"
    " WHERE bucket = ?5 AND MIN(?1, tokens + MAX(0, ?2 - updated_at) * ?3) >= ?4"
    " RETURNING tokens"
)
_CHARGE_POSTGRES = (
    "UPDATE rate_limit_buckets"
    " SET tokens = LEAST($1, tokens + GREATEST(0, $2 - updated_at) * $3) - $4,"
    " updated_at = GREATEST(updated_at, $2)"
    " WHERE bucket = $5 AND LEAST($1, tokens + GREATEST(0, $2 - updated_at) * $3) >= $4"
    " RETURNING tokens"
)


def _client() -> BaseDBAsyncClient:
    client: BaseDBAsyncClient = connections.get("default")
    return client


async def charge(bucket: str, cost: int, policy: BucketPolicy) -> Charge:
    """Take `cost` points from `bucket` if it holds that many after refilling."""
    client = _client()
    now = time.time()
    sql = _CHARGE_POSTGRES if client.capabilities.dialect == "postgres" else _CHARGE_SQLITE
    values = [policy.capacity, now, policy.restore_rate, cost, bucket]
    rows = await client.execute_query_dict(sql, values)
    if not rows:
        # A caller's first request: the bucket starts full. Two first requests may race
        # to create it; the loser finds the row and charges it like any other.
        await RateLimitBucket.bulk_create(
            [RateLimitBucket(bucket=bucket, tokens=policy.capacity, updated_at=now)],
            ignore_conflicts=True,
        )
        rows = await client.execute_query_dict(sql, values)
    if rows:
        return Charge(granted=True, available=float(rows[0]["tokens"]), retry_after=0)
    row = await RateLimitBucket.get(bucket=bucket)
    available = min(
        policy.capacity, row.tokens + max(0.0, time.time() - row.updated_at) * policy.restore_rate
    )
    wait = (cost - available) / policy.restore_rate
    return Charge(granted=False, available=available, retry_after=max(1, math.ceil(wait)))
