"""Deliveries of events to webhook endpoints: created from the feed, claimed, retried.

Any server process may send any delivery. Fan-out follows each endpoint's position in
the feed (so an endpoint misses no event and gets none twice), a claim leases a due
delivery for one attempt (PostgreSQL: FOR UPDATE SKIP LOCKED; SQLite's writes are
serial), and a lease that runs out (its process died) makes the delivery due again:
at least once, always with the same webhook-id.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from tortoise.expressions import F, Q, Subquery
from tortoise.transactions import in_transaction

from domain.errors import not_found
from domain.events import FeedPosition, after, settled
from models import Event, WebhookDelivery, WebhookEndpoint
from models.enums import WebhookDeliveryStatus

FAN_OUT_BATCH = 1000
MAX_ERROR = 500


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class _Moved(Exception):
    """Another process advanced the endpoint meanwhile: roll back, it did the work."""


async def fan_out(endpoint_id: uuid.UUID) -> int:
    """Deliveries for the settled events after the endpoint's position (a batch)."""
    endpoint = await WebhookEndpoint.get_or_none(id=endpoint_id, enabled=True)
    if endpoint is None:
        return 0
    position = FeedPosition(endpoint.feed_txid, endpoint.feed_event_id)
    pending = after(Event.filter(organization_id=endpoint.organization_id), position)
    # Looked at outside a transaction first: most rounds find nothing to do.
    if not await (await settled(pending)).exists():
        return 0
    try:
        async with in_transaction():
            events = (
                await (await settled(pending)).limit(FAN_OUT_BATCH).values("id", "txid", "type")
            )
            if not events:
                return 0
            wanted = set(endpoint.event_types)
            now = _now()
            rows = [
                WebhookDelivery(
                    organization_id=endpoint.organization_id,
                    endpoint_id=endpoint.id,
                    event_id=event["id"],
                    next_attempt_at=now,
                )
                for event in events
                if not wanted or str(event["type"].value) in wanted
            ]
            await WebhookDelivery.bulk_create(rows, batch_size=500)
            last = events[-1]
            moved = await WebhookEndpoint.filter(
                id=endpoint.id, feed_txid=position.txid, feed_event_id=position.event_id
            ).update(feed_txid=last["txid"], feed_event_id=last["id"])
            if moved != 1:
                raise _Moved
    except _Moved:
        return 0
    return len(rows)


async def endpoints_to_fan_out() -> list[uuid.UUID]:
    ids = await WebhookEndpoint.filter(enabled=True).values_list("id", flat=True)
    return [uuid.UUID(str(pk)) for pk in ids]


@dataclass(frozen=True, slots=True)
class Claimed:
    """A delivery leased for one attempt, with what it sends."""

    delivery: WebhookDelivery
    event: Event
    endpoint: WebhookEndpoint


async def claim_due(limit: int, lease: dt.timedelta) -> list[Claimed]:
    """Up to `limit` due deliveries of enabled endpoints, leased to this process."""
    now = _now()
    async with in_transaction():
        ids = (
            await WebhookDelivery.filter(
                status=WebhookDeliveryStatus.PENDING,
                next_attempt_at__lte=now,
                endpoint_id__in=Subquery(WebhookEndpoint.filter(enabled=True).values("id")),
            )
            .order_by("next_attempt_at")
            .limit(limit)
            .select_for_update(skip_locked=True)
            .values_list("id", flat=True)
        )
        if not ids:
            return []
        await WebhookDelivery.filter(id__in=ids).update(
            next_attempt_at=now + lease, attempts=F("attempts") + 1, last_attempt_at=now
        )
    deliveries = await WebhookDelivery.filter(id__in=ids)
    events = {e.id: e for e in await Event.filter(id__in={d.event_id for d in deliveries})}
    endpoints = {
        e.id: e for e in await WebhookEndpoint.filter(id__in={d.endpoint_id for d in deliveries})
    }
    return [
        Claimed(d, events[d.event_id], endpoints[d.endpoint_id])
        for d in deliveries
        if d.event_id in events and d.endpoint_id in endpoints
    ]


@dataclass(frozen=True, slots=True)
class Outcome:
    delivery_id: uuid.UUID
    endpoint_id: uuid.UUID
    attempt: int
    """The delivery's attempt count when claimed: fences an outcome that came too late."""
    succeeded: bool
    response_status: int | None
    error: str | None
    gone: bool = False
    """The receiver answered 410 Gone: it wants no more deliveries."""


@dataclass(frozen=True, slots=True)
class _Written:
    """What an outcome writes; `attempt` fences it (a later claim or retry wins)."""

    attempt: int
    status: WebhookDeliveryStatus
    next_attempt_at: dt.datetime | None
    response_status: int | None
    last_error: str | None


async def record_outcomes(outcomes: Sequence[Outcome], schedule: Sequence[int]) -> None:
    """The attempts' results in one transaction: done, due again later, or FAILED."""
    if not outcomes:
        return
    now = _now()
    # Outcomes that write the same values share one statement: a burst of successes is
    # one UPDATE, not one per delivery.
    groups: dict[_Written, list[uuid.UUID]] = defaultdict(list)
    for outcome in outcomes:
        error = None if outcome.error is None else outcome.error[:MAX_ERROR]
        if outcome.succeeded:
            status, due = WebhookDeliveryStatus.SUCCEEDED, None
        elif outcome.gone or outcome.attempt >= len(schedule):
            status, due = WebhookDeliveryStatus.FAILED, None
        else:
            status = WebhookDeliveryStatus.PENDING
            due = now + dt.timedelta(seconds=schedule[outcome.attempt])
        groups[_Written(outcome.attempt, status, due, outcome.response_status, error)].append(
            outcome.delivery_id
        )
    gone = {outcome.endpoint_id for outcome in outcomes if outcome.gone}
    async with in_transaction():
        for written, ids in groups.items():
            await WebhookDelivery.filter(
                id__in=ids, status=WebhookDeliveryStatus.PENDING, attempts=written.attempt
            ).update(
                status=written.status,
                next_attempt_at=written.next_attempt_at,
                response_status=written.response_status,
                last_error=written.last_error,
            )
        if gone:
            await WebhookEndpoint.filter(id__in=gone).update(
                enabled=False, disabled_reason="The receiver answered 410 Gone."
            )


async def hand_back(claims: Sequence[tuple[uuid.UUID, int]]) -> None:
    """On shutdown: attempts that were cut off are due again at once, and do not count."""
    for delivery_id, attempt in claims:
        await WebhookDelivery.filter(
            id=delivery_id, status=WebhookDeliveryStatus.PENDING, attempts=attempt
        ).update(next_attempt_at=_now(), attempts=F("attempts") - 1)


async def retry_now(*, organization_id: uuid.UUID, delivery_id: uuid.UUID) -> WebhookDelivery:
    """Send it again at once, also one that FAILED (then that one attempt decides)."""
    updated = await WebhookDelivery.filter(id=delivery_id, organization_id=organization_id).update(
        status=WebhookDeliveryStatus.PENDING, next_attempt_at=_now()
    )
    if not updated:
        raise not_found("Webhook delivery")
    return await WebhookDelivery.get(id=delivery_id)


# --- the delivery log ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LogPosition:
    created_at: dt.datetime
    delivery_id: uuid.UUID

    def cursor(self) -> str:
        raw = f"dl:{self.created_at.isoformat()}|{self.delivery_id}"
        return base64.urlsafe_b64encode(raw.encode()).decode()

    @classmethod
    def from_cursor(cls, cursor: str) -> LogPosition | None:
        try:
            raw = base64.urlsafe_b64decode(cursor.encode()).decode()
            created, _, delivery_id = raw.removeprefix("dl:").partition("|")
            return cls(dt.datetime.fromisoformat(created), uuid.UUID(delivery_id))
        except (ValueError, UnicodeError, binascii.Error):
            return None


async def delivery_log(
    endpoint_id: uuid.UUID,
    *,
    limit: int,
    position: LogPosition | None,
    status: WebhookDeliveryStatus | None,
) -> tuple[list[WebhookDelivery], bool]:
    """An endpoint's deliveries, newest first, and whether there are more."""
    query = WebhookDelivery.filter(endpoint_id=endpoint_id)
    if status is not None:
        query = query.filter(status=status)
    if position is not None:
        query = query.filter(
            Q(created_at__lt=position.created_at)
            | Q(created_at=position.created_at, id__lt=position.delivery_id)
        )
    rows = await query.order_by("-created_at", "-id").limit(limit + 1)
    return rows[:limit], len(rows) > limit


async def get_delivery(organization_id: uuid.UUID, delivery_id: uuid.UUID) -> WebhookDelivery:
    row = await WebhookDelivery.get_or_none(id=delivery_id, organization_id=organization_id)
    if row is None:
        raise not_found("Webhook delivery")
    return row
