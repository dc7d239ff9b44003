"""GraphQL over HTTP: the application/graphql-response+json media type."""

from __future__ import annotations

import json

import pytest

from models import Customer
from tests.client import Tenant

GRAPHQL_RESPONSE = "application/graphql-response+json"
VALID = "query { organization { name } }"
INVALID = "query { organization { nope } }"
UNPARSABLE = "query { organization { "


@pytest.mark.parametrize(
    ("query", "status", "has_data"),
    [
        pytest.param(VALID, 200, True, id="valid"),
        pytest.param(INVALID, 400, False, id="validation-error"),
        pytest.param(UNPARSABLE, 400, False, id="parse-error"),
    ],
)
async def test_graphql_response_media_type_reports_request_errors_by_status(
    tenant: Tenant, query: str, status: int, has_data: bool
) -> None:
    # when
    response = await tenant.api.http.post(
        "/graphql",
        json={"query": query},
        headers={"Authorization": f"Bearer {tenant.key}", "Accept": GRAPHQL_RESPONSE},
    )
    # then
    assert response.status_code == status
    assert response.headers["content-type"].startswith(GRAPHQL_RESPONSE)
    assert ("data" in response.json()) is has_data
    assert "x-graphql-response" not in response.headers
    assert await Customer.filter(organization_id=tenant.organization_id).count() == 0


async def test_plain_json_clients_keep_status_200_for_request_errors(tenant: Tenant) -> None:
    # when
    response = await tenant.api.http.post(
        "/graphql",
        json={"query": INVALID},
        headers={"Authorization": f"Bearer {tenant.key}", "Accept": "application/json"},
    )
    # then
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert response.json()["errors"]
    assert await Customer.filter(organization_id=tenant.organization_id).count() == 0


CREATE = """
mutation Create($input: CustomerCreateInput!) {
  customerCreate(input: $input) { customer { id } userErrors { code } }
}
"""
READ = "query($id: ID!) { customer(id: $id) { displayName createdAt defaultAddress { city } } }"


async def test_responses_are_utf8_json_with_the_values_as_stored(tenant: Tenant) -> None:
    # given
    created = await tenant.execute(
        CREATE,
        {
            "input": {
                "type": "PERSON",
                "firstName": "Jürgen",
                "lastName": "Ørsted 😀",
                "address": {"city": "Köln \u2028 Süd"},
            }
        },
    )
    customer_id = created["customerCreate"]["customer"]["id"]
    # when
    response = await tenant.api.post(READ, {"id": customer_id}, key=tenant.key)
    # then
    stored = await Customer.get(organization_id=tenant.organization_id)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert json.loads(response.content.decode("utf-8")) == {
        "data": {
            "customer": {
                "displayName": "Jürgen Ørsted 😀",
                # The same text as Python's isoformat, as before.
                "createdAt": stored.created_at.isoformat(),
                "defaultAddress": {"city": "Köln \u2028 Süd"},
            }
        },
        "extensions": response.json()["extensions"],
    }
    assert set(response.json()["extensions"]["cost"]) >= {"requestedQueryCost"}
