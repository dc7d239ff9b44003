"""Cross-origin web apps: only the configured origins may call the API from a browser."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator

import httpx
import pytest

from app import create_app
from domain.organizations import create_organization
from models import Organization
from settings import Settings, SettingsError

APP_ORIGIN = "https://app.example.de"
QUERY = "query { organization { name } }"
READ_ONLY = """
mutation ReadOnly($input: OrganizationSettingsInput!) {
  organizationSettingsUpdate(input: $input) { userErrors { field code message } }
}
"""


@pytest.fixture
async def cors_http(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(dataclasses.replace(settings, cors_origins=(APP_ORIGIN,)))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            yield http


@pytest.mark.parametrize(
    ("origin", "allowed"), [(APP_ORIGIN, True), ("https://evil.example.com", False)]
)
async def test_preflight_allows_only_configured_origins(
    cors_http: httpx.AsyncClient, origin: str, allowed: bool
) -> None:
    # when
    response = await cors_http.options(
        "/graphql",
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization,content-type",
        },
    )
    # then
    assert (response.headers.get("access-control-allow-origin") == origin) is allowed
    assert "access-control-allow-credentials" not in response.headers


async def test_a_web_app_may_send_an_idempotency_key_and_read_the_retry_headers(
    cors_http: httpx.AsyncClient,
) -> None:
    # given
    organization, key = await create_organization(name="Web GmbH")
    # when
    preflight = await cors_http.options(
        "/graphql",
        headers={
            "Origin": APP_ORIGIN,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization,content-type,idempotency-key",
        },
    )
    response = await cors_http.post(
        "/graphql",
        json={"query": READ_ONLY, "variables": {"input": {"customersReadOnly": True}}},
        headers={
            "Origin": APP_ORIGIN,
            "Authorization": f"Bearer {key.secret}",
            "Idempotency-Key": "rename-1",
        },
    )
    # then
    assert preflight.status_code == 200
    assert "idempotency-key" in preflight.headers["access-control-allow-headers"].lower()
    exposed = response.headers["access-control-expose-headers"].lower()
    assert "retry-after" in exposed
    assert "idempotent-replayed" in exposed
    assert response.json()["data"]["organizationSettingsUpdate"]["userErrors"] == []
    assert (await Organization.get(id=organization.id)).customers_read_only is True


async def test_cross_origin_request_with_a_key_gets_the_data(
    cors_http: httpx.AsyncClient,
) -> None:
    # given
    organization, key = await create_organization(name="Web GmbH")
    # when
    response = await cors_http.post(
        "/graphql",
        json={"query": QUERY},
        headers={"Origin": APP_ORIGIN, "Authorization": f"Bearer {key.secret}"},
    )
    # then
    assert response.headers["access-control-allow-origin"] == APP_ORIGIN
    assert response.json()["data"]["organization"]["name"] == "Web GmbH"
    assert (await Organization.get(id=organization.id)).name == "Web GmbH"


def test_production_refuses_a_wildcard_origin() -> None:
    # given
    environ = {
        "KUNDENSTAMM_ENV": "production",
        "KUNDENSTAMM_SECRET_KEY": "s" * 40,
        "KUNDENSTAMM_CORS_ORIGINS": "*",
    }
    # when / then
    with pytest.raises(SettingsError):
        Settings.from_env(environ)
