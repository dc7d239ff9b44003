"""Authentication, key scopes and the HTTP edge: status codes, request ids, limits, masking."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import AsyncIterator, Callable
from typing import Any

import asyncpg
import httpx
import pytest
from tortoise import connections

from domain.api_keys import revoke_key
from models import Address, ApiKey, Customer
from models.enums import AddressType, ApiKeyScope
from schema.node import decode_id, encode_id
from tests.client import Api, Tenant
from tests.conftest import POSTGRES_URL
from tests.helpers import create_customer

SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
MIB = 1_048_576

CREATE = """
mutation Create($input: CustomerCreateInput!) {
  customerCreate(input: $input) {
    customer { id }
    userErrors { field code message }
  }
}
"""

CUSTOMERS = """
query Customers {
  customers { edges { node { id displayName } } totalCount }
}
"""

DEFAULT_ADDRESS = """
query DefaultAddress($id: ID!) {
  customer(id: $id) { id displayName defaultAddress { id street } }
}
"""

TYPENAME = "query Typename { __typename }"

UPDATE = """
mutation Update($input: CustomerUpdateInput!) {
  customerUpdate(input: $input) { userErrors { field code message } }
}
"""

ARCHIVE = """
mutation Archive($input: CustomerIdInput!) {
  customerArchive(input: $input) { userErrors { field code message } }
}
"""

RESTORE = """
mutation Restore($input: CustomerIdInput!) {
  customerRestore(input: $input) { userErrors { field code message } }
}
"""

DELETE = """
mutation Delete($input: CustomerIdInput!) {
  customerDelete(input: $input) { userErrors { field code message } }
}
"""

ADDRESS_CREATE = """
mutation AddressCreate($input: AddressCreateInput!) {
  addressCreate(input: $input) { userErrors { field code message } }
}
"""

ADDRESS_UPDATE = """
mutation AddressUpdate($input: AddressUpdateInput!) {
  addressUpdate(input: $input) { userErrors { field code message } }
}
"""

ADDRESS_SET_DEFAULT = """
mutation AddressSetDefault($input: AddressSetDefaultInput!) {
  addressSetDefault(input: $input) { userErrors { field code message } }
}
"""


def _chain(*fields: str) -> str:
    """`a { b { c } }` from a, b, c: one field per level, the last one a leaf."""
    selection = fields[-1]
    for field in reversed(fields[:-1]):
        selection = f"{field} {{ {selection} }}"
    return selection


# Ten nested fields (customer ... id): within any reading of "10 levels".
DEPTH_10_QUERY = (
    "query Deep($id: ID!) { "
    + _chain("customer(id: $id)", *["subscriptions", "customer"] * 4, "id")
    + " }"
)
# Twelve nested fields: deeper than 10 levels however the root field is counted.
DEPTH_12_MUTATION = (
    "mutation Deep($input: CustomerCreateInput!) { "
    + _chain(
        "customerCreate(input: $input)",
        "customer",
        *["subscriptions", "customer"] * 4,
        "subscriptions",
        "id",
    )
    + " }"
)
ALIASES_30_MUTATION = (
    "mutation Many($input: CustomerCreateInput!) {"
    + " ".join(f"c{i}: customerCreate(input: $input) {{ customer {{ id }} }}" for i in range(30))
    + " }"
)
ALIASES_31_MUTATION = (
    "mutation Many($input: CustomerCreateInput!) {"
    + " ".join(f"c{i}: customerCreate(input: $input) {{ customer {{ id }} }}" for i in range(31))
    + " }"
)
HUGE_MUTATION = (
    "mutation Huge($input: CustomerCreateInput!) {"
    " customerCreate(input: $input) { customer { " + "id " * 6000 + "} } }"
)

COMPANY = {"type": "COMPANY", "companyName": "Muster GmbH"}

Snapshot = tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]


async def snapshot() -> Snapshot:
    """Every stored customer and address, in a comparable form."""
    customers = await Customer.all().order_by("id")
    addresses = await Address.all().order_by("id")
    return (
        [
            (c.id, c.status, c.version, c.company_name, c.archived_at, c.updated_at)
            for c in customers
        ],
        [(a.id, a.customer_id, a.type, a.is_default, a.street, a.updated_at) for a in addresses],
    )


async def create_company(tenant: Tenant, name: str = "Muster GmbH") -> str:
    customer = await create_customer(tenant, CREATE, type="COMPANY", companyName=name)
    customer_id: str = customer["id"]
    return customer_id


def assert_unauthenticated(response: httpx.Response) -> None:
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"errors"}
    [error] = body["errors"]
    assert isinstance(error["message"], str)
    assert error["message"]
    assert error["extensions"] == {"code": "UNAUTHENTICATED"}
    assert SANE_REQUEST_ID.fullmatch(response.headers["x-request-id"])


def graphql_body(query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"query": query, "variables": variables or {}}


# Authentication


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "",
        "Bearer",
        "Bearer ",
        "Bearer ks_this-key-was-never-issued",
        "Bearer not-even-our-format",
        "Bearer " + "k" * 5000,
    ],
)
async def test_missing_or_wrong_key_is_401(api: Api, tenant: Tenant, authorization: str) -> None:
    # given
    headers = {} if authorization is None else {"Authorization": authorization}
    # when
    response = await api.http.post(
        "/graphql", json=graphql_body(CREATE, {"input": COMPANY}), headers=headers
    )
    # then
    assert_unauthenticated(response)
    assert await Customer.all().count() == 0


@pytest.mark.parametrize("scheme", ["Basic", "Token", "ApiKey", "Bearer:", ""])
async def test_a_valid_key_in_another_scheme_is_401(api: Api, tenant: Tenant, scheme: str) -> None:
    # given
    headers = {"Authorization": f"{scheme} {tenant.key}".strip()}
    # when
    response = await api.http.post(
        "/graphql", json=graphql_body(CREATE, {"input": COMPANY}), headers=headers
    )
    # then
    assert_unauthenticated(response)
    assert await Customer.all().count() == 0


async def test_bearer_scheme_is_case_insensitive(api: Api, tenant: Tenant) -> None:
    # given
    headers = {"Authorization": f"bearer {tenant.key}"}
    # when
    response = await api.http.post(
        "/graphql", json=graphql_body(CREATE, {"input": COMPANY}), headers=headers
    )
    # then
    assert response.status_code == 200
    assert response.json()["data"]["customerCreate"]["userErrors"] == []
    [customer] = await Customer.all()
    assert customer.organization_id == tenant.organization_id


async def test_a_revoked_key_is_401(api: Api, tenant: Tenant) -> None:
    # given
    key = await ApiKey.get(organization_id=tenant.organization_id, scope=ApiKeyScope.WRITE)
    assert await revoke_key(key.id)
    # when
    response = await api.post(CREATE, {"input": COMPANY}, key=tenant.key)
    # then
    assert_unauthenticated(response)
    assert await Customer.all().count() == 0
    assert (await ApiKey.get(id=key.id)).revoked_at is not None


async def test_revoking_one_key_leaves_the_others_working(
    api: Api, tenant: Tenant, other_tenant: Tenant
) -> None:
    # given
    key = await ApiKey.get(organization_id=tenant.organization_id)
    await revoke_key(key.id)
    # when
    response = await api.post(CREATE, {"input": COMPANY}, key=other_tenant.key)
    # then
    assert response.status_code == 200
    assert response.json()["data"]["customerCreate"]["userErrors"] == []
    [customer] = await Customer.all()
    assert customer.organization_id == other_tenant.organization_id


@pytest.mark.parametrize(
    "cookie_name", ["Authorization", "authorization", "api_key", "token", "session"]
)
async def test_cookies_are_ignored(api: Api, tenant: Tenant, cookie_name: str) -> None:
    # given
    value = f"Bearer {tenant.key}" if cookie_name.lower() == "authorization" else tenant.key
    headers = {"Cookie": f"{cookie_name}={json.dumps(value)}"}
    # when
    response = await api.http.post(
        "/graphql", json=graphql_body(CREATE, {"input": COMPANY}), headers=headers
    )
    # then
    assert_unauthenticated(response)
    assert await Customer.all().count() == 0


@pytest.mark.parametrize("parameter", ["api_key", "access_token", "key", "token", "authorization"])
@pytest.mark.parametrize("method", ["GET", "POST"])
async def test_a_key_in_the_url_is_not_accepted(
    api: Api, tenant: Tenant, parameter: str, method: str
) -> None:
    # given: keys in URLs end up in proxy logs and browser histories
    await create_company(tenant)
    params = {parameter: tenant.key}
    # when
    if method == "GET":
        response = await api.http.get(
            "/graphql",
            params={**params, "query": CUSTOMERS},
            headers={"Accept": "application/json"},
        )
    else:
        response = await api.http.post(
            "/graphql", params=params, json=graphql_body(CREATE, {"input": COMPANY})
        )
    # then
    assert_unauthenticated(response)
    assert "Muster" not in response.text
    assert await Customer.all().count() == 1


@pytest.mark.parametrize("given", ["none", "wrong", "revoked"])
async def test_refused_requests_are_logged_without_the_credential(
    api: Api, tenant: Tenant, caplog: pytest.LogCaptureFixture, given: str
) -> None:
    # given
    caplog.set_level(logging.WARNING, logger="kundenstamm.requests")
    key = {"none": None, "wrong": "ks_never-issued-secret-value", "revoked": tenant.key}[given]
    if given == "revoked":
        row = await ApiKey.get(organization_id=tenant.organization_id, scope=ApiKeyScope.WRITE)
        await revoke_key(row.id)
    # when
    response = await api.post(CREATE, {"input": COMPANY}, key=key)
    # then
    assert_unauthenticated(response)
    [record] = [r for r in caplog.records if r.name == "kundenstamm.requests"]
    message = record.getMessage()
    assert response.headers["x-request-id"] in message
    assert ("no credentials" in message) == (given == "none")
    assert key is None or key not in caplog.text
    assert "never-issued" not in caplog.text
    assert await Customer.all().count() == 0


async def test_get_query_without_a_key_is_401(api: Api, tenant: Tenant) -> None:
    # given
    await create_company(tenant)
    # when
    response = await api.http.get(
        "/graphql", params={"query": CUSTOMERS}, headers={"Accept": "application/json"}
    )
    # then
    assert_unauthenticated(response)
    assert "Muster" not in response.text
    assert await Customer.all().count() == 1


async def test_browser_get_serves_graphiql_without_a_key(api: Api, tenant: Tenant) -> None:
    # given
    await create_company(tenant)
    # when
    response = await api.http.get(
        "/graphql", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
    )
    # then
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "graphiql" in response.text.lower()
    assert "Muster GmbH" not in response.text
    assert SANE_REQUEST_ID.fullmatch(response.headers["x-request-id"])
    assert await Customer.all().count() == 1


async def test_keys_are_stored_hashed(tenant: Tenant, read_only_key: str) -> None:
    # given
    secrets = [tenant.key, read_only_key]
    # when
    rows = await connections.get("default").execute_query_dict("SELECT * FROM api_keys")
    # then
    assert len(rows) == 2
    keys = await ApiKey.filter(organization_id=tenant.organization_id)
    assert {key.scope for key in keys} == {ApiKeyScope.READ, ApiKeyScope.WRITE}
    for key in keys:
        assert key.key_hash not in secrets
        assert re.fullmatch(r"[0-9a-f]{64}", key.key_hash)
    for row in rows:
        for value in row.values():
            for secret in secrets:
                assert secret not in str(value)


# Scopes


async def test_read_key_can_query(api: Api, tenant: Tenant, read_only_key: str) -> None:
    # given
    customer_id = await create_company(tenant, "Lesbar GmbH")
    # when
    data = await api.execute(CUSTOMERS, key=read_only_key)
    # then
    assert data["customers"]["totalCount"] == 1
    assert data["customers"]["edges"][0]["node"] == {
        "id": customer_id,
        "displayName": "Lesbar GmbH",
    }
    stored = await Customer.get(id=decode_id(customer_id, "Customer"))
    assert stored.organization_id == tenant.organization_id


async def _ids_for_writes(tenant: Tenant) -> dict[str, str]:
    """An active customer with a default and a second INVOICE address, an archived one."""
    active = await create_company(tenant, "Aktiv GmbH")
    archived = await create_company(tenant, "Archiv GmbH")
    await tenant.execute(ARCHIVE, {"input": {"id": archived}})
    address = {"street": "Postfach", "zip": "10115", "city": "Berlin", "countryCode": "DE"}
    for _ in range(2):
        data = await tenant.execute(
            ADDRESS_CREATE,
            {"input": {"customerId": active, "type": "INVOICE", "address": address}},
        )
        assert data["addressCreate"]["userErrors"] == []
    pk = decode_id(active, "Customer")
    default = await Address.get(customer_id=pk, type=AddressType.INVOICE, is_default=True)
    other = await Address.get(customer_id=pk, type=AddressType.INVOICE, is_default=False)
    return {
        "active": active,
        "archived": archived,
        "invoice": encode_id("Address", default.id),
        "other": encode_id("Address", other.id),
    }


NEW_ADDRESS = {"street": "Neu", "zip": "20095", "city": "Hamburg", "countryCode": "DE"}
WRITES: dict[str, tuple[str, Callable[[dict[str, str]], dict[str, Any]]]] = {
    "customerCreate": (CREATE, lambda ids: COMPANY),
    "customerUpdate": (UPDATE, lambda ids: {"id": ids["active"], "companyName": "Neu GmbH"}),
    "customerArchive": (ARCHIVE, lambda ids: {"id": ids["active"]}),
    "customerRestore": (RESTORE, lambda ids: {"id": ids["archived"]}),
    "customerDelete": (DELETE, lambda ids: {"id": ids["active"]}),
    "addressCreate": (
        ADDRESS_CREATE,
        lambda ids: {
            "customerId": ids["active"],
            "type": "INVOICE",
            "setAsDefault": True,
            "address": NEW_ADDRESS,
        },
    ),
    "addressUpdate": (ADDRESS_UPDATE, lambda ids: {"id": ids["invoice"], "address": NEW_ADDRESS}),
    "addressSetDefault": (ADDRESS_SET_DEFAULT, lambda ids: {"id": ids["other"]}),
}


@pytest.mark.parametrize("mutation", list(WRITES))
async def test_read_key_mutations_are_forbidden_and_change_nothing(
    api: Api, tenant: Tenant, read_only_key: str, mutation: str
) -> None:
    # given
    ids = await _ids_for_writes(tenant)
    before = await snapshot()
    document, make_input = WRITES[mutation]
    # when
    data = await api.execute(document, {"input": make_input(ids)}, key=read_only_key)
    # then
    errors = data[mutation]["userErrors"]
    assert [error["code"] for error in errors] == ["FORBIDDEN"]
    assert errors[0]["message"]
    assert await snapshot() == before


# HTTP edge


@pytest.mark.parametrize(
    "body",
    [b"null", b"42", b"1.5", b'"query"', b"true", b"[]", b"[1, 2]"],
)
async def test_a_json_body_that_is_no_object_is_400(api: Api, tenant: Tenant, body: bytes) -> None:
    # given
    headers = {"Authorization": f"Bearer {tenant.key}", "Content-Type": "application/json"}
    # when
    response = await api.http.post("/graphql", content=body, headers=headers)
    # then
    assert response.status_code == 400
    assert SANE_REQUEST_ID.fullmatch(response.headers["x-request-id"])
    assert await Customer.all().count() == 0


async def test_a_batch_list_is_400_and_not_executed(api: Api, tenant: Tenant) -> None:
    # given
    batch = [graphql_body(CREATE, {"input": COMPANY}), graphql_body(CREATE, {"input": COMPANY})]
    headers = {"Authorization": f"Bearer {tenant.key}"}
    # when
    response = await api.http.post("/graphql", json=batch, headers=headers)
    # then
    assert response.status_code == 400
    assert await Customer.all().count() == 0


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"query": None},
        {"query": 42},
        {"query": [CREATE]},
        {"query": CREATE, "variables": [{"input": COMPANY}]},
        {"query": CREATE, "variables": "input"},
        {"query": CREATE, "variables": {"input": COMPANY}, "extensions": "x"},
        {"query": CREATE, "variables": {"input": COMPANY}, "operationName": 5},
    ],
)
async def test_a_malformed_request_object_is_400_and_not_executed(
    api: Api, tenant: Tenant, body: dict[str, Any]
) -> None:
    # given
    headers = {"Authorization": f"Bearer {tenant.key}"}
    # when
    response = await api.http.post("/graphql", json=body, headers=headers)
    # then
    assert response.status_code == 400
    assert SANE_REQUEST_ID.fullmatch(response.headers["x-request-id"])
    assert await Customer.all().count() == 0


async def test_a_mutation_over_get_is_not_executed(api: Api, tenant: Tenant) -> None:
    # given
    params = {"query": CREATE, "variables": json.dumps({"input": COMPANY})}
    # when
    response = await api.http.get(
        "/graphql", params=params, headers={"Authorization": f"Bearer {tenant.key}"}
    )
    # then: GraphQL over HTTP says 405 and names the method that works
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert response.json()["errors"][0]["extensions"]["code"] == "METHOD_NOT_ALLOWED"
    assert await Customer.all().count() == 0


async def test_other_methods_are_405_with_a_request_id(api: Api, tenant: Tenant) -> None:
    # given
    body = json.dumps(graphql_body(CREATE, {"input": COMPANY}))
    headers = {"Authorization": f"Bearer {tenant.key}", "Content-Type": "application/json"}
    # when
    response = await api.http.put("/graphql", content=body, headers=headers)
    # then
    assert response.status_code == 405
    assert SANE_REQUEST_ID.fullmatch(response.headers["x-request-id"])
    assert await Customer.all().count() == 0


async def test_malformed_json_is_400(api: Api, tenant: Tenant) -> None:
    # given
    headers = {"Authorization": f"Bearer {tenant.key}", "Content-Type": "application/json"}
    # when
    response = await api.http.post("/graphql", content=b'{"query": ', headers=headers)
    # then
    assert response.status_code == 400
    assert await Customer.all().count() == 0


async def test_a_sane_client_request_id_is_echoed(api: Api, tenant: Tenant) -> None:
    # given
    headers = {"Authorization": f"Bearer {tenant.key}", "X-Request-ID": "Abc-123.def_456"}
    # when
    response = await api.http.post(
        "/graphql", json=graphql_body(CREATE, {"input": COMPANY}), headers=headers
    )
    # then
    assert response.status_code == 200
    assert response.headers["x-request-id"] == "Abc-123.def_456"
    assert response.json()["data"]["customerCreate"]["userErrors"] == []
    assert await Customer.all().count() == 1


async def test_the_client_request_id_is_echoed_on_a_401(api: Api, tenant: Tenant) -> None:
    # given
    headers = {"X-Request-ID": "trace-401"}
    # when
    response = await api.http.post(
        "/graphql", json=graphql_body(CREATE, {"input": COMPANY}), headers=headers
    )
    # then
    assert_unauthenticated(response)
    assert response.headers["x-request-id"] == "trace-401"
    assert await Customer.all().count() == 0


@pytest.mark.parametrize(
    "client_id", ["has spaces", "x" * 65, "<script>", "zeile\u00e4", "a/b", "semi;colon"]
)
async def test_an_insane_client_request_id_is_replaced(
    api: Api, tenant: Tenant, client_id: str
) -> None:
    # given
    headers = {
        b"Authorization": f"Bearer {tenant.key}".encode(),
        b"X-Request-ID": client_id.encode(),
    }
    # when
    response = await api.http.post(
        "/graphql", json=graphql_body(CREATE, {"input": COMPANY}), headers=headers
    )
    # then
    assert response.status_code == 200
    returned = response.headers["x-request-id"]
    assert returned != client_id
    assert SANE_REQUEST_ID.fullmatch(returned)
    assert await Customer.all().count() == 1


async def test_each_request_gets_its_own_request_id(api: Api, tenant: Tenant) -> None:
    # given
    first = await api.post(CREATE, {"input": COMPANY}, key=tenant.key)
    # when
    second = await api.post(CREATE, {"input": COMPANY}, key=tenant.key)
    # then
    assert first.headers["x-request-id"] != second.headers["x-request-id"]
    assert SANE_REQUEST_ID.fullmatch(second.headers["x-request-id"])
    assert await Customer.all().count() == 2


# Masked errors


@pytest.mark.skipif(POSTGRES_URL is None, reason="kills PostgreSQL server connections")
async def test_a_connection_lost_before_graphql_runs_is_masked_and_the_next_request_works(
    api: Api, tenant: Tenant, database_url: str
) -> None:
    # given: the server's pooled connections are killed (a database restart, say)
    await create_company(tenant, "Vorher GmbH")
    admin = await asyncpg.connect(database_url.replace("postgres://", "postgresql://", 1))
    try:
        await admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    finally:
        await admin.close()
    # when: the first request meets a dead connection while authenticating
    responses = [await api.post(CUSTOMERS, key=tenant.key) for _ in range(2)]
    # then: a masked JSON answer with the request id, never driver text; then service
    broken, recovered = responses
    # (Whether the pool noticed the kill before that request is a race: both happen.)
    if broken.status_code == 500:
        [error] = broken.json()["errors"]
        assert error["message"] == "Internal server error."
        assert error["extensions"] == {
            "code": "INTERNAL_SERVER_ERROR",
            "requestId": broken.headers["x-request-id"],
        }
        assert "asyncpg" not in broken.text
        assert "connection" not in broken.text
    else:
        assert broken.status_code == 200, broken.text
    assert recovered.status_code == 200, recovered.text
    assert [e["node"]["displayName"] for e in recovered.json()["data"]["customers"]["edges"]] == [
        "Vorher GmbH"
    ]
    assert await Customer.all().count() == 1


async def test_an_unexpected_error_is_masked_with_the_request_id(api: Api, tenant: Tenant) -> None:
    # given
    customer_id = await create_company(tenant, "Kaputt GmbH")
    pk = decode_id(customer_id, "Customer")
    deleted = await Address.filter(customer_id=pk, type=AddressType.DEFAULT).delete()
    assert deleted == 1
    # when
    response = await api.post(DEFAULT_ADDRESS, {"id": customer_id}, key=tenant.key)
    # then
    assert response.status_code == 200
    body = response.json()
    [error] = body["errors"]
    assert error["message"] == "Internal server error."
    assert error["extensions"] == {
        "code": "INTERNAL_SERVER_ERROR",
        "requestId": response.headers["x-request-id"],
    }
    assert error["path"] == ["customer", "defaultAddress"]
    assert body["data"] == {"customer": None}
    for leak in (
        "Traceback",
        "MissingDefaultAddress",
        "LookupError",
        "Exception",
        "Error:",
        "SELECT",
        "addresses",
        ".py",
        'File "',
    ):
        assert leak not in response.text
    assert (await Customer.get(id=pk)).company_name == "Kaputt GmbH"
    assert await Address.filter(customer_id=pk).count() == 0


async def test_a_masked_error_carries_the_client_request_id(api: Api, tenant: Tenant) -> None:
    # given
    customer_id = await create_company(tenant, "Kaputt GmbH")
    pk = decode_id(customer_id, "Customer")
    await Address.filter(customer_id=pk, type=AddressType.DEFAULT).delete()
    headers = {"Authorization": f"Bearer {tenant.key}", "X-Request-ID": "support-4711"}
    # when
    response = await api.http.post(
        "/graphql", json=graphql_body(DEFAULT_ADDRESS, {"id": customer_id}), headers=headers
    )
    # then
    [error] = response.json()["errors"]
    assert error["extensions"] == {"code": "INTERNAL_SERVER_ERROR", "requestId": "support-4711"}
    assert response.headers["x-request-id"] == "support-4711"
    assert await Customer.filter(id=pk).exists()


# Limits


def assert_refused(response: httpx.Response) -> list[dict[str, Any]]:
    body = response.json()
    assert body.get("data") is None
    errors: list[dict[str, Any]] = body["errors"]
    assert errors
    for error in errors:
        assert error["message"] != "Internal server error."
    return errors


async def test_a_query_within_the_depth_limit_runs(tenant: Tenant) -> None:
    # given
    customer_id = await create_company(tenant)
    # when
    data = await tenant.execute(DEPTH_10_QUERY, {"id": customer_id})
    # then
    assert data == {"customer": {"subscriptions": []}}
    assert DEPTH_10_QUERY.count("{") == 10
    assert await Customer.filter(id=decode_id(customer_id, "Customer")).exists()


async def test_a_document_nested_deeper_than_10_levels_is_not_executed(
    api: Api, tenant: Tenant
) -> None:
    # when
    response = await api.post(DEPTH_12_MUTATION, {"input": COMPANY}, key=tenant.key)
    # then
    errors = assert_refused(response)
    assert DEPTH_12_MUTATION.count("{") == 12
    assert any("depth" in error["message"] for error in errors)
    assert await Customer.all().count() == 0


async def test_30_aliases_are_allowed(tenant: Tenant) -> None:
    # when
    data = await tenant.execute(ALIASES_30_MUTATION, {"input": COMPANY})
    # then
    assert len(data) == 30
    assert await Customer.filter(organization_id=tenant.organization_id).count() == 30


async def test_more_than_30_aliases_are_not_executed(api: Api, tenant: Tenant) -> None:
    # when
    response = await api.post(ALIASES_31_MUTATION, {"input": COMPANY}, key=tenant.key)
    # then
    errors = assert_refused(response)
    assert any("alias" in error["message"].lower() for error in errors)
    assert await Customer.all().count() == 0


async def test_a_huge_document_is_not_executed(api: Api, tenant: Tenant) -> None:
    # when
    response = await api.post(HUGE_MUTATION, {"input": COMPANY}, key=tenant.key)
    # then
    errors = assert_refused(response)
    assert any("token" in error["message"].lower() for error in errors)
    assert await Customer.all().count() == 0


def padded_create(size: int) -> bytes:
    """A valid customerCreate request body of exactly `size` bytes (padded with whitespace)."""
    body = json.dumps(graphql_body(CREATE + "{padding}", {"input": COMPANY}))
    unpadded = len(body.replace("{padding}", "").encode())
    return body.replace("{padding}", " " * (size - unpadded)).encode()


async def test_a_body_of_1_mib_is_accepted(api: Api, tenant: Tenant) -> None:
    # given
    body = padded_create(MIB)
    headers = {"Authorization": f"Bearer {tenant.key}", "Content-Type": "application/json"}
    # when
    response = await api.http.post("/graphql", content=body, headers=headers)
    # then
    assert response.status_code == 200
    assert response.json()["data"]["customerCreate"]["userErrors"] == []
    assert await Customer.all().count() == 1


async def test_a_body_over_1_mib_is_413(api: Api, tenant: Tenant) -> None:
    # given
    body = padded_create(MIB + 1)
    headers = {"Authorization": f"Bearer {tenant.key}", "Content-Type": "application/json"}
    # when
    response = await api.http.post("/graphql", content=body, headers=headers)
    # then
    assert response.status_code == 413
    assert SANE_REQUEST_ID.fullmatch(response.headers["x-request-id"])
    assert await Customer.all().count() == 0


async def test_a_streamed_body_over_1_mib_without_length_is_413(api: Api, tenant: Tenant) -> None:
    # given
    body = padded_create(2 * MIB)

    async def chunks() -> AsyncIterator[bytes]:
        for start in range(0, len(body), 65_536):
            yield body[start : start + 65_536]

    headers = {"Authorization": f"Bearer {tenant.key}", "Content-Type": "application/json"}
    # when
    response = await api.http.post("/graphql", content=chunks(), headers=headers)
    # then
    assert "content-length" not in response.request.headers
    assert response.status_code == 413
    assert await Customer.all().count() == 0


@pytest.mark.parametrize("with_key", [True, False], ids=["with-key", "anonymous"])
async def test_deeply_nested_json_is_a_bad_request(
    api: Api, tenant: Tenant, with_key: bool
) -> None:
    # given
    body = (
        '{"query": "{ organization { name } }", "variables": {"x": '
        + "[" * 5000
        + "]" * 5000
        + "}}"
    )
    headers = {"Content-Type": "application/json"}
    if with_key:
        headers["Authorization"] = f"Bearer {tenant.key}"
    # when
    response = await api.http.post("/graphql", content=body, headers=headers)
    # then
    # (without a key the body is no login request, so authentication refuses it first)
    assert response.status_code == (400 if with_key else 401)
    assert await Customer.filter(organization_id=tenant.organization_id).count() == 0
