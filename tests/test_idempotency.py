"""Idempotency-Key: a retried mutation gets its first response and changes nothing again.

The first response is stored per (organization, key) for 24 hours in the transaction of
the change and replayed for the same request; the same key for another request is
refused (422), a twin of a request still running is told to retry (409). This holds
within one server process and across processes on the same database.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import json
import logging
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
import httpx
import pytest

from app import create_app
from domain.api_keys import issue_key
from domain.idempotency import advisory_lock_id
from domain.users import create_user
from models import Customer, ExportJob, IdempotencyRecord, NumberRange, UserSession
from models.enums import ApiKeyScope, NumberRangeKind, UserRole
from schema.node import decode_id
from settings import Settings
from tests.client import Tenant
from tests.conftest import POSTGRES_URL
from tests.live_server import live_servers
from tests.sqlite_lock import another_process_writing
from tests.test_customers_export import wait_for

CREATE = """
mutation Create($input: CustomerCreateInput!) {
  customerCreate(input: $input) {
    customer { id customerNumber displayName }
    userErrors { field code message }
  }
}
"""

CUSTOMERS = """
query Customers {
  customers(first: 10) { totalCount edges { node { id } } }
}
"""

EXPORT = """
mutation Export($input: CustomersExportInput) {
  customersExport(input: $input) {
    exportJob { id status }
    userErrors { field code message }
  }
}
"""

IMPORT = """
mutation Import($file: Upload!) {
  customersImport(input: {file: $file, background: true}) {
    importJob { id status }
    userErrors { field code message }
  }
}
"""

IMPORT_JOB = """
query Job($id: ID!) { importJob(id: $id) { status result { created errors { code } } } }
"""

LOGIN = """
mutation Login($input: LoginInput!) {
  login(input: $input) { token userErrors { field code message } }
}
"""

# Valid GraphQL, but the schema has no such field: refused by validation.
UNKNOWN_FIELD = """
mutation Create($input: CustomerCreateInput!) {
  customerCreate(input: $input) { customer { id noSuchField } }
}
"""

COMPANY: dict[str, Any] = {"input": {"type": "COMPANY", "companyName": "Muster GmbH"}}
OTHER_COMPANY: dict[str, Any] = {"input": {"type": "COMPANY", "companyName": "Andere GmbH"}}
WITHOUT_COMPANY_NAME: dict[str, Any] = {"input": {"type": "COMPANY"}}
CONCURRENT_TWINS = 10
EMAIL = "erika@example.com"
PASSWORD = "korrekt-pferd-batterie"


# --- helpers -------------------------------------------------------------------------------


def _headers(key: str, idempotency_key: str) -> dict[bytes, bytes]:
    # Latin-1 bytes, as a header arrives on the wire: lets a test send non-ASCII keys.
    return {
        b"Authorization": f"Bearer {key}".encode(),
        b"Idempotency-Key": idempotency_key.encode("latin-1"),
    }


async def send(
    http: httpx.AsyncClient,
    query: str,
    variables: dict[str, Any],
    *,
    key: str,
    idempotency_key: str,
) -> httpx.Response:
    return await http.post(
        "/graphql",
        json={"query": query, "variables": variables},
        headers=_headers(key, idempotency_key),
    )


async def upload(
    http: httpx.AsyncClient, data: bytes, *, key: str, idempotency_key: str
) -> httpx.Response:
    """customersImport as a GraphQL multipart request, with the file under "0"."""
    return await http.post(
        "/graphql",
        data={
            "operations": json.dumps({"query": IMPORT, "variables": {"file": None}}),
            "map": json.dumps({"0": ["variables.file"]}),
        },
        files={"0": ("kunden.csv", data, "text/csv")},
        headers=_headers(key, idempotency_key),
    )


def replayed(response: httpx.Response) -> bool:
    value: str | None = response.headers.get("Idempotent-Replayed")
    return value == "true"


def error_code(response: httpx.Response) -> str:
    body: dict[str, Any] = response.json()
    assert "data" not in body or body["data"] is None, body
    code: str = body["errors"][0]["extensions"]["code"]
    return code


def created_customer_id(response: httpx.Response) -> str:
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body["errors"]
    payload: dict[str, Any] = body["data"]["customerCreate"]
    assert payload["userErrors"] == [], payload["userErrors"]
    customer_id: str = payload["customer"]["id"]
    return customer_id


async def customer_ids(organization_id: uuid.UUID) -> list[uuid.UUID]:
    return [c.id for c in await Customer.filter(organization_id=organization_id)]


async def records(organization_id: uuid.UUID) -> list[IdempotencyRecord]:
    return await IdempotencyRecord.filter(organization_id=organization_id)


async def next_customer_value(organization_id: uuid.UUID) -> int:
    number_range = await NumberRange.get(
        organization_id=organization_id, kind=NumberRangeKind.CUSTOMER
    )
    value: int = number_range.next_value
    return value


async def add_user(tenant: Tenant) -> None:
    await create_user(
        organization_id=tenant.organization_id,
        email_address=EMAIL,
        role=UserRole.EMPLOYEE,
        password=PASSWORD,
    )


async def logged_in_user(tenant: Tenant) -> str:
    """A web-app user of the tenant, logged in: returns the session token."""
    await add_user(tenant)
    response = await tenant.api.post(
        LOGIN, {"input": {"email": EMAIL, "password": PASSWORD}}, key=None
    )
    assert response.status_code == 200, response.text
    token: str = response.json()["data"]["login"]["token"]
    return token


def csv_bytes(rows: list[list[str]]) -> bytes:
    return "".join(";".join(row) + "\r\n" for row in rows).encode("utf-8")


@asynccontextmanager
async def app_with(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """Another app (server process) with other settings on the same database."""
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            yield http


# --- replay --------------------------------------------------------------------------------


async def test_retry_with_the_same_key_replays_the_first_response(tenant: Tenant) -> None:
    # given
    http = tenant.api.http
    first = await send(http, CREATE, COMPANY, key=tenant.key, idempotency_key="create-1")
    customer_id = created_customer_id(first)
    # when
    retry = await send(http, CREATE, COMPANY, key=tenant.key, idempotency_key="create-1")
    # then
    assert not replayed(first)
    assert retry.status_code == first.status_code == 200
    assert replayed(retry)
    assert retry.json() == first.json()
    assert await customer_ids(tenant.organization_id) == [decode_id(customer_id, "Customer")]
    assert await next_customer_value(tenant.organization_id) == 2
    stored = await records(tenant.organization_id)
    assert [(r.key, r.status_code) for r in stored] == [("create-1", 200)]
    assert json.loads(stored[0].response) == first.json()
    assert stored[0].expires_at - stored[0].created_at == dt.timedelta(hours=24)


async def test_different_keys_are_different_requests(tenant: Tenant) -> None:
    # given
    http = tenant.api.http
    first = await send(http, CREATE, COMPANY, key=tenant.key, idempotency_key="create-1")
    # when
    second = await send(http, CREATE, COMPANY, key=tenant.key, idempotency_key="create-2")
    # then
    assert not replayed(second)
    assert created_customer_id(second) != created_customer_id(first)
    assert len(await customer_ids(tenant.organization_id)) == 2
    assert await next_customer_value(tenant.organization_id) == 3
    assert sorted(r.key for r in await records(tenant.organization_id)) == [
        "create-1",
        "create-2",
    ]


async def test_same_key_with_different_variables_is_refused_as_reused(tenant: Tenant) -> None:
    # given
    http = tenant.api.http
    first = await send(http, CREATE, COMPANY, key=tenant.key, idempotency_key="create-1")
    customer_id = created_customer_id(first)
    # when
    response = await send(http, CREATE, OTHER_COMPANY, key=tenant.key, idempotency_key="create-1")
    # then
    assert response.status_code == 422
    assert error_code(response) == "IDEMPOTENCY_KEY_REUSED"
    assert not replayed(response)
    assert await customer_ids(tenant.organization_id) == [decode_id(customer_id, "Customer")]
    assert await next_customer_value(tenant.organization_id) == 2
    stored = await records(tenant.organization_id)
    assert len(stored) == 1
    assert json.loads(stored[0].response) == first.json()


async def test_same_key_from_another_api_key_of_the_organization_is_refused(
    tenant: Tenant,
) -> None:
    # given
    http = tenant.api.http
    other_key = await issue_key(organization_id=tenant.organization_id, scope=ApiKeyScope.WRITE)
    first = await send(http, CREATE, COMPANY, key=tenant.key, idempotency_key="create-1")
    customer_id = created_customer_id(first)
    # when
    response = await send(http, CREATE, COMPANY, key=other_key.secret, idempotency_key="create-1")
    # then
    assert response.status_code == 422
    assert error_code(response) == "IDEMPOTENCY_KEY_REUSED"
    assert await customer_ids(tenant.organization_id) == [decode_id(customer_id, "Customer")]
    assert len(await records(tenant.organization_id)) == 1


async def test_same_key_in_another_organization_is_independent(
    tenant: Tenant, other_tenant: Tenant
) -> None:
    # given
    http = tenant.api.http
    first = await send(http, CREATE, COMPANY, key=tenant.key, idempotency_key="create-1")
    # when
    other = await send(http, CREATE, COMPANY, key=other_tenant.key, idempotency_key="create-1")
    # then
    assert not replayed(other)
    own_id = created_customer_id(first)
    other_id = created_customer_id(other)
    assert await customer_ids(tenant.organization_id) == [decode_id(own_id, "Customer")]
    assert await customer_ids(other_tenant.organization_id) == [decode_id(other_id, "Customer")]
    assert [r.key for r in await records(tenant.organization_id)] == ["create-1"]
    assert [r.key for r in await records(other_tenant.organization_id)] == ["create-1"]


async def test_logged_in_user_gets_the_replay_and_an_api_key_with_that_key_is_refused(
    tenant: Tenant,
) -> None:
    # given
    http = tenant.api.http
    token = await logged_in_user(tenant)
    first = await send(http, CREATE, COMPANY, key=token, idempotency_key="create-1")
    customer_id = created_customer_id(first)
    # when
    retry = await send(http, CREATE, COMPANY, key=token, idempotency_key="create-1")
    by_api_key = await send(http, CREATE, COMPANY, key=tenant.key, idempotency_key="create-1")
    # then
    assert replayed(retry)
    assert retry.json() == first.json()
    assert by_api_key.status_code == 422
    assert error_code(by_api_key) == "IDEMPOTENCY_KEY_REUSED"
    assert await customer_ids(tenant.organization_id) == [decode_id(customer_id, "Customer")]
    assert [r.key for r in await records(tenant.organization_id)] == ["create-1"]


async def test_anonymous_login_with_a_key_runs_each_time_and_stores_nothing(
    tenant: Tenant,
) -> None:
    # given
    await add_user(tenant)
    variables = {"input": {"email": EMAIL, "password": PASSWORD}}
    # when
    responses = [
        await tenant.api.http.post(
            "/graphql",
            json={"query": LOGIN, "variables": variables},
            headers={"Idempotency-Key": "login-1"},
        )
        for _ in range(2)
    ]
    # then
    tokens: set[str] = set()
    for response in responses:
        assert response.status_code == 200, response.text
        assert not replayed(response)
        payload = response.json()["data"]["login"]
        assert payload["userErrors"] == []
        tokens.add(payload["token"])
    assert len(tokens) == 2
    assert await UserSession.filter(user__email=EMAIL).count() == 2
    assert await records(tenant.organization_id) == []


async def test_query_with_a_key_runs_normally_and_stores_nothing(tenant: Tenant) -> None:
    # given
    http = tenant.api.http
    created_customer_id(await send(http, CREATE, COMPANY, key=tenant.key, idempotency_key="c"))
    # when
    responses = [
        await send(http, CUSTOMERS, {}, key=tenant.key, idempotency_key="list") for _ in range(2)
    ]
    # then
    for response in responses:
        assert response.status_code == 200, response.text
        assert not replayed(response)
        assert response.json()["data"]["customers"]["totalCount"] == 1
    assert [r.key for r in await records(tenant.organization_id)] == ["c"]


# --- keys ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "idempotency_key",
    [
        pytest.param("", id="empty"),
        pytest.param("x" * 256, id="256-characters"),
        pytest.param("schlüssel", id="non-ascii"),
        pytest.param("a\tb", id="tab"),
        pytest.param("a\x7fb", id="delete-character"),
    ],
)
async def test_invalid_key_is_refused_before_execution(
    tenant: Tenant, idempotency_key: str
) -> None:
    # when
    response = await send(
        tenant.api.http, CREATE, COMPANY, key=tenant.key, idempotency_key=idempotency_key
    )
    # then
    assert response.status_code == 400
    assert error_code(response) == "IDEMPOTENCY_KEY_INVALID"
    assert await customer_ids(tenant.organization_id) == []
    assert await next_customer_value(tenant.organization_id) == 1
    assert await records(tenant.organization_id) == []


@pytest.mark.parametrize(
    "idempotency_key",
    [
        pytest.param("k", id="one-character"),
        pytest.param("~" * 255, id="255-characters"),
        pytest.param(str(uuid.uuid4()), id="uuid"),
        pytest.param("order 4711: create", id="printable-with-spaces"),
    ],
)
async def test_valid_key_is_stored_as_sent(tenant: Tenant, idempotency_key: str) -> None:
    # when
    response = await send(
        tenant.api.http, CREATE, COMPANY, key=tenant.key, idempotency_key=idempotency_key
    )
    # then
    created_customer_id(response)
    assert len(await customer_ids(tenant.organization_id)) == 1
    assert [r.key for r in await records(tenant.organization_id)] == [idempotency_key]


# --- what is stored, for how long ----------------------------------------------------------


async def test_expired_record_no_longer_replays_and_is_replaced(tenant: Tenant) -> None:
    # given: a response stored more than 24 hours ago
    http = tenant.api.http
    first = await send(http, CREATE, COMPANY, key=tenant.key, idempotency_key="create-1")
    first_id = created_customer_id(first)
    past = dt.datetime.now(dt.UTC) - dt.timedelta(hours=25)
    await IdempotencyRecord.filter(organization_id=tenant.organization_id).update(
        created_at=past, expires_at=past + dt.timedelta(hours=24)
    )
    # when
    again = await send(http, CREATE, COMPANY, key=tenant.key, idempotency_key="create-1")
    # then
    assert not replayed(again)
    again_id = created_customer_id(again)
    assert again_id != first_id
    assert len(await customer_ids(tenant.organization_id)) == 2
    assert await next_customer_value(tenant.organization_id) == 3
    stored = await records(tenant.organization_id)
    assert len(stored) == 1
    assert stored[0].expires_at > dt.datetime.now(dt.UTC)
    assert json.loads(stored[0].response) == again.json()


async def test_refusal_with_user_errors_is_stored_and_nothing_half_written(
    tenant: Tenant,
) -> None:
    # given
    http = tenant.api.http
    first = await send(
        http, CREATE, WITHOUT_COMPANY_NAME, key=tenant.key, idempotency_key="create-1"
    )
    # when
    retry = await send(
        http, CREATE, WITHOUT_COMPANY_NAME, key=tenant.key, idempotency_key="create-1"
    )
    # then
    assert first.status_code == 200
    payload = first.json()["data"]["customerCreate"]
    assert payload["customer"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [
        (["input", "companyName"], "REQUIRED")
    ]
    assert retry.status_code == 200
    assert replayed(retry)
    assert retry.json() == first.json()
    assert await customer_ids(tenant.organization_id) == []
    assert await next_customer_value(tenant.organization_id) == 1
    stored = await records(tenant.organization_id)
    assert [(r.key, r.status_code) for r in stored] == [("create-1", 200)]
    assert json.loads(stored[0].response) == first.json()


async def test_request_refused_by_validation_is_not_stored(tenant: Tenant) -> None:
    # given
    http = tenant.api.http
    refused = await send(http, UNKNOWN_FIELD, COMPANY, key=tenant.key, idempotency_key="k-1")
    # when: the corrected request with the same key
    corrected = await send(http, CREATE, COMPANY, key=tenant.key, idempotency_key="k-1")
    # then
    assert refused.json()["errors"]
    assert refused.json().get("data") is None
    assert not replayed(corrected)
    customer_id = created_customer_id(corrected)
    assert await customer_ids(tenant.organization_id) == [decode_id(customer_id, "Customer")]
    stored = await records(tenant.organization_id)
    assert len(stored) == 1
    assert json.loads(stored[0].response) == corrected.json()


async def test_throttled_request_is_not_stored(tenant: Tenant, settings: Settings) -> None:
    # given: a server whose bucket is smaller than what a customerCreate costs
    small_bucket = dataclasses.replace(settings, rate_limit_bucket=10, rate_limit_restore_rate=1)
    # (Its lifespan closes the shared database connections: the test runs inside it.)
    async with app_with(small_bucket) as throttling:
        throttled = await send(
            throttling, CREATE, COMPANY, key=tenant.key, idempotency_key="create-1"
        )
        assert throttled.status_code == 429
        assert error_code(throttled) == "THROTTLED"
        assert await records(tenant.organization_id) == []
        # when: the retry reaches a server with room in its bucket
        retry = await send(
            tenant.api.http, CREATE, COMPANY, key=tenant.key, idempotency_key="create-1"
        )
        # then
        assert not replayed(retry)
        customer_id = created_customer_id(retry)
        assert await customer_ids(tenant.organization_id) == [decode_id(customer_id, "Customer")]
        stored = await records(tenant.organization_id)
        assert [(r.key, r.status_code) for r in stored] == [("create-1", 200)]


# --- side effects and uploads --------------------------------------------------------------


async def test_export_replay_returns_the_same_job_and_starts_no_second(tenant: Tenant) -> None:
    # given
    http = tenant.api.http
    created_customer_id(await send(http, CREATE, COMPANY, key=tenant.key, idempotency_key="c"))
    first = await send(http, EXPORT, {"input": {}}, key=tenant.key, idempotency_key="export-1")
    assert first.status_code == 200, first.text
    job_id = first.json()["data"]["customersExport"]["exportJob"]["id"]
    # when
    retry = await send(http, EXPORT, {"input": {}}, key=tenant.key, idempotency_key="export-1")
    # then
    assert replayed(retry)
    assert retry.json() == first.json()
    assert retry.json()["data"]["customersExport"]["exportJob"]["id"] == job_id
    # The job was handed to the worker once its row was committed: it runs to the end.
    job = await wait_for(tenant, job_id)
    assert job["status"] == "COMPLETED", job
    jobs = await ExportJob.filter(organization_id=tenant.organization_id)
    assert [j.id for j in jobs] == [decode_id(job_id, "ExportJob")]
    assert sorted(r.key for r in await records(tenant.organization_id)) == ["c", "export-1"]


async def test_upload_retry_replays_and_other_file_content_is_refused(tenant: Tenant) -> None:
    # given
    http = tenant.api.http
    data = csv_bytes([["Kundentyp", "Firmenname"], ["Unternehmen", "Import GmbH"]])
    other = csv_bytes([["Kundentyp", "Firmenname"], ["Unternehmen", "Andere GmbH"]])
    first = await upload(http, data, key=tenant.key, idempotency_key="import-1")
    assert first.status_code == 200, first.text
    job_id = first.json()["data"]["customersImport"]["importJob"]["id"]
    for _ in range(1000):
        job = (await tenant.execute(IMPORT_JOB, {"id": job_id}))["importJob"]
        if job["status"] == "COMPLETED":
            break
        await asyncio.sleep(0.05)
    assert job["result"] == {"created": 1, "errors": []}
    # when
    retry = await upload(http, data, key=tenant.key, idempotency_key="import-1")
    changed = await upload(http, other, key=tenant.key, idempotency_key="import-1")
    # then
    assert replayed(retry)
    assert retry.json() == first.json()
    assert changed.status_code == 422
    assert error_code(changed) == "IDEMPOTENCY_KEY_REUSED"
    stored = await Customer.filter(organization_id=tenant.organization_id)
    assert [c.company_name for c in stored] == ["Import GmbH"]
    assert await next_customer_value(tenant.organization_id) == 2
    assert [r.key for r in await records(tenant.organization_id)] == ["import-1"]


# --- twins running at the same time --------------------------------------------------------


async def _assert_one_customer_for_all(tenant: Tenant, responses: list[httpx.Response]) -> str:
    """Every response is the one customer (original or replay) or a 409; returns its id."""
    stored = await customer_ids(tenant.organization_id)
    assert len(stored) == 1, stored
    assert {r.status_code for r in responses} <= {200, 409}, [r.text for r in responses]
    successes = [r for r in responses if r.status_code == 200]
    ids = {created_customer_id(r) for r in successes}
    assert len(ids) == 1, ids
    (customer_id,) = ids
    assert decode_id(customer_id, "Customer") == stored[0]
    assert len([r for r in successes if not replayed(r)]) == 1
    for conflict in (r for r in responses if r.status_code == 409):
        assert error_code(conflict) == "IDEMPOTENCY_REQUEST_IN_PROGRESS"
        assert conflict.headers["Retry-After"] == "1"
    assert await next_customer_value(tenant.organization_id) == 2
    assert [r.key for r in await records(tenant.organization_id)] == ["twin"]
    return customer_id


async def test_concurrent_twins_in_one_process_create_one_customer(tenant: Tenant) -> None:
    # given
    http = tenant.api.http
    # when
    responses = await asyncio.gather(
        *(
            send(http, CREATE, COMPANY, key=tenant.key, idempotency_key="twin")
            for _ in range(CONCURRENT_TWINS)
        )
    )
    # then
    customer_id = await _assert_one_customer_for_all(tenant, list(responses))
    retry = await send(http, CREATE, COMPANY, key=tenant.key, idempotency_key="twin")
    assert replayed(retry)
    assert created_customer_id(retry) == customer_id
    assert len(await customer_ids(tenant.organization_id)) == 1


async def test_concurrent_twins_on_two_server_processes_create_one_customer(
    tenant: Tenant, database_url: str
) -> None:
    # given
    async with live_servers(database_url, 2) as urls:
        clients = [httpx.AsyncClient(base_url=url, timeout=60) for url in urls]
        try:
            # when
            responses = await asyncio.gather(
                *(
                    send(clients[i % 2], CREATE, COMPANY, key=tenant.key, idempotency_key="twin")
                    for i in range(CONCURRENT_TWINS)
                )
            )
            # then
            customer_id = await _assert_one_customer_for_all(tenant, list(responses))
            retries = [
                await send(client, CREATE, COMPANY, key=tenant.key, idempotency_key="twin")
                for client in clients
            ]
        finally:
            for client in clients:
                await client.aclose()
    assert all(replayed(r) for r in retries)
    assert {created_customer_id(r) for r in retries} == {customer_id}
    assert len(await customer_ids(tenant.organization_id)) == 1


@pytest.mark.skipif(not POSTGRES_URL, reason="the advisory lock of a twin is PostgreSQL's")
async def test_twin_running_in_another_process_gets_409_until_it_finishes(
    tenant: Tenant, database_url: str
) -> None:
    # given: a twin in another server process holds the key (its advisory lock)
    holder = await asyncpg.connect(database_url.replace("postgres://", "postgresql://", 1))
    try:
        await holder.execute(
            "SELECT pg_advisory_lock($1)", advisory_lock_id(tenant.organization_id, "create-1")
        )
        # when
        busy = await send(
            tenant.api.http, CREATE, COMPANY, key=tenant.key, idempotency_key="create-1"
        )
    finally:
        await holder.close()
    # then
    assert busy.status_code == 409
    assert error_code(busy) == "IDEMPOTENCY_REQUEST_IN_PROGRESS"
    assert busy.headers["Retry-After"] == "1"
    assert await customer_ids(tenant.organization_id) == []
    assert await next_customer_value(tenant.organization_id) == 1
    assert await records(tenant.organization_id) == []
    # and the retry once the twin is gone runs
    retry = await send(tenant.api.http, CREATE, COMPANY, key=tenant.key, idempotency_key="create-1")
    assert not replayed(retry)
    customer_id = created_customer_id(retry)
    assert await customer_ids(tenant.organization_id) == [decode_id(customer_id, "Customer")]


# --- what the first review of this found ---------------------------------------------------

# Two operations: a request must name the one to run (GraphQL's GetOperation).
CREATE_AND_LIST = CREATE.replace("mutation Create", "mutation CreateFirst") + CUSTOMERS

LOGIN_IN_A_FRAGMENT = """
mutation Login($input: LoginInput!) { ...Credentials }
fragment Credentials on Mutation { login(input: $input) { token } }
"""

PASSWORD_CHANGE = """
mutation PasswordChange($input: PasswordChangeInput!) {
  passwordChange(input: $input) { userErrors { field code message } }
}
"""


async def test_several_operations_without_a_name_are_refused_and_the_named_one_is_covered(
    tenant: Tenant,
) -> None:
    # given
    http = tenant.api.http
    refused = await send(http, CREATE_AND_LIST, COMPANY, key=tenant.key, idempotency_key="both-1")
    named = {"query": CREATE_AND_LIST, "variables": COMPANY, "operationName": "CreateFirst"}
    first = await http.post("/graphql", json=named, headers=_headers(tenant.key, "both-1"))
    customer_id = created_customer_id(first)
    # when
    retry = await http.post("/graphql", json=named, headers=_headers(tenant.key, "both-1"))
    # then
    assert refused.json() == {
        "data": None,
        "errors": [
            {
                "message": "Must provide operation name if query contains multiple operations.",
                "extensions": {"code": "OPERATION_RESOLUTION_FAILURE"},
            }
        ],
    }
    assert not replayed(first)
    assert replayed(retry)
    assert retry.json() == first.json()
    assert await customer_ids(tenant.organization_id) == [decode_id(customer_id, "Customer")]
    assert [r.key for r in await records(tenant.organization_id)] == ["both-1"]


@pytest.mark.parametrize("mutation", ["login", "login-in-a-fragment", "passwordChange"])
async def test_credentials_are_never_stored_so_their_mutations_refuse_a_key(
    tenant: Tenant, mutation: str
) -> None:
    # given: a logged-in user (login itself is also open to authenticated callers)
    token = await logged_in_user(tenant)
    query, variables = {
        "login": (LOGIN, {"input": {"email": EMAIL, "password": PASSWORD}}),
        "login-in-a-fragment": (
            LOGIN_IN_A_FRAGMENT,
            {"input": {"email": EMAIL, "password": PASSWORD}},
        ),
        "passwordChange": (
            PASSWORD_CHANGE,
            {"input": {"currentPassword": PASSWORD, "newPassword": "noch-ein-pferd-batterie"}},
        ),
    }[mutation]
    sessions_before = await UserSession.filter(user__email=EMAIL).count()
    # when
    response = await send(tenant.api.http, query, variables, key=token, idempotency_key="cred-1")
    # then
    assert response.status_code == 400
    assert error_code(response) == "IDEMPOTENCY_KEY_NOT_SUPPORTED"
    assert await records(tenant.organization_id) == []
    assert await UserSession.filter(user__email=EMAIL).count() == sessions_before


async def test_the_stored_fingerprint_is_keyed_with_the_server_secret(
    tenant: Tenant, settings: Settings
) -> None:
    # given
    await send(tenant.api.http, CREATE, COMPANY, key=tenant.key, idempotency_key="fp-1")
    [record] = await records(tenant.organization_id)
    # when: the same request checked by a server with another secret
    other = dataclasses.replace(settings, secret_key="another-secret-" + "y" * 32)
    async with app_with(other) as http:
        retry = await send(http, CREATE, COMPANY, key=tenant.key, idempotency_key="fp-1")
        # then: a bare hash of the request would have matched; the keyed one does not
        assert retry.status_code == 422
        assert error_code(retry) == "IDEMPOTENCY_KEY_REUSED"
        assert len(record.fingerprint) == 64
        assert len(await customer_ids(tenant.organization_id)) == 1


@pytest.mark.skipif(POSTGRES_URL is not None, reason="SQLite's write lock across processes")
async def test_a_database_busy_with_another_process_answers_503_and_leaves_no_lock(
    tenant: Tenant, settings: Settings, database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    # given: another process holds SQLite's write lock longer than this server waits
    caplog.set_level(logging.WARNING, logger="kundenstamm.requests")
    patient = dataclasses.replace(settings, database_url=database_url + "?busy_timeout=200")
    async with app_with(patient) as http:
        with another_process_writing(database_url):
            # when
            busy = await send(http, CREATE, COMPANY, key=tenant.key, idempotency_key="busy-1")
        # then: refused as retryable, and the server's connection is free again
        assert busy.status_code == 503
        assert error_code(busy) == "DATABASE_BUSY"
        assert busy.headers["Retry-After"] == "1"
        # and the log says why, under the request's id
        [logged] = [r for r in caplog.records if r.getMessage().startswith("database busy")]
        assert busy.headers["x-request-id"] in logged.getMessage()
        assert "locked" in logged.getMessage()
        retry = await send(http, CREATE, COMPANY, key=tenant.key, idempotency_key="busy-1")
        listed = await http.post(
            "/graphql", json={"query": CUSTOMERS}, headers={"Authorization": f"Bearer {tenant.key}"}
        )
        customer_id = created_customer_id(retry)
        assert listed.json()["data"]["customers"]["totalCount"] == 1
        assert await customer_ids(tenant.organization_id) == [decode_id(customer_id, "Customer")]
        assert [r.key for r in await records(tenant.organization_id)] == ["busy-1"]


@pytest.mark.skipif(POSTGRES_URL is not None, reason="SQLite's write lock across processes")
async def test_without_a_key_a_busy_database_is_reported_as_such_not_as_a_bug(
    tenant: Tenant, settings: Settings, database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    # given: another process holds SQLite's write lock longer than this server waits
    caplog.set_level(logging.WARNING, logger="kundenstamm.errors")
    patient = dataclasses.replace(settings, database_url=database_url + "?busy_timeout=200")
    async with app_with(patient) as http:
        with another_process_writing(database_url):
            # when
            busy = await http.post(
                "/graphql",
                json={"query": CREATE, "variables": COMPANY},
                headers={"Authorization": f"Bearer {tenant.key}"},
            )
        # then
        [error] = busy.json()["errors"]
        assert error["extensions"] == {
            "code": "DATABASE_BUSY",
            "requestId": busy.headers["x-request-id"],
        }
        assert error["path"] == ["customerCreate"]
        assert "locked" not in error["message"]
        [logged] = [r for r in caplog.records if r.getMessage().startswith("database busy")]
        assert busy.headers["x-request-id"] in logged.getMessage()
        assert "locked" in logged.getMessage()
        assert await customer_ids(tenant.organization_id) == []
