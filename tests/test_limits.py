"""Operators tune the request limits by setting; the server holds every request to them."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

import httpx
import pytest

from app import create_app
from domain.organizations import create_organization
from models import Customer
from settings import LIMITS, Settings, SettingsError
from tests.client import Api, Tenant
from tests.test_auth import padded_create

CREATE = """
mutation Create($input: CustomerCreateInput!) {
  customerCreate(input: $input) {
    customer { id }
    userErrors { field code message }
  }
}
"""

ORGANIZATION = "query Organization { organization { name } }"

PAGE = """
query Page($first: Int) {
  customers(first: $first) { edges { node { id } } }
}
"""

TWO_ALIASES = "query Two { a: organization { name } b: organization { name } }"
THREE_ALIASES = "query Three { a: organization { name } b: organization { name } c: __typename }"

COMPANY = {"type": "COMPANY", "companyName": "Muster GmbH"}


@dataclasses.dataclass
class Limited:
    api: Api
    tenant: Tenant


LimitedApp = Callable[..., AbstractAsyncContextManager[Limited]]


@pytest.fixture
def limited(settings: Settings) -> LimitedApp:
    """The app with some settings changed, and a tenant in it."""

    @asynccontextmanager
    async def app_with(**changes: Any) -> AsyncIterator[Limited]:
        app = create_app(dataclasses.replace(settings, **changes))
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
                api = Api(http)
                organization, key = await create_organization(name="Muster GmbH")
                yield Limited(api, Tenant(api=api, organization_id=organization.id, key=key.secret))

    return app_with


def refusal(response: httpx.Response) -> str:
    body = response.json()
    assert body.get("data") is None
    message: str = body["errors"][0]["message"]
    return message


# Settings


@pytest.mark.parametrize(("field", "variable", "low", "high"), LIMITS)
def test_each_limit_is_read_from_its_variable(
    field: str, variable: str, low: int, high: int
) -> None:
    # given
    environment = {variable: str(high)}
    if field == "max_query_cost":
        environment["KUNDENSTAMM_RATE_LIMIT_BUCKET"] = str(high)
    # when
    settings = Settings.from_env(environment)
    # then
    assert getattr(settings, field) == high


@pytest.mark.parametrize(("field", "variable", "low", "high"), LIMITS)
@pytest.mark.parametrize("shift", ["below", "above", "not-a-number", "underscores", "spaces"])
def test_a_limit_out_of_its_range_is_refused(
    field: str, variable: str, low: int, high: int, shift: str
) -> None:
    # given
    value = {
        "below": str(low - 1),
        "above": str(high + 1),
        "not-a-number": "1e3",
        "underscores": f"{low}_0",  # Python would read 10 x low, in range
        "spaces": f" {high} ",
    }[shift]
    # when / then
    with pytest.raises(SettingsError, match=variable):
        Settings.from_env({variable: value})


def test_without_variables_the_defaults_hold() -> None:
    # when
    settings = Settings.from_env({})
    # then
    assert (settings.max_depth, settings.max_aliases, settings.max_tokens) == (10, 30, 5000)
    assert settings.max_body_bytes == 1_048_576
    assert settings.max_page_size == 100
    assert settings.import_max_bytes == 20 * 1_048_576


# The configured limits at work


async def test_a_configured_depth_limit_refuses_deeper_documents(limited: LimitedApp) -> None:
    async with limited(max_depth=2) as app:
        # given
        await app.tenant.execute(CREATE, {"input": COMPANY})
        # when
        shallow = await app.api.post(ORGANIZATION, key=app.tenant.key)
        deep = await app.api.post(PAGE, {"first": 1}, key=app.tenant.key)
        # then
        assert shallow.json()["data"] == {"organization": {"name": "Muster GmbH"}}
        assert "depth" in refusal(deep)
        assert await Customer.filter(organization_id=app.tenant.organization_id).count() == 1


async def test_a_configured_alias_limit_counts_every_alias(limited: LimitedApp) -> None:
    async with limited(max_aliases=2) as app:
        # when
        two = await app.api.post(TWO_ALIASES, key=app.tenant.key)
        three = await app.api.post(THREE_ALIASES, key=app.tenant.key)
        # then
        assert two.json()["data"]["a"] == {"name": "Muster GmbH"}
        assert "alias" in refusal(three).lower()
        assert await Customer.filter(organization_id=app.tenant.organization_id).count() == 0


async def test_a_configured_token_limit_refuses_longer_documents(limited: LimitedApp) -> None:
    async with limited(max_tokens=100) as app:
        # given
        long_document = "query Long { " + " ".join(["__typename"] * 100) + " }"
        # when
        short = await app.api.post(ORGANIZATION, key=app.tenant.key)
        long = await app.api.post(long_document, key=app.tenant.key)
        # then
        assert short.status_code == 200
        assert "token" in refusal(long).lower()
        assert await Customer.filter(organization_id=app.tenant.organization_id).count() == 0


async def test_a_configured_page_size_caps_first_and_the_default(limited: LimitedApp) -> None:
    async with limited(max_page_size=5) as app:
        # given
        for n in range(7):
            company = {**COMPANY, "companyName": f"Firma {n}"}
            await app.tenant.execute(CREATE, {"input": company})
        # when
        five = await app.tenant.execute(PAGE, {"first": 5})
        unasked = await app.tenant.execute(PAGE, {"first": None})
        six = await app.api.post(PAGE, {"first": 6}, key=app.tenant.key)
        # then
        assert len(five["customers"]["edges"]) == 5
        assert len(unasked["customers"]["edges"]) == 5
        error = six.json()["errors"][0]
        assert error["extensions"]["code"] == "BAD_USER_INPUT"
        assert "between 1 and 5" in error["message"]
        assert await Customer.filter(organization_id=app.tenant.organization_id).count() == 7


@pytest.mark.parametrize(("size", "status"), [(4096, 200), (4097, 413)])
async def test_a_configured_body_limit_holds_to_the_byte(
    limited: LimitedApp, size: int, status: int
) -> None:
    async with limited(max_body_bytes=4096) as app:
        # given
        headers = {"Authorization": f"Bearer {app.tenant.key}", "Content-Type": "application/json"}
        # when
        response = await app.api.http.post("/graphql", content=padded_create(size), headers=headers)
        # then
        assert response.status_code == status
        stored = await Customer.filter(organization_id=app.tenant.organization_id).count()
        assert stored == (1 if status == 200 else 0)


# What a POST may carry


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/x-www-form-urlencoded", "application/xml", ""],
    ids=["text", "form", "xml", "none"],
)
async def test_only_json_and_multipart_bodies_are_accepted(
    api: Api, tenant: Tenant, content_type: str
) -> None:
    # given
    body = json.dumps({"query": CREATE, "variables": {"input": COMPANY}})
    headers = {"Authorization": f"Bearer {tenant.key}", "Content-Type": content_type}
    # when
    response = await api.http.post("/graphql", content=body, headers=headers)
    # then
    assert response.status_code == 415
    assert "content type" in response.text.lower()
    assert await Customer.filter(organization_id=tenant.organization_id).count() == 0


@pytest.mark.parametrize(
    "body",
    [
        {"query": 42},
        {"query": ["mutation { __typename }"]},
        {"query": CREATE, "variables": "input"},
        {"query": CREATE, "variables": [COMPANY]},
    ],
    ids=["query-number", "query-list", "variables-string", "variables-list"],
)
async def test_a_query_that_is_no_string_or_variables_no_object_is_400(
    api: Api, tenant: Tenant, body: dict[str, Any]
) -> None:
    # given
    headers = {"Authorization": f"Bearer {tenant.key}"}
    # when
    response = await api.http.post("/graphql", json=body, headers=headers)
    # then
    assert response.status_code == 400
    assert "must be" in response.text
    assert await Customer.filter(organization_id=tenant.organization_id).count() == 0
