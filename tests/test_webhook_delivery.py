"""Webhook deliveries to real local receivers: signed per Standard Webhooks, filtered by
type, retried on the schedule, and never sent to another organization."""

from __future__ import annotations

import asyncio
import dataclasses
from typing import Any

import pytest
import standardwebhooks

from models import WebhookDelivery, WebhookEndpoint
from models.enums import WebhookDeliveryStatus
from settings import Settings
from tests import helpers
from tests.client import Tenant
from tests.webhook_receiver import Received, closed_port_url, webhook_receiver

ENDPOINT_CREATE = """
mutation EndpointCreate($input: WebhookEndpointCreateInput!) {
  webhookEndpointCreate(input: $input) {
    webhookEndpoint { id url eventTypes enabled }
    secret
    userErrors { field code message }
  }
}
"""
ROTATE = """
mutation Rotate($id: ID!) {
  webhookEndpointRotateSecret(input: {id: $id}) { secret userErrors { code } }
}
"""
DELIVERIES = """
query Deliveries {
  webhookEndpoints {
    id enabled
    deliveries(first: 20) {
      edges { node { id status attempts responseStatus lastError event { id type } } }
    }
  }
}
"""
RETRY = """
mutation Retry($id: ID!) {
  webhookDeliveryRetry(input: {id: $id}) { webhookDelivery { id status } userErrors { code } }
}
"""
CREATE = """
mutation Create($input: CustomerCreateInput!) {
  customerCreate(input: $input) { customer { id version } userErrors { code } }
}
"""
UPDATE = """
mutation Update($input: CustomerUpdateInput!) {
  customerUpdate(input: $input) { customer { id version } userErrors { code } }
}
"""
# Attempts at once, then after 1 s and 1 s: three in all.
SCHEDULE = (0, 1, 1)


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return dataclasses.replace(settings, webhook_retry_schedule=SCHEDULE, webhook_timeout_s=1)


async def subscribe(tenant: Tenant, url: str, types: list[str] | None = None) -> dict[str, Any]:
    data = await tenant.execute(ENDPOINT_CREATE, {"input": {"url": url, "eventTypes": types}})
    payload: dict[str, Any] = data["webhookEndpointCreate"]
    assert payload["userErrors"] == []
    return payload


async def create_customer(tenant: Tenant, name: str = "Muster") -> dict[str, Any]:
    return await helpers.create_customer(
        tenant, CREATE, type="PERSON", firstName="Erika", lastName=name
    )


async def deliveries(tenant: Tenant) -> list[dict[str, Any]]:
    data = await tenant.execute(DELIVERIES)
    [endpoint] = data["webhookEndpoints"]
    return [edge["node"] for edge in endpoint["deliveries"]["edges"]]


async def settled_deliveries(tenant: Tenant, within: float = 15.0) -> list[dict[str, Any]]:
    """The delivery log once nothing is PENDING any more."""
    async with asyncio.timeout(within):
        while True:
            found = await deliveries(tenant)
            if found and all(d["status"] != "PENDING" for d in found):
                return found
            await asyncio.sleep(0.2)


async def test_a_delivery_verifies_with_standardwebhooks(tenant: Tenant) -> None:
    # given
    async with webhook_receiver() as receiver:
        endpoint = await subscribe(tenant, receiver.url)
        secret = endpoint["secret"]
        # when
        customer = await create_customer(tenant)
        [received] = await receiver.wait_for(1)
    # then
    assert secret.startswith("whsec_")
    payload = standardwebhooks.Webhook(secret).verify(received.body, received.headers)
    assert payload["type"] == "customer.created"
    assert payload["data"]["customer"]["id"] == customer["id"]
    assert payload["data"]["customer"]["version"] == 1
    assert received.headers["content-type"] == "application/json"
    assert received.headers["webhook-signature"].startswith("v1,")
    [delivery] = await settled_deliveries(tenant)
    assert delivery["status"] == "SUCCEEDED"
    assert delivery["attempts"] == 1
    assert delivery["responseStatus"] == 204
    assert delivery["event"]["id"] == received.webhook_id
    stored = await WebhookDelivery.get(organization_id=tenant.organization_id)
    assert stored.status is WebhookDeliveryStatus.SUCCEEDED


async def test_only_the_subscribed_event_types_are_sent(tenant: Tenant) -> None:
    # given
    async with webhook_receiver() as receiver:
        await subscribe(tenant, receiver.url, ["CUSTOMER_UPDATED"])
        customer = await create_customer(tenant)
        # when
        await tenant.execute(UPDATE, {"input": {"id": customer["id"], "lastName": "Neu"}})
        [received] = await receiver.wait_for(1)
        await asyncio.sleep(1.5)  # time for anything else to arrive
    # then
    assert received.json()["type"] == "customer.updated"
    assert received.json()["data"]["customer"]["lastName"] == "Neu"
    assert len(receiver.received) == 1
    assert await WebhookDelivery.filter(organization_id=tenant.organization_id).count() == 1


async def test_a_500_is_retried_with_the_same_webhook_id_until_it_succeeds(
    tenant: Tenant,
) -> None:
    # given
    answers = iter([500, 500, 200])

    async def flaky(received: Received) -> int:
        return next(answers)

    async with webhook_receiver(flaky) as receiver:
        await subscribe(tenant, receiver.url)
        # when
        await create_customer(tenant)
        received = await receiver.wait_for(3)
    # then
    assert len({r.webhook_id for r in received}) == 1
    [delivery] = await settled_deliveries(tenant)
    assert (delivery["status"], delivery["attempts"]) == ("SUCCEEDED", 3)


async def test_a_receiver_that_always_fails_ends_failed_with_its_last_error(
    tenant: Tenant,
) -> None:
    # given
    async def broken(received: Received) -> int:
        return 500

    async with webhook_receiver(broken) as receiver:
        await subscribe(tenant, receiver.url)
        # when
        await create_customer(tenant)
        [delivery] = await settled_deliveries(tenant)
    # then
    assert (delivery["status"], delivery["attempts"]) == ("FAILED", len(SCHEDULE))
    assert delivery["responseStatus"] == 500
    assert delivery["lastError"].startswith("HTTP 500")
    assert len(receiver.received) == len(SCHEDULE)


async def test_a_receiver_that_hangs_times_out_and_does_not_slow_the_api(
    tenant: Tenant,
) -> None:
    # given
    async def hang(received: Received) -> int:
        await asyncio.sleep(30)
        return 200

    async with webhook_receiver(hang) as receiver:
        await subscribe(tenant, receiver.url)
        await create_customer(tenant)
        await receiver.wait_for(1)
        # when: the API answers while the receiver holds the delivery
        started = asyncio.get_running_loop().time()
        await create_customer(tenant, "Zweite")
        took = asyncio.get_running_loop().time() - started
        found = await settled_deliveries(tenant, within=20)
    # then
    assert took < 0.5
    assert {(d["status"], d["lastError"]) for d in found} == {("FAILED", "timeout after 1 s")}
    assert all(d["responseStatus"] is None for d in found)


async def test_a_refused_connection_is_an_error_and_retry_sends_again(tenant: Tenant) -> None:
    # given
    await subscribe(tenant, closed_port_url())
    await create_customer(tenant)
    [failed] = await settled_deliveries(tenant)
    assert failed["status"] == "FAILED"
    assert failed["lastError"].startswith("connection failed")
    # when: the receiver is up now, at another address, and the delivery is sent again
    async with webhook_receiver() as receiver:
        endpoint = await WebhookEndpoint.get(organization_id=tenant.organization_id)
        await WebhookEndpoint.filter(id=endpoint.id).update(url=receiver.url)
        data = await tenant.execute(RETRY, {"id": failed["id"]})
        [received] = await receiver.wait_for(1)
        [retried] = await settled_deliveries(tenant)
    # then
    assert data["webhookDeliveryRetry"]["userErrors"] == []
    assert received.webhook_id == failed["event"]["id"]
    assert (retried["status"], retried["attempts"]) == ("SUCCEEDED", len(SCHEDULE) + 1)


async def test_a_410_disables_the_endpoint(tenant: Tenant) -> None:
    # given
    async def gone(received: Received) -> int:
        return 410

    async with webhook_receiver(gone) as receiver:
        await subscribe(tenant, receiver.url)
        # when
        await create_customer(tenant)
        [delivery] = await settled_deliveries(tenant)
        await create_customer(tenant, "Danach")
        await asyncio.sleep(1.5)
    # then
    assert (delivery["status"], delivery["attempts"]) == ("FAILED", 1)
    assert len(receiver.received) == 1
    data = await tenant.execute(DELIVERIES)
    assert data["webhookEndpoints"][0]["enabled"] is False
    endpoint = await WebhookEndpoint.get(organization_id=tenant.organization_id)
    assert endpoint.enabled is False


async def test_after_a_rotation_both_secrets_sign(tenant: Tenant) -> None:
    # given
    async with webhook_receiver() as receiver:
        endpoint = await subscribe(tenant, receiver.url)
        old = endpoint["secret"]
        rotated = await tenant.execute(ROTATE, {"id": endpoint["webhookEndpoint"]["id"]})
        new = rotated["webhookEndpointRotateSecret"]["secret"]
        # when
        await create_customer(tenant)
        [received] = await receiver.wait_for(1)
    # then
    assert new != old
    assert new.startswith("whsec_")
    assert len(received.headers["webhook-signature"].split(" ")) == 2
    for secret in (old, new):
        standardwebhooks.Webhook(secret).verify(received.body, received.headers)
    stored = await WebhookEndpoint.get(organization_id=tenant.organization_id)
    assert (stored.secret, stored.previous_secret) == (new, old)


async def test_another_organization_never_receives_an_event(
    tenant: Tenant, other_tenant: Tenant
) -> None:
    # given
    async with webhook_receiver() as ours, webhook_receiver() as theirs:
        await subscribe(tenant, ours.url)
        await subscribe(other_tenant, theirs.url)
        # when
        customer = await create_customer(tenant)
        [received] = await ours.wait_for(1)
        await asyncio.sleep(1.5)
    # then
    assert received.json()["data"]["customer"]["id"] == customer["id"]
    assert theirs.received == []
    assert await WebhookDelivery.filter(organization_id=other_tenant.organization_id).count() == 0
