"""Webhook endpoints: created, changed, deleted and their secret rotated by admins and write
keys; the secret shown only in those answers; URLs that would reach inside refused."""

from __future__ import annotations

import base64
import dataclasses
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from app import create_app
from models import WebhookEndpoint
from settings import Settings
from tests.client import Api, Tenant

CREATE = """
mutation EndpointCreate($input: WebhookEndpointCreateInput!) {
  webhookEndpointCreate(input: $input) {
    webhookEndpoint { id url description eventTypes enabled createdAt }
    secret
    userErrors { field code message }
  }
}
"""
UPDATE = """
mutation EndpointUpdate($input: WebhookEndpointUpdateInput!) {
  webhookEndpointUpdate(input: $input) {
    webhookEndpoint { id url description eventTypes enabled }
    secret
    userErrors { field code message }
  }
}
"""
DELETE = """
mutation EndpointDelete($id: ID!) {
  webhookEndpointDelete(input: {id: $id}) { deletedWebhookEndpointId userErrors { code } }
}
"""
ROTATE = """
mutation Rotate($id: ID!) {
  webhookEndpointRotateSecret(input: {id: $id}) {
    webhookEndpoint { id } secret userErrors { code }
  }
}
"""
ENDPOINTS = "query Endpoints { webhookEndpoints { id url eventTypes enabled } }"
URL = "http://127.0.0.1:9/hooks"


async def create(tenant: Tenant, **fields: Any) -> dict[str, Any]:
    data = await tenant.execute(CREATE, {"input": {"url": URL, **fields}})
    payload: dict[str, Any] = data["webhookEndpointCreate"]
    return payload


async def test_create_shows_the_secret_once(tenant: Tenant) -> None:
    # when
    payload = await create(tenant, description="Buchhaltung", eventTypes=["CUSTOMER_CREATED"])
    listed = await tenant.execute(ENDPOINTS)
    # then
    assert payload["userErrors"] == []
    endpoint = payload["webhookEndpoint"]
    assert endpoint["url"] == URL
    assert endpoint["eventTypes"] == ["CUSTOMER_CREATED"]
    assert endpoint["enabled"] is True
    secret = payload["secret"]
    assert secret.startswith("whsec_")
    assert len(base64.b64decode(secret.removeprefix("whsec_"))) >= 24
    assert listed["webhookEndpoints"] == [
        {"id": endpoint["id"], "url": URL, "eventTypes": ["CUSTOMER_CREATED"], "enabled": True}
    ]
    stored = await WebhookEndpoint.get(organization_id=tenant.organization_id)
    assert (stored.secret, stored.description) == (secret, "Buchhaltung")


async def test_update_changes_what_is_given_and_shows_no_secret(tenant: Tenant) -> None:
    # given
    endpoint = (await create(tenant, description="alt"))["webhookEndpoint"]
    # when
    data = await tenant.execute(
        UPDATE,
        {
            "input": {
                "id": endpoint["id"],
                "eventTypes": ["ADDRESS_UPDATED"],
                "enabled": False,
                "description": None,
            }
        },
    )
    # then
    payload = data["webhookEndpointUpdate"]
    assert payload["userErrors"] == []
    assert payload["secret"] is None
    assert payload["webhookEndpoint"] == {
        "id": endpoint["id"],
        "url": URL,
        "description": None,
        "eventTypes": ["ADDRESS_UPDATED"],
        "enabled": False,
    }
    stored = await WebhookEndpoint.get(organization_id=tenant.organization_id)
    assert (stored.event_types, stored.enabled, stored.description) == (
        ["ADDRESS_UPDATED"],
        False,
        None,
    )


async def test_rotation_keeps_the_old_secret_for_24_hours(tenant: Tenant) -> None:
    # given
    created = await create(tenant)
    # when
    data = await tenant.execute(ROTATE, {"id": created["webhookEndpoint"]["id"]})
    # then
    payload = data["webhookEndpointRotateSecret"]
    assert payload["userErrors"] == []
    assert payload["secret"].startswith("whsec_")
    assert payload["secret"] != created["secret"]
    stored = await WebhookEndpoint.get(organization_id=tenant.organization_id)
    assert (stored.secret, stored.previous_secret) == (payload["secret"], created["secret"])
    assert stored.previous_secret_until is not None
    left = stored.previous_secret_until - stored.updated_at
    assert 23.9 * 3600 < left.total_seconds() <= 24 * 3600


async def test_delete_removes_it(tenant: Tenant) -> None:
    # given
    endpoint = (await create(tenant))["webhookEndpoint"]
    # when
    data = await tenant.execute(DELETE, {"id": endpoint["id"]})
    # then
    assert data["webhookEndpointDelete"] == {
        "deletedWebhookEndpointId": endpoint["id"],
        "userErrors": [],
    }
    assert await WebhookEndpoint.filter(organization_id=tenant.organization_id).count() == 0


async def test_another_organization_cannot_see_or_change_it(
    tenant: Tenant, other_tenant: Tenant
) -> None:
    # given
    endpoint = (await create(tenant))["webhookEndpoint"]
    # when
    listed = await other_tenant.execute(ENDPOINTS)
    deleted = await other_tenant.execute(DELETE, {"id": endpoint["id"]})
    rotated = await other_tenant.execute(ROTATE, {"id": endpoint["id"]})
    # then
    assert listed["webhookEndpoints"] == []
    assert deleted["webhookEndpointDelete"]["userErrors"] == [{"code": "NOT_FOUND"}]
    assert rotated["webhookEndpointRotateSecret"]["secret"] is None
    assert await WebhookEndpoint.filter(organization_id=tenant.organization_id).count() == 1


async def test_a_read_key_may_not_create_one(tenant: Tenant, read_only_key: str) -> None:
    # when
    data = await tenant.api.execute(CREATE, {"input": {"url": URL}}, key=read_only_key)
    # then
    payload = data["webhookEndpointCreate"]
    assert [e["code"] for e in payload["userErrors"]] == ["FORBIDDEN"]
    assert payload["secret"] is None
    assert await WebhookEndpoint.filter(organization_id=tenant.organization_id).count() == 0


@pytest.mark.parametrize(
    "url",
    [
        "http://partner.example.com/hooks",  # http beyond this machine
        "ftp://127.0.0.1/hooks",
        "https://user:pw@partner.example.com/hooks",
        "not a url",
    ],
)
async def test_unsafe_urls_are_refused(tenant: Tenant, url: str) -> None:
    # when
    payload = await create(tenant, url=url)
    # then
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [
        (["input", "url"], "INVALID")
    ]
    assert payload["secret"] is None
    assert await WebhookEndpoint.filter(organization_id=tenant.organization_id).count() == 0


@pytest.fixture
async def production(settings: Settings) -> AsyncIterator[Api]:
    """The app as in production (webhook addresses checked), on the same database."""
    app = create_app(dataclasses.replace(settings, environment="production"))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            yield Api(http)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/hooks",  # http, even to loopback
        "https://localhost/hooks",
        "https://127.0.0.1/hooks",
        "https://10.1.2.3/hooks",
        "https://192.168.0.10/hooks",
        "https://169.254.169.254/latest/meta-data",  # the cloud metadata service
        "https://[::1]/hooks",
        "https://[::ffff:10.0.0.1]/hooks",
    ],
)
async def test_production_refuses_internal_addresses(
    tenant: Tenant, production: Api, url: str
) -> None:
    # when
    data = await production.execute(CREATE, {"input": {"url": url}}, key=tenant.key)
    # then
    payload = data["webhookEndpointCreate"]
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [
        (["input", "url"], "INVALID")
    ]
    assert await WebhookEndpoint.filter(organization_id=tenant.organization_id).count() == 0


async def test_production_accepts_a_public_https_address(tenant: Tenant, production: Api) -> None:
    # when: an address literal, so no DNS is needed
    url = "https://93.184.215.14/hooks"
    data = await production.execute(CREATE, {"input": {"url": url}}, key=tenant.key)
    # then
    assert data["webhookEndpointCreate"]["userErrors"] == []
    stored = await WebhookEndpoint.get(organization_id=tenant.organization_id)
    assert stored.url == url
