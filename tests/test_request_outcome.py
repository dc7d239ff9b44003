"""Each /graphql request ends with one record of what it was and how it ended."""

from __future__ import annotations

import logging

import pytest

from models import Customer
from settings import Settings
from tests.client import Tenant
from tests.test_query_cost import serving

ORGANIZATION = "query Org { organization { name } }"
UNKNOWN_FIELD = "query Broken { organization { nope } }"
CREATE = """
mutation Create($input: CustomerCreateInput!) {
  customerCreate(input: $input) { customer { id } userErrors { field code message } }
}
"""
PAGE = "query Page($first: Int!) { customers(first: $first) { edges { node { id } } } }"


def answered(caplog: pytest.LogCaptureFixture, request_id: str) -> str:
    [record] = [
        r
        for r in caplog.records
        if r.name == "kundenstamm.requests" and r.getMessage().startswith("answered")
    ]
    message = record.getMessage()
    assert message.startswith(f"answered request {request_id}: ")
    return message.removeprefix(f"answered request {request_id}: ")


@pytest.fixture
def records(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.DEBUG, logger="kundenstamm.requests")
    return caplog


async def test_an_answered_query_is_ok_with_its_operation_and_organization(
    tenant: Tenant, records: pytest.LogCaptureFixture
) -> None:
    # when
    response = await tenant.api.post(ORGANIZATION, key=tenant.key)
    # then
    assert response.json()["data"]["organization"]["name"]
    assert answered(records, response.headers["x-request-id"]) == (
        f"operation Org of organization {tenant.organization_id}: ok"
    )


async def test_a_mutation_refused_by_its_rules_ends_with_user_errors(
    tenant: Tenant, records: pytest.LogCaptureFixture
) -> None:
    # when: a person without a last name
    response = await tenant.api.post(
        CREATE, {"input": {"type": "PERSON", "firstName": "Erika"}}, key=tenant.key
    )
    # then
    assert response.json()["data"]["customerCreate"]["userErrors"]
    assert answered(records, response.headers["x-request-id"]) == (
        f"operation Create of organization {tenant.organization_id}: user_errors"
    )
    assert await Customer.filter(organization_id=tenant.organization_id).count() == 0


async def test_a_document_that_does_not_validate_ends_with_errors(
    tenant: Tenant, records: pytest.LogCaptureFixture
) -> None:
    # when
    response = await tenant.api.post(UNKNOWN_FIELD, key=tenant.key)
    # then
    assert "data" not in response.json() or response.json()["data"] is None
    assert answered(records, response.headers["x-request-id"]) == (
        f"operation Broken of organization {tenant.organization_id}: errors"
    )


async def test_a_request_without_credentials_ends_with_errors_and_no_organization(
    tenant: Tenant, records: pytest.LogCaptureFixture
) -> None:
    # when
    response = await tenant.api.post(ORGANIZATION, key=None)
    # then
    assert response.status_code == 401
    assert answered(records, response.headers["x-request-id"]) == (
        "operation None of organization None: errors"
    )


async def test_a_throttled_request_ends_throttled(
    settings: Settings, records: pytest.LogCaptureFixture
) -> None:
    async with serving(settings, capacity=30, restore_rate=1, max_cost=30) as tight:
        # given: a page of 14 costs 16 of the 30 points
        first = await tight.api.post(PAGE, {"first": 14}, key=tight.tenant.key)
        assert first.status_code == 200, first.text
        assert "errors" not in first.json(), first.text
        records.clear()
        # when
        second = await tight.api.post(PAGE, {"first": 14}, key=tight.tenant.key)
    # then
    assert second.status_code == 429
    assert second.json()["data"] is None
    assert answered(records, second.headers["x-request-id"]) == (
        f"operation Page of organization {tight.tenant.organization_id}: throttled"
    )
