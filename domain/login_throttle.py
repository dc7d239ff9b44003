"""Failed logins slow further attempts down, per account and per client address.

A lock after N failures lets anyone who knows an e-mail address keep its owner out. Here
each attempt beyond a few free ones must wait a growing delay, and the account's delay is
capped low: a stranger can make its owner wait seconds, not lock them out, while a guesser
gets a handful of tries a minute. The address's delay grows further, so one client trying
many accounts is slowed down without touching anybody else.

An attempt is charged before its password is checked (as if it failed), in one UPDATE per
key that only succeeds when the key is not blocked: parallel guesses cannot outrun the
delay. A success gives the attempt back. Rows are keyed by digests, never by the e-mail
address or IP address themselves.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import ipaddress
import math
import time
import weakref
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient


@dataclass(frozen=True, slots=True)
class DelayPolicy:
    free: int
    """Failures that cost no wait."""
    cap_seconds: int
    """The longest wait; the delay doubles from 1 s up to this."""
    forget_seconds: int
    """Failures older than this are forgotten."""

    def delays(self, upto: int = 32) -> list[int]:
        """The wait after the n-th failure (index n - 1)."""
        return [
            0 if n <= self.free else min(self.cap_seconds, 2 ** (n - self.free - 1))
            for n in range(1, upto + 1)
        ]


ACCOUNT = DelayPolicy(free=5, cap_seconds=30, forget_seconds=3600)
ADDRESS = DelayPolicy(free=20, cap_seconds=900, forget_seconds=3600)
# scrypt takes ~50 ms of CPU and 16 MiB: a few at once per process, the rest queue; a
# queue longer than this is answered "try again" at once instead of piling up requests.
CONCURRENT_HASHES = 2
MAX_WAITING = 32


class LoginThrottled(Exception):
    """Too many recent failures: the attempt was not checked."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"retry after {retry_after} s")
        self.retry_after = retry_after


def _digest(kind: str, value: str) -> str:
    return f"{kind}:{hashlib.sha256(value.encode()).hexdigest()[:40]}"


def account_key(email: str) -> str:
    return _digest("account", email.strip().lower())


def address_key(address: str | None) -> str | None:
    """IPv6 clients usually hold a whole /64: it counts as one address."""
    if address is None:
        return None
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return _digest("address", address)
    if ip.version == 6:
        return _digest("address", str(ipaddress.ip_network(f"{ip}/64", strict=False)))
    return _digest("address", str(ip))


@functools.cache
def _charge_sql(dialect: str, policy: DelayPolicy) -> str:
    # A failure count past the list waits the cap; an old count starts over at one.
    delays = policy.delays()
    # key, now, forget-before
    p = ["$1", "$2", "$3"] if dialect == "postgres" else ["?1", "?2", "?3"]
    count = f"(CASE WHEN last_attempt_at < {p[2]} THEN 1 ELSE failures + 1 END)"
    cases = " ".join(f"WHEN {n} THEN {delay}" for n, delay in enumerate(delays, start=1))
    delay = f"(CASE {count} {cases} ELSE {policy.cap_seconds} END)"
    # Only placeholders and the policy's integers go into the text; values are bound.
    return (
        # A free failure leaves no wait at all (0), not "wait until now": a concurrent
        # attempt that read the clock a moment earlier must not be refused by it.
        f"UPDATE login_failures SET failures = {count},"  # noqa: S608
        f" blocked_until = CASE WHEN {delay} = 0 THEN 0 ELSE {p[1]} + {delay} END,"
        f" last_attempt_at = {p[1]} WHERE key = {p[0]} AND blocked_until <= {p[1]}"
        " RETURNING failures"
    )


_SQL: dict[str, dict[str, str]] = {
    "postgres": {
        "insert": "INSERT INTO login_failures (key, failures, blocked_until, last_attempt_at)"
        " VALUES ($1, 0, 0, $2) ON CONFLICT (key) DO NOTHING",
        "blocked": "SELECT blocked_until FROM login_failures WHERE key = $1",
        "forget": "DELETE FROM login_failures WHERE key = $1",
        "give_back": "UPDATE login_failures SET failures = failures - 1"
        " WHERE key = $1 AND failures > 0",
        "purge": "DELETE FROM login_failures WHERE last_attempt_at < $1 AND blocked_until < $2",
    },
    "sqlite": {
        "insert": "INSERT INTO login_failures (key, failures, blocked_until, last_attempt_at)"
        " VALUES (?1, 0, 0, ?2) ON CONFLICT (key) DO NOTHING",
        "blocked": "SELECT blocked_until FROM login_failures WHERE key = ?1",
        "forget": "DELETE FROM login_failures WHERE key = ?1",
        "give_back": "UPDATE login_failures SET failures = failures - 1"
        " WHERE key = ?1 AND failures > 0",
        "purge": "DELETE FROM login_failures WHERE last_attempt_at < ?1 AND blocked_until < ?2",
    },
}


def _client() -> BaseDBAsyncClient:
    client: BaseDBAsyncClient = connections.get("default")
    return client


async def _charge(key: str, policy: DelayPolicy, now: float) -> float | None:
    """Count one attempt on `key`; None if it may go on, else when it may."""
    client = _client()
    dialect = client.capabilities.dialect
    values = [key, now, now - policy.forget_seconds]
    rows = await client.execute_query_dict(_charge_sql(dialect, policy), values)
    if rows:
        return None
    await client.execute_query(_SQL[dialect]["insert"], [key, now])
    rows = await client.execute_query_dict(_charge_sql(dialect, policy), values)
    if rows:
        return None
    blocked = await client.execute_query_dict(_SQL[dialect]["blocked"], [key])
    return float(blocked[0]["blocked_until"]) if blocked else now + 1


async def charge_attempt(*, account: str, address: str | None) -> None:
    """Count an attempt against the account and the address, or refuse it unchecked."""
    now = time.time()
    # The address first: an attempt its own client may not make yet does not count
    # against the account it aimed at.
    charges = ([(address, ADDRESS)] if address else []) + [(account, ACCOUNT)]
    for key, policy in charges:
        blocked_until = await _charge(key, policy, now)
        if blocked_until is not None:
            raise LoginThrottled(max(1, math.ceil(blocked_until - now)))


async def forget_failures(*, account: str, address: str | None) -> None:
    """A success: the account starts over; the address gets this attempt back (a guesser
    who owns an account must not wipe the address's count by logging in between)."""
    client = _client()
    sql = _SQL[client.capabilities.dialect]
    await client.execute_query(sql["forget"], [account])
    if address:
        await client.execute_query(sql["give_back"], [address])


async def purge_forgotten() -> None:
    """Rows whose failures are forgotten anyway (an hour without attempts, no wait left)."""
    client = _client()
    now = time.time()
    forget = max(ACCOUNT.forget_seconds, ADDRESS.forget_seconds)
    await client.execute_query(_SQL[client.capabilities.dialect]["purge"], [now - forget, now])


class _Slots:
    def __init__(self) -> None:
        self.semaphore = asyncio.Semaphore(CONCURRENT_HASHES)
        self.waiting = 0


# One set of slots per event loop (a semaphore belongs to the loop that first waits on it).
_slots: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Slots] = weakref.WeakKeyDictionary()


@asynccontextmanager
async def hashing_slot() -> AsyncIterator[None]:
    """Held while this process hashes a password: at most CONCURRENT_HASHES at once."""
    slots = _slots.setdefault(asyncio.get_running_loop(), _Slots())
    if slots.waiting >= MAX_WAITING:
        raise LoginThrottled(1)
    slots.waiting += 1
    try:
        await slots.semaphore.acquire()
    finally:
        slots.waiting -= 1
    try:
        yield
    finally:
        slots.semaphore.release()
