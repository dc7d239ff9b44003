"""Webhook endpoints (admins and write keys) and their deliveries."""

from __future__ import annotations

from domain import webhook_deliveries, webhook_endpoints
from domain.webhook_urls import UrlPolicy
from models.enums import EventType as StoredEventType
from resolvers.guards import require_settings_write
from resolvers.inputs import require_id, value_of
from resolvers.payloads import refusals_as
from schema.context import Info
from schema.enums import EventType
from schema.inputs import (
    WebhookDeliveryRetryInput,
    WebhookEndpointCreateInput,
    WebhookEndpointIdInput,
    WebhookEndpointUpdateInput,
)
from schema.node import encode_id
from schema.payloads import (
    WebhookDeliveryPayload,
    WebhookEndpointDeletePayload,
    WebhookEndpointPayload,
)
from schema.types.webhook import WebhookDelivery, WebhookEndpoint
from settings import Settings


def _policy(info: Info) -> UrlPolicy:
    settings: Settings = info.context.request.app.state.settings
    return UrlPolicy(
        production=settings.environment == "production",
        allow_private=settings.webhook_allow_private,
    )


def _stored(types: list[EventType] | None) -> list[StoredEventType]:
    return [StoredEventType(t.value) for t in types or ()]


async def webhook_endpoints_list(info: Info) -> list[WebhookEndpoint]:
    rows = await webhook_endpoints.list_endpoints(info.context.principal.organization_id)
    return [WebhookEndpoint.from_model(row) for row in rows]


@refusals_as(WebhookEndpointPayload)
async def webhook_endpoint_create(
    info: Info, input: WebhookEndpointCreateInput
) -> WebhookEndpointPayload:
    require_settings_write(info)
    row = await webhook_endpoints.create_endpoint(
        organization_id=info.context.principal.organization_id,
        url=input.url,
        description=input.description,
        event_types=_stored(input.event_types),
        policy=_policy(info),
    )
    return WebhookEndpointPayload(
        webhook_endpoint=WebhookEndpoint.from_model(row), secret=row.secret
    )


@refusals_as(WebhookEndpointPayload)
async def webhook_endpoint_update(
    info: Info, input: WebhookEndpointUpdateInput
) -> WebhookEndpointPayload:
    require_settings_write(info)
    description = input.description
    event_types = value_of(input.event_types)
    row = await webhook_endpoints.update_endpoint(
        organization_id=info.context.principal.organization_id,
        endpoint_id=require_id(input.id, "WebhookEndpoint"),
        url=value_of(input.url),
        description=value_of(description),
        clear_description=description is not None and description.value is None,
        event_types=_stored(event_types) if event_types is not None else None,
        enabled=value_of(input.enabled),
        policy=_policy(info),
    )
    return WebhookEndpointPayload(webhook_endpoint=WebhookEndpoint.from_model(row))


@refusals_as(WebhookEndpointDeletePayload)
async def webhook_endpoint_delete(
    info: Info, input: WebhookEndpointIdInput
) -> WebhookEndpointDeletePayload:
    require_settings_write(info)
    deleted = await webhook_endpoints.delete_endpoint(
        organization_id=info.context.principal.organization_id,
        endpoint_id=require_id(input.id, "WebhookEndpoint"),
    )
    return WebhookEndpointDeletePayload(
        deleted_webhook_endpoint_id=encode_id("WebhookEndpoint", deleted)
    )


@refusals_as(WebhookEndpointPayload)
async def webhook_endpoint_rotate_secret(
    info: Info, input: WebhookEndpointIdInput
) -> WebhookEndpointPayload:
    require_settings_write(info)
    row = await webhook_endpoints.rotate_secret(
        organization_id=info.context.principal.organization_id,
        endpoint_id=require_id(input.id, "WebhookEndpoint"),
    )
    return WebhookEndpointPayload(
        webhook_endpoint=WebhookEndpoint.from_model(row), secret=row.secret
    )


@refusals_as(WebhookDeliveryPayload)
async def webhook_delivery_retry(
    info: Info, input: WebhookDeliveryRetryInput
) -> WebhookDeliveryPayload:
    require_settings_write(info)
    row = await webhook_deliveries.retry_now(
        organization_id=info.context.principal.organization_id,
        delivery_id=require_id(input.id, "WebhookDelivery"),
    )
    info.context.after_commit.append(info.context.request.app.state.webhook_runner.wake)
    return WebhookDeliveryPayload(webhook_delivery=WebhookDelivery.from_model(row))
