"""GraphQL over HTTP: the application/graphql-response+json media type."""

from __future__ import annotations

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
