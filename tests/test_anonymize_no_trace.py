"""After customerAnonymize no erased value is left in anything the service keeps or hands
out: reads and node, search, the XLSX and DATEV exports (and export files made before),
the audit trail, stored idempotent responses, the event feed and the webhook delivery
log, and on SQLite the database file and its write-ahead log. Invoices keep their address
copies as issued: the law requires them.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from models import CustomerEvent, Event, ExportJob, IdempotencyRecord, Invoice
from models.enums import CustomerEventAction
from settings import Settings
from tests.client import Tenant
from tests.conftest import POSTGRES_URL
from tests.helpers import create_customer, pk_of
from tests.test_customer_anonymize import PERSON, anonymize, invoice
from tests.test_customers_export import (
    download,
    export_completed,
    start_export,
    stored_job,
    wait_for,
)
from tests.test_datev_export import data_rows, datev_export
from tests.test_idempotency import replayed, send
from tests.webhook_receiver import webhook_receiver

CREATE = """
mutation Create($input: CustomerCreateInput!) {
  customerCreate(input: $input) {
    customer {
      id customerNumber displayName firstName lastName email phone vatId externalId
      datev { debtorNumber }
      addresses { id street city email }
    }
    userErrors { field code message }
  }
}
"""

UPDATE = """
mutation Update($input: CustomerUpdateInput!) {
  customerUpdate(input: $input) {
    customer { id lastName phone }
    userErrors { field code message }
  }
}
"""

DATA_EXPORT = """
mutation DataExport($input: CustomerIdInput!) {
  customerDataExport(input: $input) {
    exportJob { id status format }
    userErrors { field code message }
  }
}
"""

CUSTOMER_FIELDS = """
  id customerNumber status displayName companyName firstName lastName email invoiceEmail
  differingInvoiceEmail phone vatId commercialRegisterCourt commercialRegisterNumber externalId
  defaultAddress { companyName firstName lastName addition street houseNumber zip city email }
  invoiceAddress { companyName firstName lastName addition street houseNumber zip city email }
  addresses { companyName firstName lastName addition street houseNumber zip city email }
  events { action changes { field oldValue newValue } }
"""

READ = f"""
query Read($id: ID!) {{
  customer(id: $id) {{ {CUSTOMER_FIELDS} }}
  node(id: $id) {{ ... on Customer {{ {CUSTOMER_FIELDS} }} }}
}}
"""

SEARCH = """
query Search($search: String!) {
  customers(first: 10, filter: {search: $search, status: ALL}) {
    totalCount edges { node { id displayName } }
  }
}
"""

EVENTS = """
query Events($id: ID!) {
  customer(id: $id) {
    events { action actorType createdAt changes { field oldValue newValue } }
  }
}
"""

# Values the update brings in: the history (audit trail, replaced rows) holds both.
NEW_LAST_NAME = "Neuquastmann"
NEW_PHONE = "+49 89 11223344"


def _strings(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [s for item in value.values() for s in _strings(item)]
    if isinstance(value, str):
        return [value]
    return []


NOT_PERSONAL = {"PERSON", "SEPA_DEBIT", "CHF", "DE", "AT"}
# Every personal value the customer ever had; short ones (a house number, a postal code)
# are checked field by field in test_customer_anonymize, not searched for as text.
ERASED = sorted(
    {v for v in _strings(PERSON) if v not in NOT_PERSONAL and len(v) >= 6}
    | {NEW_LAST_NAME, NEW_PHONE}
)


@dataclass(frozen=True)
class World:
    customer_id: str
    customer_number: str
    debtor_number: str
    invoice_copy: frozenset[str]
    """Values the invoice keeps as issued (HGB §257, AO §147)."""
    earlier_exports: list[str]
    """Export jobs whose files were made before the anonymization."""
    create_response: dict[str, Any]


def found_in(text: str, values: list[str] | frozenset[str] | set[str]) -> list[str]:
    lowered = text.lower()
    return [value for value in values if value.lower() in lowered]


@pytest.fixture
async def world(datev_tenant: Tenant) -> World:
    """A person created with an Idempotency-Key, invoiced, changed, exported in every
    format, and then anonymized."""
    tenant = datev_tenant
    first = await send(
        tenant.api.http,
        CREATE,
        {"input": PERSON},
        key=tenant.key,
        idempotency_key="create-quast",
    )
    assert first.status_code == 200, first.text
    created = first.json()["data"]["customerCreate"]["customer"]
    assert found_in(first.text, ["Mustermannquast", "crm-quast-4711"])
    issued = await invoice(tenant, created["id"])
    stored_invoice = await Invoice.get(id=pk_of(issued["id"], "Invoice"))
    copy = frozenset(
        str(v)
        for v in (
            stored_invoice.recipient_email,
            stored_invoice.company_name,
            stored_invoice.first_name,
            stored_invoice.last_name,
            stored_invoice.street,
            stored_invoice.city,
        )
        if v
    )
    updated = await tenant.execute(
        UPDATE, {"input": {"id": created["id"], "lastName": NEW_LAST_NAME, "phone": NEW_PHONE}}
    )
    assert updated["customerUpdate"]["userErrors"] == []
    xlsx = await export_completed(tenant, format="XLSX")
    datev, _ = await datev_export(tenant.api, tenant)
    data = await tenant.execute(DATA_EXPORT, {"input": {"id": created["id"]}})
    personal = await _wait(tenant, data["customerDataExport"]["exportJob"]["id"])
    payload = await anonymize(tenant, created["id"])
    assert payload["userErrors"] == []
    return World(
        customer_id=created["id"],
        customer_number=created["customerNumber"],
        debtor_number=created["datev"]["debtorNumber"],
        invoice_copy=copy,
        earlier_exports=[xlsx["id"], datev["id"], personal["id"]],
        create_response=first.json(),
    )


async def _wait(tenant: Tenant, job_id: str) -> dict[str, Any]:
    job = await wait_for(tenant, job_id)
    assert job["status"] == "COMPLETED", job
    return job


def _sqlite_files(settings: Settings) -> list[Path]:
    database = Path(settings.database_url.removeprefix("sqlite://"))
    return [path for path in (database, Path(f"{database}-wal")) if path.exists()]


@pytest.mark.skipif(POSTGRES_URL is not None, reason="the files of a SQLite database")
async def test_the_sqlite_file_and_its_log_hold_no_erased_value(
    world: World, settings: Settings
) -> None:
    # given: the anonymization has answered (the world fixture)
    # when
    files = {path.name: path.read_bytes() for path in _sqlite_files(settings)}
    # then: only the invoice's copy remains, as the law requires
    assert "kundenstamm.sqlite3" in files
    scanned = [value for value in ERASED if value not in world.invoice_copy]
    assert len(scanned) >= 12
    for name, content in files.items():
        left = [value for value in scanned if value.encode() in content]
        assert left == [], f"{name} still holds {left}"
    for value in world.invoice_copy:
        assert value.encode() in files["kundenstamm.sqlite3"] + files.get(
            "kundenstamm.sqlite3-wal", b""
        ), value


async def test_reads_node_and_search_show_no_erased_value(
    datev_tenant: Tenant, world: World
) -> None:
    # given: the anonymized customer (the world fixture)
    # when
    read = await datev_tenant.api.post(READ, {"id": world.customer_id}, key=datev_tenant.key)
    by_name = await datev_tenant.execute(SEARCH, {"search": "Mustermannquast"})
    by_new_name = await datev_tenant.execute(SEARCH, {"search": NEW_LAST_NAME})
    by_email = await datev_tenant.execute(SEARCH, {"search": "erika.quast"})
    by_number = await datev_tenant.execute(SEARCH, {"search": world.customer_number})
    # then
    assert read.status_code == 200
    body = read.json()
    assert "errors" not in body
    assert body["data"]["customer"] == body["data"]["node"]
    assert body["data"]["customer"]["displayName"] == f"Anonymisiert {world.customer_number}"
    assert found_in(read.text, ERASED) == []
    for result in (by_name, by_new_name, by_email):
        assert result["customers"]["totalCount"] == 0
        assert result["customers"]["edges"] == []
    assert [e["node"]["id"] for e in by_number["customers"]["edges"]] == [world.customer_id]


async def test_exports_show_no_erased_value_and_earlier_files_are_gone(
    datev_tenant: Tenant, world: World, settings: Settings
) -> None:
    # given: exports made before the anonymization (the world fixture)
    tenant = datev_tenant
    # when
    xlsx = await download(tenant.api, await export_completed(tenant, format="XLSX"))
    _, datev = await datev_export(tenant.api, tenant)
    # then: the new workbook, read back cell by cell
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx)).worksheets[0]
    cells = [str(cell) for row in sheet.iter_rows(values_only=True) for cell in row if cell]
    assert world.customer_number in cells
    assert "Anonymisiert" in cells
    assert found_in("\n".join(cells), ERASED) == []
    # then: the new DATEV file, parsed
    [row] = [r for r in data_rows(datev) if r[0] == world.debtor_number]
    assert found_in(";".join(row), ERASED) == []
    assert found_in(datev.decode("cp1252"), ERASED) == []
    # then: the files made before are deleted, their jobs offer no link any more
    for job_id in world.earlier_exports:
        job = await stored_job(job_id)
        assert job.file_name is None
    assert (
        found_in(
            "".join(
                path.read_bytes().decode("utf-8", "replace")
                for path in settings.export_dir.glob("*")
                if path.is_file() and path.suffix in (".csv", ".json")
            ),
            ERASED,
        )
        == []
    )
    earlier = await ExportJob.filter(
        id__in=[pk_of(job_id, "ExportJob") for job_id in world.earlier_exports]
    )
    assert len(earlier) == 3
    on_disk = {path.name for path in settings.export_dir.iterdir()}
    assert all(f"{job.id}." not in " ".join(on_disk) for job in earlier)


async def test_the_audit_trail_keeps_its_entries_without_values(
    datev_tenant: Tenant, world: World
) -> None:
    # given: created, updated, anonymized (the world fixture)
    # when
    data = await datev_tenant.execute(EVENTS, {"id": world.customer_id})
    # then
    events = data["customer"]["events"]
    assert [e["action"] for e in events] == ["CREATED", "UPDATED", "ANONYMIZED"]
    created, updated, anonymized = events
    assert {c["field"] for c in created["changes"]} >= {"firstName", "lastName", "email"}
    assert {c["field"] for c in updated["changes"]} == {"lastName", "phone", "displayName"}
    for change in created["changes"] + updated["changes"]:
        assert (change["oldValue"], change["newValue"]) == (None, None), change
    assert anonymized["changes"] == [
        {"field": "status", "oldValue": '"ACTIVE"', "newValue": '"ANONYMIZED"'}
    ]
    stored = await CustomerEvent.filter(customer_id=pk_of(world.customer_id))
    assert len(stored) == 3
    assert found_in(json.dumps([e.changes for e in stored], ensure_ascii=False), ERASED) == []
    assert any(e.action is CustomerEventAction.ANONYMIZED for e in stored)


async def test_a_stored_idempotent_response_holds_no_erased_value(
    datev_tenant: Tenant, world: World
) -> None:
    # given: the customer was created with an Idempotency-Key (the world fixture)
    tenant = datev_tenant
    # when: the create is retried with the same key
    retry = await send(
        tenant.api.http,
        CREATE,
        {"input": PERSON},
        key=tenant.key,
        idempotency_key="create-quast",
    )
    # then: it is not carried out again, and the answer says why it holds no data
    assert replayed(retry)
    assert retry.status_code == 410
    assert retry.json()["errors"][0]["extensions"]["code"] == "IDEMPOTENT_RESPONSE_ERASED"
    assert found_in(retry.text, ERASED) == []
    [record] = await IdempotencyRecord.filter(key="create-quast")
    assert record.status_code == 410
    assert not record.customer_ids
    assert found_in(record.response, ERASED) == []
    assert found_in(json.dumps(world.create_response, ensure_ascii=False), ERASED)
    count = await CustomerEvent.filter(action=CustomerEventAction.CREATED).count()
    assert count == 1


async def test_an_export_running_during_the_anonymization_does_not_publish_its_file(
    tenant: Tenant, settings: Settings
) -> None:
    # given: an export queued a moment before the anonymization (its worker process
    # takes far longer to start than the anonymization to run)
    created = await create_customer(tenant, CREATE, **PERSON)
    started = await start_export(tenant, format="XLSX")
    assert started["userErrors"] == []
    # when
    assert (await anonymize(tenant, created["id"]))["userErrors"] == []
    job = await wait_for(tenant, started["exportJob"]["id"])
    # then
    assert (job["status"], job["url"], job["errorMessage"]) == (
        "FAILED",
        None,
        "A customer was anonymized while this export ran; start it again.",
    )
    stored = await stored_job(job["id"])
    assert (stored.file_name, stored.erased_meanwhile) == (None, True)
    assert [path for path in settings.export_dir.glob("*") if path.is_file()] == []


FEED = """
query Feed($customerId: ID) {
  events(first: 50, customerId: $customerId) { edges { node { id type customerId data } } }
}
"""
ENDPOINT_CREATE = """
mutation EndpointCreate($input: WebhookEndpointCreateInput!) {
  webhookEndpointCreate(input: $input) { webhookEndpoint { id } userErrors { code } }
}
"""
DELIVERY_LOG = """
query Deliveries {
  webhookEndpoints {
    deliveries(first: 50) { edges { node { status event { id type data } } } }
  }
}
"""


async def test_the_event_feed_and_the_delivery_log_hold_no_erased_value(
    datev_tenant: Tenant,
) -> None:
    # given: a receiver that takes every event, and a person created and changed
    tenant = datev_tenant
    async with webhook_receiver() as receiver:
        subscribed = await tenant.execute(ENDPOINT_CREATE, {"input": {"url": receiver.url}})
        assert subscribed["webhookEndpointCreate"]["userErrors"] == []
        customer = await create_customer(tenant, CREATE, **PERSON)
        updated = await tenant.execute(
            UPDATE,
            {"input": {"id": customer["id"], "lastName": NEW_LAST_NAME, "phone": NEW_PHONE}},
        )
        assert updated["customerUpdate"]["userErrors"] == []
        delivered = await receiver.wait_for(2)
        assert found_in(b"".join(r.body for r in delivered).decode(), ["Mustermannquast"])
        # when
        payload = await anonymize(tenant, customer["id"])
        assert payload["userErrors"] == []
        anonymized = await receiver.wait_for(3)
    feed = await tenant.api.post(FEED, {"customerId": customer["id"]}, key=tenant.key)
    log = await tenant.api.post(DELIVERY_LOG, {}, key=tenant.key)
    # then: the feed keeps every event, in order, without a personal value
    assert feed.status_code == 200
    assert "errors" not in feed.json(), feed.text
    events = [edge["node"] for edge in feed.json()["data"]["events"]["edges"]]
    assert [e["type"] for e in events] == [
        "CUSTOMER_CREATED",
        "CUSTOMER_UPDATED",
        "CUSTOMER_ANONYMIZED",
    ]
    assert found_in(feed.text, ERASED) == []
    assert events[-1]["data"]["customer"]["customerNumber"] == customer["customerNumber"]
    # then: the delivery log shows the same redacted events
    assert log.status_code == 200
    assert "errors" not in log.json(), log.text
    [endpoint] = log.json()["data"]["webhookEndpoints"]
    logged = [edge["node"]["event"] for edge in endpoint["deliveries"]["edges"]]
    assert {e["id"] for e in logged} == {e["id"] for e in events}
    assert found_in(log.text, ERASED) == []
    # then: the anonymization was sent with ids and numbers only
    assert found_in(anonymized[-1].body.decode(), ERASED) == []
    assert json.loads(anonymized[-1].body)["type"] == "customer.anonymized"
    # then: the stored events hold no erased value either
    stored = [event.data for event in await Event.filter(customer_id=pk_of(customer["id"]))]
    assert len(stored) == 3
    assert found_in(json.dumps(stored), ERASED) == []
