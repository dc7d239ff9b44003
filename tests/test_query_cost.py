"""Query cost and rate limits: static price per query, refusal above the maximum, and one
token bucket per caller, kept in the database so that all server processes share it.

The app here is built with a small bucket and a restore rate of 1 point/second, so the
tests are deterministic without sleeping: a bucket refills by at most the seconds that
passed, and every bound below is derived from the timestamps stored in the bucket row.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import math
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from app import create_app
from domain.api_keys import issue_key
from domain.login_throttle import address_key
from domain.organizations import create_organization
from domain.users import create_user
from models import Customer, RateLimitBucket, User
from models.enums import ApiKeyScope, UserRole
from schema.node import decode_id
from settings import Settings, SettingsError
from tests.client import Api, Tenant
from tests.conftest import POSTGRES_URL
from tests.live_server import live_servers
from tests.sqlite_lock import another_process_writing

GRAPHQL_RESPONSE = "application/graphql-response+json"

# What the web app's customer list asks for. The page size is a literal here on purpose:
# literal and variable page sizes are priced by different code paths.
# 2 (connection) + 25 * (node 1 + defaultAddress 1) + pageInfo 1 + totalCount 10 = 63
SPA_LIST = """
query CustomerList {
  customers(first: 25) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node { id customerNumber displayName defaultAddress { city } } }
  }
}
"""
SPA_LIST_COST = 63  # 2 + 25 x (node 1 + defaultAddress 1) + pageInfo 1 + totalCount 10

ALIASED_EDGES = """
query Customers {
  customers(first: 10) { a: edges { node { id } } b: edges { node { id } } }
}
"""

WITH_LISTS = """
query Customers {
  customers(first: 2) { edges { node { addresses { id } events { changes { field } } } } }
}
"""

INTROSPECTION = """
query Schema {
  __schema { types { name fields { name } } }
}
"""

TYPENAME = "query Typename { __typename }"

PAGE_INFO_ONLY = """
query Customers {
  customers(first: 100) { pageInfo { hasNextPage } }
}
"""

SEARCH_BY_VARIABLE = """
query Customers($filter: CustomerFilter) {
  customers(first: 10, filter: $filter) { edges { node { id } } }
}
"""

SEARCH_LITERAL = """
query Customers($search: String) {
  customers(first: 10, filter: {search: $search}) { edges { node { id } } }
}
"""

LIST_BY_VARIABLE = """
query Customers($first: Int) {
  customers(first: $first) { edges { node { id displayName } } }
}
"""

# The variable's default is the page size when the request gives no value for it.
LIST_VARIABLE_DEFAULT_40 = """
query Customers($first: Int = 40) {
  customers(first: $first) { edges { node { id displayName } } }
}
"""

LIST_VARIABLE_DEFAULT_100 = """
query Customers($first: Int = 100) {
  customers(first: $first) { edges { node { id displayName } } }
}
"""

LIST_LAST_BY_VARIABLE = """
query Customers($last: Int) {
  customers(last: $last) { edges { node { id displayName } } }
}
"""

LIST_DEFAULT_SIZE = """
query Customers {
  customers { edges { node { id displayName } } }
}
"""

LIST_NAMED_FRAGMENT = """
query CustomerList($first: Int) {
  customers(first: $first) {
    totalCount
    pageInfo { ...Page }
    edges { cursor node { ...Row } }
  }
}
fragment Page on PageInfo { hasNextPage endCursor }
fragment Row on Customer { id customerNumber displayName defaultAddress { city } }
"""

LIST_INLINE_FRAGMENT = """
query CustomerList($first: Int) {
  customers(first: $first) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges {
      cursor
      node { ... on Customer { id customerNumber displayName defaultAddress { city } } }
    }
  }
}
"""

LIST_PLAIN = """
query CustomerList($first: Int) {
  customers(first: $first) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node { id customerNumber displayName defaultAddress { city } } }
  }
}
"""

ORGANIZATION = """
query Organization {
  organization { name }
}
"""

# 10 (mutation field) + customer 1 + userErrors 1 = 12
CREATE = """
mutation Create($input: CustomerCreateInput!) {
  customerCreate(input: $input) {
    customer { id customerNumber }
    userErrors { field code message }
  }
}
"""
CREATE_COST = 12

# 10 + customer 1 + defaultAddress 1 + userErrors 1 = 13
CREATE_WITH_ADDRESS = """
mutation Create($input: CustomerCreateInput!) {
  customerCreate(input: $input) {
    customer { id defaultAddress { city } }
    userErrors { field code message }
  }
}
"""

# Three creates in one document: 3 * 12 = 36
CREATE_THREE = """
mutation CreateThree(
  $a: CustomerCreateInput!, $b: CustomerCreateInput!, $c: CustomerCreateInput!
) {
  a: customerCreate(input: $a) { customer { id } userErrors { field code message } }
  b: customerCreate(input: $b) { customer { id } userErrors { field code message } }
  c: customerCreate(input: $c) { customer { id } userErrors { field code message } }
}
"""

LOGIN = """
mutation Login($input: LoginInput!) {
  login(input: $input) { token userErrors { field code message } }
}
"""

CURRENT_USER = """
query CurrentUser {
  currentUser { id email }
}
"""

PASSWORD = "korrekt-pferd-batterie"


# --- fixtures and helpers ------------------------------------------------------------------


@dataclass
class Served:
    """An app with its own limits, and an organization whose write key calls it."""

    api: Api
    tenant: Tenant
    key_id: uuid.UUID
    capacity: int
    restore_rate: int
    max_cost: int

    @property
    def bucket(self) -> str:
        return f"API_KEY:{self.key_id}"


@asynccontextmanager
async def serving(
    settings: Settings, *, capacity: int, restore_rate: int, max_cost: int
) -> AsyncIterator[Served]:
    limited = dataclasses.replace(
        settings,
        rate_limit_bucket=capacity,
        rate_limit_restore_rate=restore_rate,
        max_query_cost=max_cost,
    )
    app = create_app(limited)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            api = Api(http)
            organization, key = await create_organization(name="Muster GmbH")
            yield Served(
                api=api,
                tenant=Tenant(api=api, organization_id=organization.id, key=key.secret),
                key_id=key.id,
                capacity=capacity,
                restore_rate=restore_rate,
                max_cost=max_cost,
            )


@pytest.fixture
async def roomy(settings: Settings) -> AsyncIterator[Served]:
    """A bucket of 1000 and queries up to 1000 points: for pricing."""
    async with serving(settings, capacity=1000, restore_rate=1, max_cost=1000) as served:
        yield served


@pytest.fixture
async def tight(settings: Settings) -> AsyncIterator[Served]:
    """A bucket of 30 refilling 1 point/second; no query above 30 points."""
    async with serving(settings, capacity=30, restore_rate=1, max_cost=30) as served:
        yield served


def person(last_name: str) -> dict[str, Any]:
    return {"input": {"type": "PERSON", "firstName": "Erika", "lastName": last_name}}


def cost_of(body: dict[str, Any]) -> dict[str, Any]:
    cost: dict[str, Any] = body["extensions"]["cost"]
    return cost


def error_codes(body: dict[str, Any]) -> list[str]:
    return [error["extensions"]["code"] for error in body.get("errors") or []]


async def bucket_row(name: str) -> RateLimitBucket | None:
    return await RateLimitBucket.get_or_none(bucket=name)


async def customer_names(tenant: Tenant) -> list[str]:
    rows = await Customer.filter(organization_id=tenant.organization_id).order_by("last_name")
    return [row.last_name or "" for row in rows]


# --- pricing -------------------------------------------------------------------------------


async def test_spa_customer_list_reports_its_cost_and_is_charged(roomy: Served) -> None:
    # given
    started = time.time()
    for name in ("Alpha", "Beta", "Gamma"):
        await roomy.tenant.execute(CREATE, person(name))
    # when
    response = await roomy.api.post(SPA_LIST, key=roomy.tenant.key)
    # then
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body["errors"]
    connection = body["data"]["customers"]
    assert connection["totalCount"] == 3
    assert [edge["node"]["displayName"] for edge in connection["edges"]] == [
        "Erika Alpha",
        "Erika Beta",
        "Erika Gamma",
    ]
    spent = 3 * CREATE_COST + SPA_LIST_COST
    row = await bucket_row(roomy.bucket)
    assert row is not None
    # Never more than the bucket minus what was spent, plus what refilled meanwhile.
    refill = max(0.0, row.updated_at - started) * roomy.restore_rate
    assert roomy.capacity - spent <= row.tokens <= roomy.capacity - spent + refill + 1e-6
    assert cost_of(body) == {
        "requestedQueryCost": SPA_LIST_COST,
        "maximumAvailable": roomy.capacity,
        "currentlyAvailable": int(row.tokens),
        "restoreRate": roomy.restore_rate,
    }
    assert await RateLimitBucket.all().count() == 1


@pytest.mark.parametrize(
    ("query", "variables", "expected"),
    [
        pytest.param(LIST_BY_VARIABLE, {"first": 7}, 2 + 7 * 1, id="first-by-variable"),
        pytest.param(LIST_BY_VARIABLE, {"first": 40}, 2 + 40 * 1, id="first-40-by-variable"),
        # JSON has one number type: 40.0 is the Int 40 to GraphQL, and so it is executed.
        pytest.param(LIST_BY_VARIABLE, {"first": 40.0}, 2 + 40 * 1, id="first-40.0-by-variable"),
        pytest.param(LIST_VARIABLE_DEFAULT_40, {}, 2 + 40 * 1, id="first-variable-default"),
        pytest.param(LIST_LAST_BY_VARIABLE, {"last": 7}, 2 + 7 * 1, id="last-by-variable"),
        pytest.param(LIST_BY_VARIABLE, {}, 2 + 50 * 1, id="first-variable-absent-default-50"),
        pytest.param(LIST_DEFAULT_SIZE, {}, 2 + 50 * 1, id="no-first-default-50"),
        pytest.param(LIST_BY_VARIABLE, {"first": 500}, 2 + 100 * 1, id="clamped-to-max-page"),
        pytest.param(LIST_PLAIN, {"first": 25}, SPA_LIST_COST, id="plain-fields"),
        pytest.param(LIST_NAMED_FRAGMENT, {"first": 25}, SPA_LIST_COST, id="named-fragment"),
        pytest.param(LIST_INLINE_FRAGMENT, {"first": 25}, SPA_LIST_COST, id="inline-fragment"),
        pytest.param(ORGANIZATION, {}, 1, id="plain-object"),
        # Each alias of edges is another copy of the page.
        pytest.param(ALIASED_EDGES, {}, 2 + 10 * (1 + 1), id="aliased-edges"),
        # Lists without a size argument: 5 of each, the audit trail 25.
        pytest.param(WITH_LISTS, {}, 2 + 2 * (1 + 5 * 1 + 25 * (1 + 5 * 1)), id="lists"),
        pytest.param(INTROSPECTION, {}, 100, id="introspection-flat"),
        pytest.param(TYPENAME, {}, 1, id="never-free"),
        # The rows are read even when none of their fields is selected.
        pytest.param(PAGE_INFO_ONLY, {}, 2 + 100 * 1 + 1, id="page-without-edges"),
        # A text search reads all of the organization's customers.
        pytest.param(
            SEARCH_BY_VARIABLE, {"filter": {"search": "muster"}}, 2 + 10 + 10, id="search"
        ),
        pytest.param(SEARCH_LITERAL, {"search": "muster"}, 2 + 10 + 10, id="search-in-literal"),
        pytest.param(SEARCH_BY_VARIABLE, {"filter": {"search": "  "}}, 2 + 10, id="blank-search"),
    ],
)
async def test_query_is_priced_by_its_selection(
    roomy: Served, query: str, variables: dict[str, Any], expected: int
) -> None:
    # when
    response = await roomy.api.post(query, variables, key=roomy.tenant.key)
    # then
    body = response.json()
    assert cost_of(body) == {
        "requestedQueryCost": expected,
        "maximumAvailable": roomy.capacity,
        "currentlyAvailable": roomy.capacity - expected,
        "restoreRate": roomy.restore_rate,
    }
    # A new caller's bucket starts full; this first charge takes exactly the price.
    row = await bucket_row(roomy.bucket)
    assert row is not None
    assert row.tokens == roomy.capacity - expected


@pytest.mark.parametrize(
    ("mutation", "expected"),
    [
        pytest.param(CREATE, 10 + 1 + 1, id="customer-and-user-errors"),
        pytest.param(CREATE_WITH_ADDRESS, 10 + 1 + 1 + 1, id="with-nested-address"),
    ],
)
async def test_mutation_costs_ten_plus_its_selection(
    roomy: Served, mutation: str, expected: int
) -> None:
    # when
    response = await roomy.api.post(mutation, person("Mustermann"), key=roomy.tenant.key)
    # then
    assert response.status_code == 200, response.text
    body = response.json()
    payload = body["data"]["customerCreate"]
    assert payload["userErrors"] == []
    assert cost_of(body) == {
        "requestedQueryCost": expected,
        "maximumAvailable": roomy.capacity,
        "currentlyAvailable": roomy.capacity - expected,
        "restoreRate": roomy.restore_rate,
    }
    stored = await Customer.get(id=decode_id(payload["customer"]["id"], "Customer"))
    assert stored.organization_id == roomy.tenant.organization_id
    row = await bucket_row(roomy.bucket)
    assert row is not None
    assert row.tokens == roomy.capacity - expected


# --- the maximum per query -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "variables"),
    [
        pytest.param(LIST_BY_VARIABLE, {"first": 100}, id="first-100"),
        pytest.param(LIST_BY_VARIABLE, {"first": 100.0}, id="first-100.0"),
        pytest.param(LIST_VARIABLE_DEFAULT_100, {}, id="variable-default-100"),
    ],
)
async def test_query_above_the_maximum_is_refused_and_not_charged(
    tight: Served, query: str, variables: dict[str, Any]
) -> None:
    # given: 2 + 100 * 1 = 102 points, above the maximum of 30
    # when
    response = await tight.api.post(query, variables, key=tight.tenant.key)
    # then
    assert response.status_code == 200
    body = response.json()
    assert body["data"] is None
    assert error_codes(body) == ["MAX_COST_EXCEEDED"]
    assert body["errors"][0]["extensions"]["cost"] == 102
    assert body["errors"][0]["extensions"]["maximumCost"] == tight.max_cost
    assert cost_of(body)["requestedQueryCost"] == 102
    assert await bucket_row(tight.bucket) is None
    assert await RateLimitBucket.all().count() == 0


async def test_mutation_above_the_maximum_does_not_run(tight: Served) -> None:
    # given: three creates, 36 points, above the maximum of 30
    variables = {"a": person("A")["input"], "b": person("B")["input"], "c": person("C")["input"]}
    # when
    response = await tight.api.post(CREATE_THREE, variables, key=tight.tenant.key)
    # then
    assert response.status_code == 200
    body = response.json()
    assert body["data"] is None
    assert error_codes(body) == ["MAX_COST_EXCEEDED"]
    assert cost_of(body)["requestedQueryCost"] == 3 * CREATE_COST
    assert await Customer.filter(organization_id=tight.tenant.organization_id).count() == 0
    assert await bucket_row(tight.bucket) is None


async def test_above_the_maximum_is_a_400_for_graphql_response_clients(tight: Served) -> None:
    # given
    headers = {"Authorization": f"Bearer {tight.tenant.key}", "Accept": GRAPHQL_RESPONSE}
    # when
    response = await tight.api.http.post(
        "/graphql", json={"query": LIST_BY_VARIABLE, "variables": {"first": 100}}, headers=headers
    )
    # then
    assert response.status_code == 400
    assert response.headers["content-type"].startswith(GRAPHQL_RESPONSE)
    body = response.json()
    assert "data" not in body
    assert error_codes(body) == ["MAX_COST_EXCEEDED"]
    assert await bucket_row(tight.bucket) is None


# --- the token bucket ----------------------------------------------------------------------


async def test_empty_bucket_refuses_with_429_and_runs_nothing(tight: Served) -> None:
    # given: 30 points, two creates of 12 take 24
    first = await tight.api.post(CREATE, person("Eins"), key=tight.tenant.key)
    after_first = await bucket_row(tight.bucket)
    second = await tight.api.post(CREATE, person("Zwei"), key=tight.tenant.key)
    after_second = await bucket_row(tight.bucket)
    # when
    third = await tight.api.post(CREATE, person("Drei"), key=tight.tenant.key)
    # then
    assert (first.status_code, second.status_code) == (200, 200)
    assert first.json()["data"]["customerCreate"]["userErrors"] == []
    assert second.json()["data"]["customerCreate"]["userErrors"] == []
    assert cost_of(first.json())["currentlyAvailable"] == 30 - 12
    assert after_first is not None
    assert after_second is not None
    assert after_first.tokens == 30 - 12
    refilled = (after_second.updated_at - after_first.updated_at) * tight.restore_rate
    assert after_second.tokens == pytest.approx(30 - 24 + refilled)
    assert cost_of(second.json())["currentlyAvailable"] == int(after_second.tokens)

    assert third.status_code == 429
    retry_after = int(third.headers["Retry-After"])
    assert 1 <= retry_after <= math.ceil((CREATE_COST - after_second.tokens) / tight.restore_rate)
    body = third.json()
    assert body["data"] is None
    assert error_codes(body) == ["THROTTLED"]
    assert cost_of(body)["requestedQueryCost"] == CREATE_COST
    assert cost_of(body)["maximumAvailable"] == tight.capacity
    assert 0 <= cost_of(body)["currentlyAvailable"] < CREATE_COST

    assert await customer_names(tight.tenant) == ["Eins", "Zwei"]
    after_third = await bucket_row(tight.bucket)
    assert after_third is not None
    # A refusal takes nothing: the row is as the second request left it, never negative.
    assert (after_third.tokens, after_third.updated_at) == (
        after_second.tokens,
        after_second.updated_at,
    )
    assert after_third.tokens >= 0


async def test_throttled_response_keeps_429_for_graphql_response_clients(tight: Served) -> None:
    # given: a bucket emptied 2 seconds ago refills to about 2 points, less than 12
    await RateLimitBucket.create(bucket=tight.bucket, tokens=0.0, updated_at=time.time() - 2)
    headers = {"Authorization": f"Bearer {tight.tenant.key}", "Accept": GRAPHQL_RESPONSE}
    # when
    response = await tight.api.http.post(
        "/graphql", json={"query": CREATE, "variables": person("Muster")}, headers=headers
    )
    # then
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) >= 1
    body = response.json()
    assert error_codes(body) == ["THROTTLED"]
    assert "data" not in body or body["data"] is None
    assert await customer_names(tight.tenant) == []
    row = await bucket_row(tight.bucket)
    assert row is not None
    assert row.tokens == 0.0


async def test_bucket_refills_at_the_restore_rate_up_to_its_capacity(tight: Served) -> None:
    # given: emptied long ago, so it is full again (capped at 30, not 10000)
    await RateLimitBucket.create(bucket=tight.bucket, tokens=0.0, updated_at=time.time() - 10_000)
    # when
    response = await tight.api.post(CREATE, person("Muster"), key=tight.tenant.key)
    # then
    assert response.status_code == 200
    assert cost_of(response.json())["currentlyAvailable"] == 30 - 12
    assert await customer_names(tight.tenant) == ["Muster"]
    row = await bucket_row(tight.bucket)
    assert row is not None
    assert row.tokens == 30 - 12


async def test_refused_request_is_told_how_long_to_wait(tight: Served) -> None:
    # given: 0 points 5 seconds ago, so about 5 now; 12 are needed, 1 come back a second
    emptied_at = time.time() - 5
    await RateLimitBucket.create(bucket=tight.bucket, tokens=0.0, updated_at=emptied_at)
    # when
    response = await tight.api.post(CREATE, person("Muster"), key=tight.tenant.key)
    # then
    assert response.status_code == 429
    retry_after = int(response.headers["Retry-After"])
    # 12 - (5 + the moments since) points at 1 point/second: at most 7 seconds
    assert 1 <= retry_after <= 7
    waited = time.time() - emptied_at
    assert retry_after >= math.ceil(CREATE_COST - waited * tight.restore_rate)
    assert error_codes(response.json()) == ["THROTTLED"]
    assert await customer_names(tight.tenant) == []
    row = await bucket_row(tight.bucket)
    assert row is not None
    assert (row.tokens, row.updated_at) == (0.0, emptied_at)


async def test_buckets_are_per_api_key_and_per_tenant(tight: Served) -> None:
    # given: the first key has spent its bucket
    second_key = await issue_key(
        organization_id=tight.tenant.organization_id, scope=ApiKeyScope.WRITE
    )
    other_organization, other_key = await create_organization(name="Andere AG")
    for name in ("Eins", "Zwei"):
        await tight.tenant.execute(CREATE, person(name))
    throttled = await tight.api.post(CREATE, person("Drei"), key=tight.tenant.key)
    # when
    same_tenant = await tight.api.post(CREATE, person("Vier"), key=second_key.secret)
    other_tenant = await tight.api.post(CREATE, person("Fremd"), key=other_key.secret)
    # then
    assert throttled.status_code == 429
    assert error_codes(throttled.json()) == ["THROTTLED"]
    for response in (same_tenant, other_tenant):
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["data"]["customerCreate"]["userErrors"] == []
        assert cost_of(body)["currentlyAvailable"] == 30 - 12
    assert await customer_names(tight.tenant) == ["Eins", "Vier", "Zwei"]
    others = await Customer.filter(organization_id=other_organization.id)
    assert [customer.last_name for customer in others] == ["Fremd"]
    rows = {row.bucket: row.tokens for row in await RateLimitBucket.all()}
    assert set(rows) == {
        tight.bucket,
        f"API_KEY:{second_key.id}",
        f"API_KEY:{other_key.id}",
    }
    assert 0 <= rows[tight.bucket] < CREATE_COST
    assert rows[f"API_KEY:{second_key.id}"] == 30 - 12
    assert rows[f"API_KEY:{other_key.id}"] == 30 - 12


async def test_web_user_has_own_bucket_and_login_is_charged_to_the_address(
    tight: Served,
) -> None:
    # given
    user = await create_user(
        organization_id=tight.tenant.organization_id,
        email_address="erika@example.com",
        role=UserRole.EMPLOYEE,
        password=PASSWORD,
    )
    # when
    login = await tight.api.post(
        LOGIN, {"input": {"email": "erika@example.com", "password": PASSWORD}}, key=None
    )
    after_login = [row.bucket for row in await RateLimitBucket.all()]
    login_cost = cost_of(login.json())["requestedQueryCost"]
    token = login.json()["data"]["login"]["token"]
    response = await tight.api.post(CURRENT_USER, key=token)
    # then
    assert login.status_code == 200
    assert login.json()["data"]["login"]["userErrors"] == []
    # without a key, the client's address pays (issue #14: no unlimited anonymous requests)
    assert after_login == [address_key("127.0.0.1")]
    assert response.status_code == 200
    body = response.json()
    assert body["data"]["currentUser"]["email"] == "erika@example.com"
    assert cost_of(body) == {
        "requestedQueryCost": 1,
        "maximumAvailable": 30,
        "currentlyAvailable": 29,
        "restoreRate": 1,
    }
    rows = {row.bucket: row.tokens for row in await RateLimitBucket.all()}
    assert rows == {f"USER:{user.id}": 29.0, address_key("127.0.0.1"): 30.0 - login_cost}
    assert await User.filter(organization_id=tight.tenant.organization_id).count() == 1


# --- several server processes --------------------------------------------------------------

SERVER_BUCKET = 100
CONCURRENT_REQUESTS = 20


async def test_bucket_holds_across_server_processes(settings: Settings) -> None:
    # given: an organization, then two servers on its database with a bucket of 100
    async with serving(settings, capacity=1000, restore_rate=1, max_cost=1000) as served:
        headers = {"Authorization": f"Bearer {served.tenant.key}"}
        limits = {
            "KUNDENSTAMM_RATE_LIMIT_BUCKET": str(SERVER_BUCKET),
            "KUNDENSTAMM_RATE_LIMIT_RESTORE_RATE": "1",
            "KUNDENSTAMM_MAX_QUERY_COST": str(SERVER_BUCKET),
        }
        async with live_servers(settings.database_url, 2, extra_env=limits) as urls:
            clients = [httpx.AsyncClient(base_url=url, timeout=60) for url in urls]
            try:
                # when: 20 creates of 12 points at once, split over both servers
                responses = await asyncio.gather(
                    *(
                        clients[i % 2].post(
                            "/graphql",
                            json={"query": CREATE, "variables": person(f"Kunde {i:02d}")},
                            headers=headers,
                        )
                        for i in range(CONCURRENT_REQUESTS)
                    )
                )
            finally:
                for client in clients:
                    await client.aclose()
        # then: 100 // 12 = 8 fit, a 9th only with what refilled during the test
        statuses = [response.status_code for response in responses]
        assert set(statuses) <= {200, 429}, [r.text for r in responses if r.status_code != 429]
        granted = [r.json() for r in responses if r.status_code == 200]
        refused = [r for r in responses if r.status_code == 429]
        assert 8 <= len(granted) <= 9, statuses
        assert len(refused) == CONCURRENT_REQUESTS - len(granted)
        assert all(b["data"]["customerCreate"]["userErrors"] == [] for b in granted)
        assert all(error_codes(r.json()) == ["THROTTLED"] for r in refused)
        assert all(int(r.headers["Retry-After"]) >= 1 for r in refused)
        stored = await Customer.filter(organization_id=served.tenant.organization_id).count()
        assert stored == len(granted)
        row = await bucket_row(served.bucket)
        assert row is not None
        assert 0 <= row.tokens < CREATE_COST
        assert await RateLimitBucket.all().count() == 1


# --- settings ------------------------------------------------------------------------------


def test_cost_settings_are_read_from_the_environment() -> None:
    # given
    env = {
        "KUNDENSTAMM_MAX_QUERY_COST": "200",
        "KUNDENSTAMM_RATE_LIMIT_BUCKET": "500",
        "KUNDENSTAMM_RATE_LIMIT_RESTORE_RATE": "5",
    }
    # when
    settings = Settings.from_env(env)
    # then
    assert (settings.max_query_cost, settings.rate_limit_bucket) == (200, 500)
    assert settings.rate_limit_restore_rate == 5
    defaults = Settings.from_env({})
    assert (defaults.max_query_cost, defaults.rate_limit_bucket) == (1000, 1000)
    assert defaults.rate_limit_restore_rate == 50


@pytest.mark.parametrize(
    "env",
    [
        pytest.param(
            {"KUNDENSTAMM_MAX_QUERY_COST": "2000", "KUNDENSTAMM_RATE_LIMIT_BUCKET": "1000"},
            id="max-cost-above-bucket",
        ),
        pytest.param({"KUNDENSTAMM_MAX_QUERY_COST": "1001"}, id="max-cost-above-default-bucket"),
        pytest.param({"KUNDENSTAMM_MAX_QUERY_COST": "lots"}, id="max-cost-not-a-number"),
        pytest.param({"KUNDENSTAMM_RATE_LIMIT_BUCKET": "1e3"}, id="bucket-not-a-number"),
        pytest.param({"KUNDENSTAMM_RATE_LIMIT_RESTORE_RATE": "0.5"}, id="rate-not-whole"),
        pytest.param({"KUNDENSTAMM_RATE_LIMIT_RESTORE_RATE": "0"}, id="rate-zero"),
    ],
)
def test_inconsistent_or_malformed_cost_settings_are_refused(env: dict[str, str]) -> None:
    # when / then
    with pytest.raises(SettingsError):
        Settings.from_env(env)


# --- documents that would be expensive to even look at -------------------------------------


def fragment_bomb(levels: int) -> str:
    """Each fragment spreads the next twice: 2 ** levels fields once spread out."""
    fragments = " ".join(
        f"fragment F{n} on Query {{ ...F{n + 1} ...F{n + 1} }}" for n in range(levels)
    )
    leaf = f"fragment F{levels} on Query {{ organization {{ name }} }}"
    return f"query Bomb {{ ...F0 }} {fragments} {leaf}"


async def test_a_fragment_bomb_is_refused_before_validation_and_not_charged(
    roomy: Served,
) -> None:
    # given: 2 ** 40 fields in a document of a few hundred tokens
    document = fragment_bomb(40)
    # when
    response = await roomy.api.post(document, key=roomy.tenant.key)
    # then
    body = response.json()
    assert body["data"] is None
    assert error_codes(body) == ["QUERY_TOO_COMPLEX"]
    assert await bucket_row(roomy.bucket) is None


def cyclic_fragment_bomb(levels: int) -> str:
    """A fragment bomb whose last fragment spreads the first again."""
    fragments = " ".join(
        f"fragment F{n} on Query {{ ...F{n + 1} ...F{n + 1} }}" for n in range(levels)
    )
    return f"query Bomb {{ ...F0 }} {fragments} fragment F{levels} on Query {{ ...F0 }}"


REPEATED_FIELD = "query Repeated { " + "organization { name } " * 450 + "}"
UNKNOWN_FRAGMENT = "query Unknown { ...Nowhere }"


@pytest.mark.parametrize(
    ("document", "code", "words"),
    [
        pytest.param(cyclic_fragment_bomb(40), None, "within itself", id="fragment-cycle"),
        pytest.param(REPEATED_FIELD, "QUERY_TOO_COMPLEX", "more than 10 times", id="repeats"),
        pytest.param(UNKNOWN_FRAGMENT, None, "Unknown fragment", id="unknown-fragment"),
    ],
)
async def test_documents_that_are_costly_to_validate_are_refused_first(
    roomy: Served, document: str, code: str | None, words: str
) -> None:
    # when
    response = await roomy.api.post(document, key=roomy.tenant.key)
    # then: refused by a linear check, with a message for the client, charged nothing
    body = response.json()
    assert body["data"] is None
    [error] = body["errors"]
    assert words in error["message"]
    assert (error.get("extensions") or {}).get("code") == code
    assert await bucket_row(roomy.bucket) is None


async def test_a_repeated_field_anonymous_login_is_refused_before_validation(
    roomy: Served,
) -> None:
    # given: the only document that runs without a key, made costly to validate
    selection = "token " + "user { id } " * 450
    document = "mutation Login($input: LoginInput!) { login(input: $input) { " + selection + "} }"
    variables = {"input": {"email": "erika@example.com", "password": "x"}}
    # when
    response = await roomy.api.post(document, variables, key=None)
    # then
    body = response.json()
    assert body["data"] is None
    assert [e["extensions"]["code"] for e in body["errors"]] == ["QUERY_TOO_COMPLEX"]
    assert await RateLimitBucket.all().count() == 0


async def test_a_document_of_many_fragments_within_the_bound_runs(roomy: Served) -> None:
    # given: 2 ** 8 = 256 selections of one field, which GraphQL merges into one
    document = fragment_bomb(8)
    # when
    response = await roomy.api.post(document, key=roomy.tenant.key)
    # then
    body = response.json()
    assert body["data"] == {"organization": {"name": "Muster GmbH"}}
    assert cost_of(body)["requestedQueryCost"] == 256
    row = await bucket_row(roomy.bucket)
    assert row is not None
    assert row.tokens == roomy.capacity - 256


@pytest.mark.skipif(POSTGRES_URL is not None, reason="SQLite's write lock across processes")
async def test_on_sqlite_a_read_behind_another_process_write_passes_uncharged(
    roomy: Served, database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    # given: the caller's bucket exists, then another process takes the write lock
    caplog.set_level(logging.WARNING, logger="kundenstamm.requests")
    first = await roomy.api.post(ORGANIZATION, key=roomy.tenant.key)
    assert cost_of(first.json())["currentlyAvailable"] == roomy.capacity - 1
    with another_process_writing(database_url):
        # when: one request finds the bucket locked, the next does not even try
        responses = [await roomy.api.post(ORGANIZATION, key=roomy.tenant.key) for _ in range(2)]
    # then: answered (reads do not wait for writers), priced, not charged, logged once
    for response in responses:
        body = response.json()
        assert body["data"] == {"organization": {"name": "Muster GmbH"}}
        assert cost_of(body) == {"requestedQueryCost": 1}
    row = await bucket_row(roomy.bucket)
    assert row is not None
    assert row.tokens == roomy.capacity - 1
    assert caplog.text.count("rate limit not charged") == 1
