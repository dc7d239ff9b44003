"""Idempotent mutations: a retry with the same Idempotency-Key gets the first response.

The response is stored in the transaction that makes the change, so either both are
committed or neither: a crash in between cannot leave a change without its record (a
retry would repeat it) or a record without its change. While one request with a key
runs, its twins are told so (PostgreSQL: an advisory lock, visible to every process;
SQLite: the database's write lock makes twins of other processes wait their turn and
then find the stored response).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient, TransactionContext
from tortoise.transactions import in_transaction

from models import IdempotencyRecord

RETENTION = dt.timedelta(hours=24)
MAX_KEY_LENGTH = 255


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


# The customers whose data a keyed request's response shows, noted as the response is
# built, and stored beside it: an anonymization finds the responses it must redact.
_shown: ContextVar[set[uuid.UUID] | None] = ContextVar("customers_shown", default=None)


@contextmanager
def noting_customers() -> Iterator[set[uuid.UUID]]:
    shown: set[uuid.UUID] = set()
    token = _shown.set(shown)
    try:
        yield shown
    finally:
        _shown.reset(token)


def note_customer(customer_id: uuid.UUID) -> None:
    """Called where a response takes data of a customer; a no-op outside keyed requests."""
    shown = _shown.get()
    if shown is not None:
        shown.add(customer_id)


# What a retry gets once the stored response held data that an anonymization erased. The
# key stays taken, so the mutation is still not repeated.
ERASED_STATUS = 410
ERASED_RESPONSE = {
    "errors": [
        {
            "message": "The request was carried out, but its response held personal data "
            "that has since been erased (customerAnonymize); it is not repeated.",
            "extensions": {"code": "IDEMPOTENT_RESPONSE_ERASED"},
        }
    ]
}


async def erase_stored_responses(organization_id: uuid.UUID, customer_id: uuid.UUID) -> int:
    erased: int = await IdempotencyRecord.filter(
        organization_id=organization_id, customer_ids__contains=str(customer_id)
    ).update(status_code=ERASED_STATUS, response=json.dumps(ERASED_RESPONSE), customer_ids=None)
    return erased


def valid_key(key: str) -> bool:
    """Printable ASCII, as HTTP header values are; UUIDs are the usual choice."""
    return 0 < len(key) <= MAX_KEY_LENGTH and all(" " <= char <= "~" for char in key)


def fingerprint(secret_key: str, caller: str, request: dict[str, Any]) -> str:
    """Who asked and what exactly: a key reused for anything else is refused.

    An HMAC, not a bare hash: requests carry personal data, and a bare hash of a
    guessable request could be confirmed by anyone who reads the table.
    """
    canonical = json.dumps(
        {"caller": caller, "request": request}, sort_keys=True, ensure_ascii=False
    )
    return hmac.new(
        secret_key.encode(), canonical.encode("utf-8", "surrogatepass"), hashlib.sha256
    ).hexdigest()


async def stored_response(organization_id: uuid.UUID, key: str) -> IdempotencyRecord | None:
    return await IdempotencyRecord.get_or_none(
        organization_id=organization_id, key=key, expires_at__gt=_now()
    )


async def purge_expired() -> int:
    deleted: int = await IdempotencyRecord.filter(expires_at__lte=_now()).delete()
    return deleted


def advisory_lock_id(organization_id: uuid.UUID, key: str) -> int:
    """The PostgreSQL advisory lock a request holds while it runs with this key."""
    digest = hashlib.sha256(f"{organization_id}:{key}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


@dataclass
class Claim:
    """One request's hold on its key: from before execution until its response is stored."""

    organization_id: uuid.UUID
    key: str
    fingerprint: str
    busy: bool = False
    """A twin is running right now."""
    earlier: IdempotencyRecord | None = None
    """A twin finished while this request waited."""
    unavailable: Exception | None = None
    """Why the database could not start a write transaction (in time)."""
    _transaction: TransactionContext | None = field(default=None, repr=False)

    @property
    def holding(self) -> bool:
        return self._transaction is not None

    async def begin(self) -> None:
        """Open the transaction the mutation will run in, unless a twin got there first."""
        transaction = in_transaction()
        try:
            client = await transaction.__aenter__()
        except Exception as error:
            # SQLite's busy timeout ran out behind another process's long write, or the
            # database is gone; our engines hand the connection back (database/). The
            # caller logs it with its request id when it answers DATABASE_BUSY.
            self.unavailable = error
            return
        self._transaction = transaction
        if not await self._lock(client):
            self.busy = True
            await self.release()
            return
        self.earlier = await stored_response(self.organization_id, self.key)
        if self.earlier is not None:
            await self.release()
            return
        # An expired record would block the new one; it has served its 24 hours.
        await IdempotencyRecord.filter(organization_id=self.organization_id, key=self.key).delete()

    async def _lock(self, client: BaseDBAsyncClient) -> bool:
        if client.capabilities.dialect != "postgres":
            return True  # BEGIN IMMEDIATE holds the whole database already
        rows = await client.execute_query_dict(
            "SELECT pg_try_advisory_xact_lock($1) AS locked",
            [advisory_lock_id(self.organization_id, self.key)],
        )
        return bool(rows[0]["locked"])

    async def complete(
        self, status_code: int, response: dict[str, Any], customers: Iterable[uuid.UUID] = ()
    ) -> None:
        """Store the response beside the change and commit both; `customers`: whose data
        the response shows."""
        assert self._transaction is not None
        now = _now()
        await IdempotencyRecord.create(
            organization_id=self.organization_id,
            key=self.key,
            fingerprint=self.fingerprint,
            status_code=status_code,
            response=json.dumps(response, ensure_ascii=False),
            customer_ids=" ".join(sorted(str(c) for c in customers)) or None,
            created_at=now,
            expires_at=now + RETENTION,
        )
        transaction, self._transaction = self._transaction, None
        await transaction.__aexit__(None, None, None)

    async def release(self) -> None:
        """Roll back whatever is still open (nothing is kept unless complete() ran)."""
        if self._transaction is None:
            return
        transaction, self._transaction = self._transaction, None
        await transaction.__aexit__(_Abandoned, _Abandoned(), None)


class _Abandoned(Exception):
    """Passed to the transaction's exit to make it roll back."""
