"""A server stopped in the middle of a delivery loses none: the next server sends it again,
with the same webhook-id (at least once)."""

from __future__ import annotations

import asyncio
import dataclasses
from pathlib import Path

import httpx
import pytest

from models import WebhookDelivery
from models.enums import WebhookDeliveryStatus
from settings import Settings
from tests.client import Tenant
from tests.live_server import free_port, start_server, stop_server, wait_until_up
from tests.webhook_receiver import Received, webhook_receiver

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
ENVIRONMENT = {
    "KUNDENSTAMM_WEBHOOK_TIMEOUT_S": "20",
    "KUNDENSTAMM_WEBHOOK_RETRY_SCHEDULE": "0,1,1",
}


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The tests' own app sends no webhooks: only the server processes do."""
    return dataclasses.replace(settings, webhook_delivery=False)


async def succeeded(tenant: Tenant) -> None:
    """Until the delivery is stored as SUCCEEDED (the outcome is written after the answer)."""
    done = WebhookDelivery.filter(
        organization_id=tenant.organization_id, status=WebhookDeliveryStatus.SUCCEEDED
    )
    async with asyncio.timeout(20):
        while True:
            if await done.exists():
                return
            await asyncio.sleep(0.2)


async def test_a_restart_in_the_middle_of_a_delivery_sends_it_again(
    tenant: Tenant, database_url: str, tmp_path: Path
) -> None:
    # given: the receiver holds the first attempt until the server has stopped
    release = asyncio.Event()

    async def hold_the_first(received: Received) -> int:
        if len(receiver.received) == 1:
            await release.wait()
            return 500
        return 200

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    headers = {"Authorization": f"Bearer {tenant.key}"}
    environment = {**ENVIRONMENT, "KUNDENSTAMM_EXPORT_DIR": str(tmp_path / "exports")}
    with (tmp_path / "server.log").open("wb") as log:
        async with webhook_receiver(hold_the_first) as receiver:
            data = await tenant.execute(ENDPOINT_CREATE, {"input": {"url": receiver.url}})
            assert data["webhookEndpointCreate"]["userErrors"] == []
            server = await start_server(database_url, port, environment, log=log, printed=False)
            try:
                await wait_until_up(url)
                async with httpx.AsyncClient(base_url=url) as http:
                    response = await http.post(
                        "/graphql",
                        json={
                            "query": CREATE,
                            "variables": {"input": {"type": "COMPANY", "companyName": "Firma"}},
                        },
                        headers=headers,
                    )
                assert response.json()["data"]["customerCreate"]["userErrors"] == []
                [first] = await receiver.wait_for(1)
                # when: the server stops while the attempt is in flight, and a new one starts
                await stop_server(server)
                release.set()
                server = await start_server(database_url, port, environment, log=log, printed=False)
                await wait_until_up(url)
                received = await receiver.wait_for(2, within=30)
                await succeeded(tenant)
            finally:
                await stop_server(server)
    # then
    assert [r.webhook_id for r in received] == [first.webhook_id] * 2
    assert received[0].body == received[1].body
    delivery = await WebhookDelivery.get(organization_id=tenant.organization_id)
    assert delivery.status is WebhookDeliveryStatus.SUCCEEDED
    assert delivery.attempts == 1, "the attempt cut off by the stop does not count"
