"""Webhook endpoints of an organization: created, changed, deleted, their secret rotated."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence

from tortoise.transactions import in_transaction

from domain.errors import DomainError, ErrorCode, not_found
from domain.events import feed_end
from domain.webhook_signing import new_secret
from domain.webhook_urls import UrlPolicy, check_endpoint_url
from models import WebhookEndpoint
from models.enums import EventType

# After a rotation the old secret signs too, so receivers can switch without a gap.
PREVIOUS_SECRET_VALID = dt.timedelta(hours=24)
MAX_ENDPOINTS = 20
MAX_DESCRIPTION = 1000


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def secrets_in_use(endpoint: WebhookEndpoint, now: dt.datetime | None = None) -> list[str]:
    """The current secret, and the previous one while it is still valid."""
    now = now or _now()
    valid = [endpoint.secret]
    if (
        endpoint.previous_secret
        and endpoint.previous_secret_until
        and (endpoint.previous_secret_until > now)
    ):
        valid.append(endpoint.previous_secret)
    return valid


def _description(value: str | None) -> str | None:
    if value is not None and len(value) > MAX_DESCRIPTION:
        raise DomainError.single(
            ErrorCode.TOO_LONG,
            f"At most {MAX_DESCRIPTION} characters.",
            ("description",),
        )
    return value


async def get_endpoint(organization_id: uuid.UUID, endpoint_id: uuid.UUID) -> WebhookEndpoint:
    endpoint = await WebhookEndpoint.get_or_none(id=endpoint_id, organization_id=organization_id)
    if endpoint is None:
        raise not_found("Webhook endpoint")
    return endpoint


async def list_endpoints(organization_id: uuid.UUID) -> list[WebhookEndpoint]:
    return await WebhookEndpoint.filter(organization_id=organization_id).order_by("created_at")


async def create_endpoint(
    *,
    organization_id: uuid.UUID,
    url: str,
    description: str | None,
    event_types: Sequence[EventType],
    policy: UrlPolicy,
) -> WebhookEndpoint:
    """Receives the events recorded from now on; the secret is on the returned row."""
    description = _description(description)
    await check_endpoint_url(url, policy)
    if await WebhookEndpoint.filter(organization_id=organization_id).count() >= MAX_ENDPOINTS:
        raise DomainError.single(
            ErrorCode.OUT_OF_RANGE, f"At most {MAX_ENDPOINTS} webhook endpoints.", ("url",)
        )
    start = await feed_end(organization_id)
    return await WebhookEndpoint.create(
        organization_id=organization_id,
        url=url,
        description=description,
        event_types=sorted({t.value for t in event_types}),
        secret=new_secret(),
        feed_txid=start.txid,
        feed_event_id=start.event_id,
    )


async def update_endpoint(
    *,
    organization_id: uuid.UUID,
    endpoint_id: uuid.UUID,
    url: str | None = None,
    description: str | None = None,
    clear_description: bool = False,
    event_types: Sequence[EventType] | None = None,
    enabled: bool | None = None,
    policy: UrlPolicy,
) -> WebhookEndpoint:
    endpoint = await get_endpoint(organization_id, endpoint_id)
    changes: dict[str, object] = {}
    if url is not None:
        await check_endpoint_url(url, policy)
        changes["url"] = url
    if description is not None or clear_description:
        changes["description"] = _description(description)
    if event_types is not None:
        changes["event_types"] = sorted({t.value for t in event_types})
    if enabled is not None:
        changes["enabled"] = enabled
        if enabled:
            changes["disabled_reason"] = None
    if changes:
        await WebhookEndpoint.filter(id=endpoint.id).update(**changes, updated_at=_now())
    return await get_endpoint(organization_id, endpoint_id)


async def delete_endpoint(*, organization_id: uuid.UUID, endpoint_id: uuid.UUID) -> uuid.UUID:
    """With its deliveries (the events stay in the feed)."""
    endpoint = await get_endpoint(organization_id, endpoint_id)
    await endpoint.delete()
    return endpoint.id


async def rotate_secret(*, organization_id: uuid.UUID, endpoint_id: uuid.UUID) -> WebhookEndpoint:
    """A new secret; the current one keeps signing beside it for PREVIOUS_SECRET_VALID."""
    async with in_transaction():
        # Locked: two rotations at once must not both keep the same previous secret.
        endpoint = (
            await WebhookEndpoint.filter(id=endpoint_id, organization_id=organization_id)
            .select_for_update()
            .first()
        )
        if endpoint is None:
            raise not_found("Webhook endpoint")
        now = _now()
        await WebhookEndpoint.filter(id=endpoint.id).update(
            secret=new_secret(),
            previous_secret=endpoint.secret,
            previous_secret_until=now + PREVIOUS_SECRET_VALID,
            updated_at=now,
        )
    return await get_endpoint(organization_id, endpoint_id)
