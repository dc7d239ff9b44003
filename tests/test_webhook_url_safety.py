"""An endpoint's address is checked again at every delivery: one that is no longer allowed
(here: http, and loopback, in production) gets nothing, and the delivery log says why."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator

import httpx
import pytest

from app import create_app
from models import WebhookDelivery
from models.enums import WebhookDeliveryStatus
from settings import Settings
from tests.client import Api, Tenant
from tests.webhook_receiver import webhook_receiver

ENDPOINT_CREATE = """
mutation EndpointCreate($input: WebhookEndpointCreateInput!) {
  webhookEndpointCreate(input: $input) { secret userErrors { code } }
}
"""
CREATE = """
mutation Create($input: CustomerCreateInput!) {
  customerCreate(input: $input) { customer { id } userErrors { code } }
}
"""


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The development app (where the endpoint is made) sends nothing itself."""
    return dataclasses.replace(
        settings, webhook_delivery=False, webhook_retry_schedule=(0,), webhook_timeout_s=1
    )


@pytest.fixture
async def production(settings: Settings) -> AsyncIterator[Api]:
    """A production server process on the same database: it sends the webhooks."""
    app = create_app(dataclasses.replace(settings, environment="production", webhook_delivery=True))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            yield Api(http)


async def test_a_delivery_to_an_address_no_longer_allowed_is_refused(
    tenant: Tenant, production: Api
) -> None:
    # given: an endpoint accepted in development, on loopback over http
    async with webhook_receiver() as receiver:
        created = await tenant.execute(ENDPOINT_CREATE, {"input": {"url": receiver.url}})
        assert created["webhookEndpointCreate"]["userErrors"] == []
        # when: the production process delivers
        data = await production.execute(
            CREATE, {"input": {"type": "COMPANY", "companyName": "Firma"}}, key=tenant.key
        )
        assert data["customerCreate"]["userErrors"] == []
        deliveries = WebhookDelivery.filter(
            organization_id=tenant.organization_id, status=WebhookDeliveryStatus.FAILED
        )
        async with asyncio.timeout(15):
            while True:
                if await deliveries.exists():
                    break
                await asyncio.sleep(0.2)
    # then
    assert receiver.received == []
    delivery = await deliveries.get()
    assert delivery.response_status is None
    assert delivery.last_error is not None
    assert delivery.last_error.startswith("refused: The URL must use https")
