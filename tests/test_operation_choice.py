"""Which operation of a document runs: the one `operationName` names, and no other.

Several operations and no name is a request error (GraphQL's GetOperation: "Must provide
operation name if query contains multiple operations."), never silently the first, and
so is a name the document does not have: refused before anything runs, priced or
charged, over GET and POST, with and without Idempotency-Key or credentials.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from domain.users import create_user
from models import Customer, IdempotencyRecord, RateLimitBucket, UserSession
from models.enums import UserRole
from tests.client import Tenant

GRAPHQL_RESPONSE = "application/graphql-response+json"
MULTIPLE = "Must provide operation name if query contains multiple operations."
CODE = "OPERATION_RESOLUTION_FAILURE"

CREATE_AND_LIST = """
mutation Create($input: CustomerCreateInput!) {
  customerCreate(input: $input) { customer { customerNumber } userErrors { code } }
}
query List { customers(first: 10) { totalCount } }
"""
LIST = "query List { customers(first: 10) { totalCount } }"
TWO_QUERIES = """
query Organization { organization { name } }
query Ranges { numberRanges { kind } }
"""
LOGIN_AND_ORGANIZATION = """
mutation Login($input: LoginInput!) { login(input: $input) { token userErrors { code } } }
query Organization { organization { name } }
"""

COMPANY: dict[str, Any] = {"input": {"type": "COMPANY", "companyName": "Muster GmbH"}}
EMAIL = "erika@example.com"
PASSWORD = "korrekt-pferd-batterie"
CREDENTIALS: dict[str, Any] = {"input": {"email": EMAIL, "password": PASSWORD}}


async def request(
    http: httpx.AsyncClient,
    method: str,
    query: str,
    variables: dict[str, Any] | None = None,
    *,
    operation_name: str | None = None,
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    body: dict[str, Any] = {"query": query, "variables": variables or {}}
    if operation_name is not None:
        body["operationName"] = operation_name
    if method == "GET":
        params = {k: v for k, v in body.items() if k != "variables"}
        return await http.get("/graphql", params=params, headers=headers)
    return await http.post("/graphql", json=body, headers=headers)


def assert_not_chosen(response: httpx.Response, accept: str, message: str = MULTIPLE) -> None:
    """The normal GraphQL error shape of a request error, by the client's media type."""
    body = response.json()
    assert body["errors"] == [{"message": message, "extensions": {"code": CODE}}]
    if accept == GRAPHQL_RESPONSE:
        assert response.status_code == 400
        assert response.headers["content-type"].startswith(GRAPHQL_RESPONSE)
        assert "data" not in body
    else:
        assert response.status_code == 200
        assert body["data"] is None


async def assert_nothing_ran(tenant: Tenant) -> None:
    assert await Customer.filter(organization_id=tenant.organization_id).count() == 0
    # Not even priced: a request that ran would have charged the caller's bucket.
    assert await RateLimitBucket.all().count() == 0
    assert await IdempotencyRecord.filter(organization_id=tenant.organization_id).count() == 0


@pytest.mark.parametrize("accept", ["application/json", GRAPHQL_RESPONSE])
@pytest.mark.parametrize(
    ("method", "query"),
    [
        pytest.param("POST", CREATE_AND_LIST, id="post-mutation-first"),
        pytest.param("POST", TWO_QUERIES, id="post-queries"),
        pytest.param("GET", CREATE_AND_LIST, id="get-mutation-first"),
        pytest.param("GET", TWO_QUERIES, id="get-queries"),
    ],
)
async def test_several_operations_without_a_name_are_a_request_error(
    tenant: Tenant, method: str, query: str, accept: str
) -> None:
    # given
    headers = {"Authorization": f"Bearer {tenant.key}", "Accept": accept}
    # when
    response = await request(tenant.api.http, method, query, COMPANY, headers=headers)
    # then
    assert_not_chosen(response, accept)
    await assert_nothing_ran(tenant)


@pytest.mark.parametrize("accept", ["application/json", GRAPHQL_RESPONSE])
@pytest.mark.parametrize("method", ["GET", "POST"])
async def test_a_name_the_document_does_not_have_is_a_request_error(
    tenant: Tenant, method: str, accept: str
) -> None:
    # given
    headers = {"Authorization": f"Bearer {tenant.key}", "Accept": accept}
    # when
    response = await request(
        tenant.api.http, method, TWO_QUERIES, operation_name="Nope", headers=headers
    )
    # then
    assert_not_chosen(response, accept, "Unknown operation named 'Nope'.")
    await assert_nothing_ran(tenant)


@pytest.mark.parametrize("method", ["GET", "POST"])
async def test_the_named_query_runs_alone_and_is_priced_alone(tenant: Tenant, method: str) -> None:
    # given
    headers = {"Authorization": f"Bearer {tenant.key}"}
    alone = await request(tenant.api.http, "POST", LIST, headers=headers)
    # when
    response = await request(
        tenant.api.http, method, CREATE_AND_LIST, operation_name="List", headers=headers
    )
    # then
    assert response.status_code == 200
    body = response.json()
    assert body["data"] == {"customers": {"totalCount": 0}}, body
    assert "errors" not in body
    cost = body["extensions"]["cost"]["requestedQueryCost"]
    assert cost == alone.json()["extensions"]["cost"]["requestedQueryCost"]
    assert await Customer.filter(organization_id=tenant.organization_id).count() == 0


async def test_the_named_mutation_runs_over_post_and_is_refused_over_get(tenant: Tenant) -> None:
    # given
    headers = {"Authorization": f"Bearer {tenant.key}"}
    # when
    over_get = await request(
        tenant.api.http, "GET", CREATE_AND_LIST, COMPANY, operation_name="Create", headers=headers
    )
    over_post = await request(
        tenant.api.http, "POST", CREATE_AND_LIST, COMPANY, operation_name="Create", headers=headers
    )
    # then
    assert over_get.status_code == 405
    assert over_post.status_code == 200
    assert over_post.json()["data"] == {
        "customerCreate": {"customer": {"customerNumber": "K00001"}, "userErrors": []}
    }
    stored = await Customer.filter(organization_id=tenant.organization_id)
    assert [c.customer_number for c in stored] == ["K00001"]


@pytest.mark.parametrize("accept", ["application/json", GRAPHQL_RESPONSE])
async def test_with_an_idempotency_key_several_operations_are_refused_and_nothing_is_stored(
    tenant: Tenant, accept: str
) -> None:
    # given
    headers = {
        "Authorization": f"Bearer {tenant.key}",
        "Accept": accept,
        "Idempotency-Key": "both-1",
    }
    # when
    refused = await request(tenant.api.http, "POST", CREATE_AND_LIST, COMPANY, headers=headers)
    # then
    assert_not_chosen(refused, accept)
    await assert_nothing_ran(tenant)
    # and the same key with a name runs the named mutation, stored and replayed as usual
    named = [
        await request(
            tenant.api.http,
            "POST",
            CREATE_AND_LIST,
            COMPANY,
            operation_name="Create",
            headers=headers,
        )
        for _ in range(2)
    ]
    assert [r.status_code for r in named] == [200, 200]
    assert named[1].headers["Idempotent-Replayed"] == "true"
    assert named[1].json() == named[0].json()
    stored = await Customer.filter(organization_id=tenant.organization_id)
    assert [c.customer_number for c in stored] == ["K00001"]
    records = await IdempotencyRecord.filter(organization_id=tenant.organization_id)
    assert [r.key for r in records] == ["both-1"]


async def test_with_an_idempotency_key_an_unknown_name_is_refused_and_nothing_is_stored(
    tenant: Tenant,
) -> None:
    # given
    headers = {"Authorization": f"Bearer {tenant.key}", "Idempotency-Key": "nope-1"}
    # when
    response = await request(
        tenant.api.http, "POST", CREATE_AND_LIST, COMPANY, operation_name="Nope", headers=headers
    )
    # then
    assert_not_chosen(response, "application/json", "Unknown operation named 'Nope'.")
    await assert_nothing_ran(tenant)


# --- without credentials: only `login` may run ---------------------------------------------


async def add_user(tenant: Tenant) -> None:
    await create_user(
        organization_id=tenant.organization_id,
        email_address=EMAIL,
        role=UserRole.EMPLOYEE,
        password=PASSWORD,
    )


@pytest.mark.parametrize("accept", ["application/json", GRAPHQL_RESPONSE])
async def test_login_among_several_operations_without_a_name_is_a_request_error(
    tenant: Tenant, accept: str
) -> None:
    # given
    await add_user(tenant)
    # when
    response = await request(
        tenant.api.http,
        "POST",
        LOGIN_AND_ORGANIZATION,
        CREDENTIALS,
        headers={"Accept": accept},
    )
    # then
    assert_not_chosen(response, accept)
    assert await UserSession.all().count() == 0
    assert await RateLimitBucket.all().count() == 0


async def test_login_named_among_several_operations_runs_without_credentials(
    tenant: Tenant,
) -> None:
    # given
    await add_user(tenant)
    # when
    response = await request(
        tenant.api.http, "POST", LOGIN_AND_ORGANIZATION, CREDENTIALS, operation_name="Login"
    )
    # then
    assert response.status_code == 200
    payload = response.json()["data"]["login"]
    assert payload["userErrors"] == []
    assert payload["token"].startswith("kss_")
    assert await UserSession.filter(user__email=EMAIL).count() == 1


async def test_without_credentials_another_named_operation_is_401(tenant: Tenant) -> None:
    # given
    await add_user(tenant)
    # when
    response = await request(
        tenant.api.http,
        "POST",
        LOGIN_AND_ORGANIZATION,
        CREDENTIALS,
        operation_name="Organization",
    )
    # then
    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert await UserSession.all().count() == 0


async def test_without_credentials_an_unknown_name_is_a_request_error(tenant: Tenant) -> None:
    # given
    await add_user(tenant)
    # when
    response = await request(
        tenant.api.http, "POST", LOGIN_AND_ORGANIZATION, CREDENTIALS, operation_name="Nope"
    )
    # then
    assert_not_chosen(response, "application/json", "Unknown operation named 'Nope'.")
    assert await UserSession.all().count() == 0
    assert await RateLimitBucket.all().count() == 0
