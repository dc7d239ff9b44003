"""What changes between development and production: suggestions, GraphiQL, introspection."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

import httpx
import pytest

from app import create_app
from domain.organizations import create_organization
from models import Organization
from settings import Settings

TYPO = "query { organisation { name } }"
INTROSPECTION = "query { __schema { queryType { name } } }"

Client = Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]]


@pytest.fixture
def client_for(settings: Settings) -> Client:
    @asynccontextmanager
    async def client(**changes: object) -> AsyncIterator[httpx.AsyncClient]:
        app = create_app(dataclasses.replace(settings, **changes))  # type: ignore[arg-type]
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
                yield http

    return client


async def _post(http: httpx.AsyncClient, key: str, query: str) -> httpx.Response:
    return await http.post(
        "/graphql", json={"query": query}, headers={"Authorization": f"Bearer {key}"}
    )


@pytest.mark.parametrize(("environment", "hinted"), [("development", True), ("production", False)])
async def test_suggestions_only_in_development(
    client_for: Client, environment: str, hinted: bool
) -> None:
    # given
    async with client_for(environment=environment) as http:
        organization, key = await create_organization(name="Hinweis GmbH")
        # when
        response = await _post(http, key.secret, TYPO)
        # then
        message = response.json()["errors"][0]["message"]
        assert "organisation" in message
        assert ("Did you mean" in message) is hinted
        assert await Organization.filter(id=organization.id).exists()


@pytest.mark.parametrize("introspection", [True, False])
async def test_introspection_can_be_switched_off(client_for: Client, introspection: bool) -> None:
    # given
    async with client_for(introspection=introspection) as http:
        organization, key = await create_organization(name="Schema GmbH")
        # when
        response = await _post(http, key.secret, INTROSPECTION)
        # then
        body = response.json()
        if introspection:
            assert body["data"]["__schema"]["queryType"]["name"] == "Query"
        else:
            assert body.get("data") is None
            assert "introspection" in body["errors"][0]["message"].lower()
        assert await Organization.filter(id=organization.id).exists()


@pytest.mark.parametrize("graphiql", [True, False])
async def test_graphiql_can_be_switched_off(client_for: Client, graphiql: bool) -> None:
    # when
    async with client_for(graphiql=graphiql) as http:
        response = await http.get("/graphql", headers={"Accept": "text/html"})
        organizations = await Organization.all().count()
    # then
    assert response.status_code == (200 if graphiql else 404)
    assert ("<html" in response.text.lower()) is graphiql
    assert organizations == 0


def test_production_defaults_turn_graphiql_off() -> None:
    # when
    production = Settings.from_env(
        {"KUNDENSTAMM_ENV": "production", "KUNDENSTAMM_SECRET_KEY": "s" * 40}
    )
    development = Settings.from_env({})
    # then
    assert (production.graphiql, production.introspection) == (False, True)
    assert (development.graphiql, development.introspection) == (True, True)
