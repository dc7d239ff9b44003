"""Schema-driven fuzzing: generated documents never get a 5xx, a masked bug or internals back.

hypothesis-graphql builds queries and mutations from the committed SDL; they go over HTTP
into the real app. Generation is derandomized (the same documents on every run) and bounded
by an example count and a wall-clock budget. A response fails the check when its status is
5xx, its body is not JSON, an error is a masked bug (INTERNAL_SERVER_ERROR: the trace from
the "kundenstamm.errors" log goes into the failure message) or an error's message or
extensions name SQL, a driver, a file path or a traceback. Only errors are searched: `data`
may legitimately echo what the fuzzer sent.

The fuzzer writes its values as literals into the documents: it cannot follow the rule of
values in variables, which holds for the hand-written documents here.
"""

from __future__ import annotations

import base64
import dataclasses
import logging
import re
import time
import traceback
import uuid
from collections.abc import Iterator
from datetime import UTC
from pathlib import Path
from typing import Any

import graphql
import httpx
import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from hypothesis_graphql import Mode, mutations, nodes, queries

from domain.idempotency import ERASED_RESPONSE, ERASED_STATUS
from models import (
    Address,
    Customer,
    CustomerEvent,
    IdempotencyRecord,
    Invoice,
    Order,
    Payment,
    Subscription,
)
from models.enums import AddressType
from schema.node import encode_id
from settings import Settings
from tests.client import Tenant

SDL = (Path(__file__).resolve().parents[1] / "schema.graphql").read_text(encoding="utf-8")

# Bounds: a few hundred documents in all, and wall-clock budgets per test for generating
# and for sending (a slow machine sends fewer documents; it does not fail).
QUERY_EXAMPLES = 200
MUTATION_EXAMPLES = 200
READ_KEY_EXAMPLES = 100
NEGATIVE_EXAMPLES = 80
# Safety nets only: the counts above bound a normal run (about 20 s); these stop a run
# on a machine so slow that the counts would keep CI waiting.
GENERATE_SECONDS = 60.0
SEND_SECONDS = 60.0

CUSTOMER_CREATE = """
mutation CustomerCreate($input: CustomerCreateInput!) {
  customerCreate(input: $input) {
    customer { id addresses { id } }
    userErrors { field code message }
  }
}
"""

SUBSCRIPTION_CREATE = """
mutation SubscriptionCreate($input: SubscriptionCreateInput!) {
  subscriptionCreate(input: $input) {
    subscription { id }
    userErrors { field code message }
  }
}
"""

ORDER_CREATE = """
mutation OrderCreate($input: CustomerRecordInput!) {
  orderCreate(input: $input) { order { id } userErrors { field code message } }
}
"""

INVOICE_CREATE = """
mutation InvoiceCreate($input: CustomerRecordInput!) {
  invoiceCreate(input: $input) { invoice { id } userErrors { field code message } }
}
"""

PAYMENT_CREATE = """
mutation PaymentCreate($input: CustomerRecordInput!) {
  paymentCreate(input: $input) { payment { id } userErrors { field code message } }
}
"""

CUSTOMER = """
query Customer($id: ID!) {
  customer(id: $id) { id displayName }
}
"""

CUSTOMERS = """
query Customers($first: Int, $after: String, $filter: CustomerFilter) {
  customers(first: $first, after: $after, filter: $filter) { totalCount edges { cursor } }
}
"""

LOGIN = """
mutation Login($input: LoginInput!) {
  login(input: $input) { token userErrors { field code message } }
}
"""

UNKNOWN_FIELD = """
query Organization {
  organization { name internalSecret }
}
"""

UNPARSABLE = "query { organization { name "

UNKNOWN_TYPE = """
query Customer($id: Nope!) {
  customer(id: $id) { id }
}
"""

SEED_CUSTOMERS: list[dict[str, Any]] = [
    {
        "type": "PERSON",
        "firstName": "Erika",
        "lastName": "Mustermann",
        "email": "erika@example.com",
        "address": {"street": "Hauptstraße", "houseNumber": "1", "zip": "10115", "city": "Berlin"},
        "invoiceAddress": {"street": "Postfach", "zip": "10117", "city": "Berlin"},
        "invoiceEmail": "rechnung@example.com",
    },
    {
        "type": "COMPANY",
        "companyName": "Beispiel AG",
        "vatId": "DE136695976",
        "address": {"street": "Marktplatz", "houseNumber": "5", "zip": "80331", "city": "München"},
    },
    {
        "type": "PERSON",
        "firstName": "Jan",
        "lastName": "Schmidt",
        "language": "EN",
        "externalId": "crm-3",
    },
]

PLAUSIBLE_TEXTS = [
    "",
    " ",
    "Erika",
    "Mustermann",
    "Beispiel AG",
    "erika@example.com",
    "rechnung@example.com",
    "DE",
    "AT",
    "EUR",
    "CHF",
    "10115",
    "Berlin",
    "Hauptstraße",
    "12a",
    "DE136695976",
    "HRB 12345",
    "Amtsgericht Berlin",
    "+49 30 123456",
    "crm-3",
    "K00001",
    "K{number}",
    "{year}-{number}",
    "10001",
    "70000",
    "korrekt-pferd-batterie",
    "x" * 256,
    # PostgreSQL refuses NUL in text; LIKE has wildcards and an escape character.
    "\x00",
    "Erika\x00Mustermann",
    "%",
    "_\\",
]

NODE_TYPES = ["Customer", "Address", "Subscription", "Order", "Invoice", "Payment", "ExportJob"]

# Not for a read key, by design: exporting only reads; the session fields refuse keys anyway.
READ_KEY_FIELDS = {"customersExport", "customerDataExport", "login", "logout", "passwordChange"}

INTERNALS = re.compile(
    r"traceback|file \"|\.py\b|site-packages|sqlite|asyncpg|psycopg|tortoise|pypika"
    r"|integrityerror|operationalerror|programmingerror|dataerror|nonetype"
    r"|attributeerror|keyerror|typeerror|valueerror|indexerror|assertionerror"
    r"|object at 0x|(?:^|[\s'\"(=])/(?:home|usr|tmp|work|var|opt|root|srv|app|etc|lib)/"
    r"|\b[a-z]:\\"
    r"|(?:relation|column) \"[^\"]*\" does not exist|violates [\w -]*constraint|duplicate key"
    r"|syntax error at or near|invalid byte sequence|no such (?:table|column)|database is locked",
    re.IGNORECASE,
)
SQL = re.compile(r"\bSELECT\s|\bINSERT\s+INTO\b|\bUPDATE\s+\S+\s+SET\b|\bDELETE\s+FROM\b")


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """Limits high enough that the fuzzer is never throttled (429 would still be accepted)."""
    return dataclasses.replace(
        settings,
        rate_limit_bucket=10_000_000,
        rate_limit_restore_rate=1_000_000,
        max_query_cost=1_000_000,
    )


@pytest.fixture
def error_log(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.ERROR, logger="kundenstamm.errors")
    return caplog


@pytest.fixture
async def other_customer(other_tenant: Tenant) -> str:
    """A customer of another organization: its id is fuzzed too, it must stay untouched."""
    data = await other_tenant.execute(
        CUSTOMER_CREATE, {"input": {"type": "PERSON", "firstName": "Fritz", "lastName": "Fremd"}}
    )
    assert data["customerCreate"]["userErrors"] == []
    customer_id: str = data["customerCreate"]["customer"]["id"]
    return customer_id


# --- generation -------------------------------------------------------------------------


def id_values(known: list[str]) -> st.SearchStrategy[graphql.ValueNode]:
    """Mostly ids of stored rows, so resolvers reach the data; else forged or junk ids."""
    forged = st.builds(encode_id, st.sampled_from(NODE_TYPES), st.uuids())
    damaged = st.sampled_from(
        [
            "",
            "Q3VzdG9tZXI6",
            base64.urlsafe_b64encode(b"Customer:not-a-uuid").decode(),
            base64.urlsafe_b64encode(b"\xff\xfe:x").decode(),
            "Customer:1",
            "%%%",
        ]
    )
    strings = st.one_of(st.sampled_from(known), forged, damaged, st.text(max_size=30))
    return st.one_of(strings.map(nodes.String), st.integers(-(2**31), 2**31 - 1).map(nodes.Int))


def scalars(known: list[str]) -> dict[str, st.SearchStrategy[graphql.ValueNode]]:
    datetimes = st.datetimes(timezones=st.sampled_from([None, UTC])).map(
        lambda moment: nodes.String(moment.isoformat())
    )
    # Plausible values half of the time, so documents get past validation into the domain.
    texts = st.one_of(st.sampled_from(PLAUSIBLE_TEXTS), st.text(max_size=40))
    numbers = st.one_of(
        st.integers(-2, 12),
        st.sampled_from([99, 100, 101, 1000, 10_000, 99_999, 100_000]),
        st.integers(-(2**31), 2**31 - 1),
    )
    return {
        "String": texts.map(nodes.String),
        "Int": numbers.map(nodes.Int),
        "ID": id_values(known),
        "DateTime": datetimes | st.text(max_size=20).map(nodes.String),
        # A literal where a multipart file belongs: the server must refuse it, not crash.
        "Upload": st.text(max_size=20).map(nodes.String),
    }


def generate(strategy: st.SearchStrategy[str], examples: int) -> list[str]:
    """Documents drawn deterministically, at most `examples` and for at most the budget."""
    documents: list[str] = []
    stop = time.monotonic() + GENERATE_SECONDS

    @hypothesis_settings(
        database=None,
        derandomize=True,
        max_examples=examples,
        deadline=None,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.large_base_example,
            HealthCheck.filter_too_much,
        ],
    )
    @given(strategy)
    def draw(document: str) -> None:
        if time.monotonic() < stop:
            documents.append(document)

    draw()
    return documents


# --- sending and checking ---------------------------------------------------------------


@dataclasses.dataclass
class Outcome:
    document: str
    request_id: str
    status: int
    body: Any
    problems: list[str]


def problems_of(response: httpx.Response) -> tuple[Any, list[str]]:
    problems: list[str] = []
    if response.status_code >= 500:
        problems.append(f"HTTP {response.status_code}")
    try:
        body = response.json()
    except ValueError:
        problems.append(f"body is not JSON: {response.text[:200]!r}")
        return None, problems
    if not isinstance(body, dict):
        return body, [*problems, "body is not a JSON object"]
    for error in body.get("errors") or []:
        extensions = error.get("extensions") or {}
        if extensions.get("code") == "INTERNAL_SERVER_ERROR":
            problems.append(f"INTERNAL_SERVER_ERROR at {error.get('path')}")
            # Even a bug is masked: a fixed message and the request id that finds the log.
            if (error.get("message"), extensions.get("requestId")) != (
                "Internal server error.",
                response.headers.get("x-request-id"),
            ):
                problems.append(f"bug not masked as it should be: {error}")
        shown = "\n".join(texts_in([error.get("message"), extensions]))
        leak = INTERNALS.search(shown) or SQL.search(shown)
        if leak:
            problems.append(f"internals ({leak.group().strip()!r}) in error: {shown[:300]!r}")
    return body, problems


def texts_in(value: Any) -> Iterator[str]:
    """Every string in a JSON value, keys included, as the client reads it (unescaped)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from texts_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from texts_in(item)


async def send_all(
    http: httpx.AsyncClient,
    documents: list[str],
    key: str,
    label: str,
    *,
    idempotent: bool = False,
) -> list[Outcome]:
    outcomes: list[Outcome] = []
    stop = time.monotonic() + SEND_SECONDS
    for number, document in enumerate(documents):
        if time.monotonic() > stop:
            break
        request_id = f"fuzz-{label}-{number:04d}"
        try:
            response = await http.post(
                "/graphql",
                json={"query": document},
                headers={
                    "Authorization": f"Bearer {key}",
                    "X-Request-ID": request_id,
                    # The request id doubles as the key: the same for the same document.
                    **({"Idempotency-Key": request_id} if idempotent else {}),
                },
            )
        except Exception as error:
            # Escaped the app: a real server answers 500 with Starlette's plain text.
            outcomes.append(Outcome(document, request_id, 500, None, [f"raised {error!r}"]))
            continue
        body, problems = problems_of(response)
        outcomes.append(Outcome(document, request_id, response.status_code, body, problems))
    return outcomes


def logged_trace(log: pytest.LogCaptureFixture, request_id: str) -> str:
    for record in log.records:
        if record.name == "kundenstamm.errors" and request_id in record.getMessage():
            if record.exc_info and record.exc_info[1] is not None:
                lines = traceback.format_exception(record.exc_info[1])
                return "".join(lines[-6:])
            return record.getMessage()
    return "(nothing logged for this request)"


def report(outcomes: list[Outcome], log: pytest.LogCaptureFixture) -> str:
    """Each distinct problem once, with its shortest document and the logged exception."""
    shortest: dict[str, Outcome] = {}
    for outcome in outcomes:
        for problem in outcome.problems:
            trace = logged_trace(log, outcome.request_id) if "INTERNAL" in problem else ""
            kind = f"{problem}\n{trace.strip().splitlines()[-1] if trace else ''}"
            known = shortest.get(kind)
            if known is None or len(outcome.document) < len(known.document):
                shortest[kind] = outcome
    parts = [f"{len(shortest)} distinct problem(s):"]
    for kind, outcome in shortest.items():
        trace = logged_trace(log, outcome.request_id) if "INTERNAL" in kind else ""
        parts.append(f"--- {kind.splitlines()[0]}\n{outcome.document}\n{trace}")
    return "\n".join(parts)


def failed(outcomes: list[Outcome]) -> list[Outcome]:
    return [outcome for outcome in outcomes if outcome.problems]


def executed(outcomes: list[Outcome]) -> list[Outcome]:
    """Responses with data: documents that passed validation and ran."""
    return [o for o in outcomes if isinstance(o.body, dict) and o.body.get("data") is not None]


def root_fields(document: str) -> dict[str, str]:
    """Response key -> root field name of the document's operation."""
    operation = graphql.parse(document).definitions[0]
    assert isinstance(operation, graphql.OperationDefinitionNode)
    return {
        (node.alias or node.name).value: node.name.value
        for node in operation.selection_set.selections
        if isinstance(node, graphql.FieldNode)
    }


# --- stored state -----------------------------------------------------------------------


async def seed(tenant: Tenant) -> list[str]:
    """Three customers with addresses and billing records; their global ids."""
    ids: list[str] = []
    for fields in SEED_CUSTOMERS:
        data = await tenant.execute(CUSTOMER_CREATE, {"input": fields})
        assert data["customerCreate"]["userErrors"] == []
        customer = data["customerCreate"]["customer"]
        ids.append(customer["id"])
        ids.extend(address["id"] for address in customer["addresses"])
    first = {"customerId": ids[0]}
    for document, field, record in (
        (SUBSCRIPTION_CREATE, "subscriptionCreate", "subscription"),
        (ORDER_CREATE, "orderCreate", "order"),
        (INVOICE_CREATE, "invoiceCreate", "invoice"),
        (PAYMENT_CREATE, "paymentCreate", "payment"),
    ):
        data = await tenant.execute(document, {"input": first})
        assert data[field]["userErrors"] == []
        ids.append(data[field][record]["id"])
    return ids


async def stored(organization_id: uuid.UUID) -> dict[str, Any]:
    """Everything the fuzzed documents could change about an organization's customers."""
    scope = {"organization_id": organization_id}
    return {
        "customers": await Customer.filter(**scope).order_by("id").values(),
        "addresses": await Address.filter(**scope).order_by("id").values(),
        "events": await CustomerEvent.filter(**scope).count(),
        "subscriptions": await Subscription.filter(**scope).order_by("id").values(),
        "orders": await Order.filter(**scope).order_by("id").values(),
        "invoices": await Invoice.filter(**scope).count(),
        "payments": await Payment.filter(**scope).count(),
    }


async def default_address_counts(organization_id: uuid.UUID) -> dict[uuid.UUID, int]:
    """Per customer of the organization: how many default Empfängeradressen it has."""
    counts = {row.id: 0 for row in await Customer.filter(organization_id=organization_id)}
    for address in await Address.filter(
        organization_id=organization_id, type=AddressType.DEFAULT, is_default=True
    ):
        counts[address.customer_id] += 1
    return counts


# --- tests ------------------------------------------------------------------------------


async def test_generated_queries_neither_fail_nor_leak_nor_write(
    tenant: Tenant, other_tenant: Tenant, other_customer: str, error_log: pytest.LogCaptureFixture
) -> None:
    # given
    known = [*await seed(tenant), other_customer, encode_id("Organization", tenant.organization_id)]
    before, others_before = (
        await stored(tenant.organization_id),
        await stored(other_tenant.organization_id),
    )
    documents = generate(queries(SDL, custom_scalars=scalars(known)), QUERY_EXAMPLES)
    # when
    outcomes = await send_all(tenant.api.http, documents, tenant.key, "query")
    # then
    assert not failed(outcomes), report(outcomes, error_log)
    assert len(outcomes) >= 30
    assert len(executed(outcomes)) >= len(outcomes) // 2
    assert await stored(tenant.organization_id) == before
    assert await stored(other_tenant.organization_id) == others_before


async def test_generated_mutations_neither_fail_nor_leak_nor_break_invariants(
    tenant: Tenant, other_tenant: Tenant, other_customer: str, error_log: pytest.LogCaptureFixture
) -> None:
    # given
    known = [*await seed(tenant), other_customer]
    others_before = await stored(other_tenant.organization_id)
    documents = generate(mutations(SDL, custom_scalars=scalars(known)), MUTATION_EXAMPLES)
    # when
    outcomes = await send_all(tenant.api.http, documents, tenant.key, "mutation")
    # then
    assert not failed(outcomes), report(outcomes, error_log)
    assert len(outcomes) >= 30
    assert len(executed(outcomes)) >= len(outcomes) // 2
    # Another organization's customer, though its id was fuzzed, is untouched.
    assert await stored(other_tenant.organization_id) == others_before
    # Whatever ran, every customer still has exactly one default Empfängeradresse.
    counts = await default_address_counts(tenant.organization_id)
    assert counts
    assert set(counts.values()) == {1}


async def test_generated_mutations_with_idempotency_keys_replay_exactly(
    tenant: Tenant, error_log: pytest.LogCaptureFixture
) -> None:
    # given: every generated mutation sent once with a key of its own
    known = await seed(tenant)
    documents = generate(mutations(SDL, custom_scalars=scalars(known)), MUTATION_EXAMPLES // 2)
    first = await send_all(tenant.api.http, documents, tenant.key, "keyed", idempotent=True)
    after_first = await stored(tenant.organization_id)
    # when: all of them again, as a client retrying after timeouts would
    again = await send_all(
        tenant.api.http, documents[: len(first)], tenant.key, "keyed", idempotent=True
    )
    # then: nothing failed, nothing ran twice, and what was stored is answered as it was
    assert not failed(first + again), report(first + again, error_log)
    assert await stored(tenant.organization_id) == after_first
    records = {
        r.key: r for r in await IdempotencyRecord.filter(organization_id=tenant.organization_id)
    }
    replays = 0
    for before, retry in zip(first, again, strict=True):
        record = records.get(before.request_id)
        if record is None:
            continue
        if record.status_code == ERASED_STATUS:
            # A later mutation deleted or anonymized a customer this response showed.
            assert (retry.status, retry.body) == (ERASED_STATUS, ERASED_RESPONSE)
        else:
            assert (retry.status, retry.body) == (before.status, before.body), before.document
        replays += 1
    assert replays >= len(first) // 4


async def test_generated_mutations_with_a_read_key_are_forbidden(
    tenant: Tenant, read_only_key: str, error_log: pytest.LogCaptureFixture
) -> None:
    # given
    known = await seed(tenant)
    before = await stored(tenant.organization_id)
    documents = generate(mutations(SDL, custom_scalars=scalars(known)), READ_KEY_EXAMPLES)
    # when
    outcomes = await send_all(tenant.api.http, documents, read_only_key, "read-key")
    # then
    assert not failed(outcomes), report(outcomes, error_log)
    refused = 0
    for outcome in executed(outcomes):
        for key, field in root_fields(outcome.document).items():
            payload = outcome.body["data"][key]
            if field in READ_KEY_FIELDS:
                continue
            assert all(value is None for name, value in payload.items() if name != "userErrors"), (
                outcome.document,
                payload,
            )
            if "userErrors" in payload:
                # The fuzzer selects some of the error's fields; the code if among them.
                codes = [error.get("code", "FORBIDDEN") for error in payload["userErrors"]]
                assert "FORBIDDEN" in codes, (outcome.document, payload)
            refused += 1
    assert refused >= 50
    assert await stored(tenant.organization_id) == before


@pytest.mark.parametrize("operation", ["query", "mutation"])
async def test_generated_invalid_documents_are_refused_without_internals(
    tenant: Tenant, operation: str, error_log: pytest.LogCaptureFixture
) -> None:
    # given
    known = await seed(tenant)
    before = await stored(tenant.organization_id)
    build = queries if operation == "query" else mutations
    strategy = build(SDL, custom_scalars=scalars(known), mode=Mode.NEGATIVE)
    documents = generate(strategy, NEGATIVE_EXAMPLES)
    # when
    outcomes = await send_all(tenant.api.http, documents, tenant.key, f"invalid-{operation}")
    # then
    assert not failed(outcomes), report(outcomes, error_log)
    assert len(outcomes) >= 20
    for outcome in outcomes:
        assert outcome.body.get("errors"), outcome.document
        assert outcome.body.get("data") is None, outcome.document
    assert await stored(tenant.organization_id) == before


@pytest.mark.parametrize(
    ("query", "variables"),
    [
        pytest.param(CUSTOMER_CREATE, {"input": {"type": "ALIEN"}}, id="unknown-enum-value"),
        pytest.param(CUSTOMER_CREATE, {"input": "Erika"}, id="string-for-input-object"),
        pytest.param(
            CUSTOMER_CREATE, {"input": {"type": "PERSON", "lastName": 12}}, id="int-for-string"
        ),
        pytest.param(
            CUSTOMER_CREATE, {"input": {"type": "PERSON", "nope": "x"}}, id="unknown-input-field"
        ),
        pytest.param(CUSTOMER, {"id": ["a", "b"]}, id="list-for-id"),
        pytest.param(CUSTOMER, {}, id="missing-variable"),
        pytest.param(CUSTOMERS, {"first": 2**40}, id="int-overflow"),
        pytest.param(CUSTOMERS, {"first": -1, "after": "\x00%"}, id="negative-first"),
        pytest.param(CUSTOMERS, {"filter": {"status": "GONE"}}, id="unknown-filter-status"),
        pytest.param(UNKNOWN_FIELD, {}, id="unknown-field"),
        pytest.param(UNPARSABLE, {}, id="unparsable"),
        pytest.param(UNKNOWN_TYPE, {"id": "x"}, id="unknown-variable-type"),
    ],
)
async def test_broken_requests_are_answered_without_paths_or_internals(
    tenant: Tenant, query: str, variables: dict[str, Any], error_log: pytest.LogCaptureFixture
) -> None:
    # given
    await seed(tenant)
    before = await stored(tenant.organization_id)
    # when
    response = await tenant.api.post(query, variables, key=tenant.key)
    # then
    body, problems = problems_of(response)
    assert problems == [], (problems, logged_trace(error_log, response.headers["x-request-id"]))
    assert body["errors"]
    assert all(error["message"] for error in body["errors"])
    assert await stored(tenant.organization_id) == before


@pytest.mark.parametrize(
    ("query", "variables"),
    [
        pytest.param(CUSTOMERS, {"filter": {"search": "Erika\x00"}}, id="search"),
        pytest.param(
            LOGIN,
            {"input": {"email": "erika\x00@example.com", "password": "korrekt-pferd-batterie"}},
            id="login-email",
        ),
    ],
)
async def test_nul_characters_are_answered_as_input_not_as_a_bug(
    tenant: Tenant, query: str, variables: dict[str, Any], error_log: pytest.LogCaptureFixture
) -> None:
    """PostgreSQL refuses NUL in text: such a value must not reach a query unchecked."""
    # given
    await seed(tenant)
    before = await stored(tenant.organization_id)
    # when
    response = await tenant.api.post(query, variables, key=tenant.key)
    # then
    body, problems = problems_of(response)
    assert problems == [], (problems, logged_trace(error_log, response.headers["x-request-id"]))
    assert response.status_code == 200
    codes = {error["extensions"]["code"] for error in body.get("errors") or []}
    assert codes <= {"BAD_USER_INPUT"}
    assert await stored(tenant.organization_id) == before


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        pytest.param(b'{"query": ', "application/json", id="truncated-json"),
        pytest.param(b"[1, 2]", "application/json", id="json-array"),
        pytest.param(b'{"query": 5}', "application/json", id="query-not-a-string"),
        pytest.param(
            b'{"query": "{ organization { name } }", "variables": 3}',
            "application/json",
            id="variables-not-an-object",
        ),
        pytest.param(b"\xff\xfe{", "application/json", id="not-utf8"),
        pytest.param(b"query=x", "text/plain", id="unsupported-media-type"),
    ],
)
async def test_malformed_bodies_are_answered_without_paths_or_internals(
    tenant: Tenant, content: bytes, content_type: str
) -> None:
    # given
    before = await stored(tenant.organization_id)
    # when
    raised: Exception | None = None
    try:
        response = await tenant.api.http.post(
            "/graphql",
            content=content,
            headers={"Authorization": f"Bearer {tenant.key}", "Content-Type": content_type},
        )
    except Exception as error:
        raised = error
    # then
    assert raised is None, f"escaped the app (a real server answers 500): {raised!r}"
    assert 400 <= response.status_code < 500
    leak = INTERNALS.search(response.text) or SQL.search(response.text)
    assert leak is None, response.text
    assert await stored(tenant.organization_id) == before
