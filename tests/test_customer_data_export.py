"""customerDataExport (DSGVO Art. 15/20): everything stored about one customer as one JSON
document, written by an export job (format PERSONAL_DATA) and delivered by signed link."""

from __future__ import annotations

import json
from typing import Any

import pytest

from domain.customers.personal_data import LAYOUT_VERSION
from domain.customers.registry import PERSONAL_ADDRESS_FIELDS, PERSONAL_CUSTOMER_FIELDS
from models import Customer, ExportJob
from models.enums import ExportFormat, JobStatus
from schema.errors import camel
from settings import Settings
from tests.client import Tenant
from tests.helpers import create_customer, pk_of
from tests.test_customer_anonymize import (
    ORDER_CREATE,
    PAYMENT_CREATE,
    PERSON,
    SUBSCRIPTION_CREATE,
    UPDATE,
    anonymize,
    invoice,
)
from tests.test_customers_export import EXPORT, wait_for
from tests.test_permissions import key_of

CREATE = """
mutation Create($input: CustomerCreateInput!) {
  customerCreate(input: $input) {
    customer { id customerNumber }
    userErrors { field code message }
  }
}
"""

DATA_EXPORT = """
mutation DataExport($input: CustomerIdInput!) {
  customerDataExport(input: $input) {
    exportJob { id status format rowCount url }
    userErrors { field code message }
  }
}
"""

ORDER_COMPLETE = """
mutation OrderComplete($input: OrderCompleteInput!) {
  orderComplete(input: $input) { order { id status } userErrors { field code message } }
}
"""

DOCUMENT_KEYS = [
    "layoutVersion",
    "exportedAt",
    "controller",
    "customer",
    "addresses",
    "subscriptions",
    "orders",
    "invoices",
    "payments",
    "auditTrail",
]


# --- helpers -------------------------------------------------------------------------------


async def start(tenant: Tenant, customer_id: str, key: str | None = None) -> dict[str, Any]:
    data = await tenant.api.execute(
        DATA_EXPORT, {"input": {"id": customer_id}}, key=key or tenant.key
    )
    payload: dict[str, Any] = data["customerDataExport"]
    return payload


async def exported_document(
    tenant: Tenant, customer_id: str, key: str | None = None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The finished job and the downloaded document."""
    payload = await start(tenant, customer_id, key)
    assert payload["userErrors"] == []
    assert (payload["exportJob"]["status"], payload["exportJob"]["format"]) == (
        "PENDING",
        "PERSONAL_DATA",
    )
    job = await wait_for(tenant, payload["exportJob"]["id"])
    assert job["status"] == "COMPLETED", job
    response = await tenant.api.http.get(job["url"])
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    assert response.headers["content-disposition"].startswith("attachment")
    document: dict[str, Any] = json.loads(response.content)
    return job, document


async def billed_customer(tenant: Tenant) -> dict[str, Any]:
    """PERSON with a subscription, a completed order, an invoice, a payment and a change."""
    created = await create_customer(tenant, CREATE, **PERSON)
    target = {"input": {"customerId": created["id"]}}
    assert (await tenant.execute(SUBSCRIPTION_CREATE, target))["subscriptionCreate"][
        "userErrors"
    ] == []
    order = (await tenant.execute(ORDER_CREATE, target))["orderCreate"]["order"]
    done = await tenant.execute(ORDER_COMPLETE, {"input": {"id": order["id"]}})
    assert done["orderComplete"]["userErrors"] == []
    await invoice(tenant, created["id"])
    assert (await tenant.execute(PAYMENT_CREATE, target))["paymentCreate"]["userErrors"] == []
    changed = await tenant.execute(UPDATE, {"input": {"id": created["id"], "phone": "+49 40 1"}})
    assert changed["customerUpdate"]["userErrors"] == []
    return created


# --- the document ----------------------------------------------------------------------------


async def test_the_document_holds_everything_stored_about_the_customer(
    tenant: Tenant, settings: Settings
) -> None:
    # given
    created = await billed_customer(tenant)
    pk = pk_of(created["id"])
    stored = await Customer.get(id=pk)
    # when
    job, document = await exported_document(tenant, created["id"])
    # then: the layout
    assert list(document) == DOCUMENT_KEYS
    assert document["layoutVersion"] == LAYOUT_VERSION == 1
    assert document["controller"] == {
        "organizationId": str(tenant.organization_id),
        "name": "Muster GmbH",
    }
    # then: the customer's fields, as stored; every attribute the registry calls personal
    customer = document["customer"]
    assert {camel(name) for name in PERSONAL_CUSTOMER_FIELDS} <= set(customer)
    for address in document["addresses"]:
        assert {camel(name) for name in PERSONAL_ADDRESS_FIELDS} <= set(address)
    assert customer["id"] == str(pk)
    assert customer["customerNumber"] == stored.customer_number
    assert (customer["firstName"], customer["lastName"], customer["phone"]) == (
        "Erikaquast",
        "Mustermannquast",
        "+49 40 1",
    )
    assert (customer["email"], customer["invoiceEmail"], customer["vatId"]) == (
        PERSON["email"],
        PERSON["invoiceEmail"],
        PERSON["vatId"],
    )
    assert (customer["externalId"], customer["status"], customer["version"]) == (
        "crm-quast-4711",
        "ACTIVE",
        stored.version,
    )
    # then: addresses, billing records (the invoice with its copy) and the audit trail
    assert sorted(a["type"] for a in document["addresses"]) == ["DEFAULT", "INVOICE"]
    default = next(a for a in document["addresses"] if a["type"] == "DEFAULT")
    assert (default["street"], default["houseNumber"], default["zip"], default["city"]) == (
        "Zauberquastweg",
        "17b",
        "10117",
        "Quastenhausen",
    )
    assert [s["status"] for s in document["subscriptions"]] == ["ACTIVE"]
    assert [o["status"] for o in document["orders"]] == ["COMPLETED"]
    [issued] = document["invoices"]
    assert issued["recipientEmail"] == PERSON["invoiceEmail"]
    assert (issued["address"]["lastName"], issued["address"]["city"]) == (
        "Rechnungquast",
        "Rechnungsquasthausen",
    )
    assert len(document["payments"]) == 1
    assert [e["action"] for e in document["auditTrail"]] == ["CREATED", "UPDATED"]
    assert {"field": "phone", "old": "+49 30 77665544", "new": "+49 40 1"} in document[
        "auditTrail"
    ][1]["changes"]
    # then: the job as stored, its file in the export directory
    row = await ExportJob.get(id=pk_of(job["id"], "ExportJob"))
    assert (row.format, row.status, row.customer_id, row.row_count) == (
        ExportFormat.PERSONAL_DATA,
        JobStatus.COMPLETED,
        pk,
        1,
    )
    assert row.file_name is not None
    assert json.loads((settings.export_dir / row.file_name).read_bytes()) == document


async def test_an_anonymized_customer_gets_what_is_left(tenant: Tenant) -> None:
    # given
    created = await billed_customer(tenant)
    assert (await anonymize(tenant, created["id"]))["userErrors"] == []
    # when
    _, document = await exported_document(tenant, created["id"])
    # then
    customer = document["customer"]
    assert customer["status"] == "ANONYMIZED"
    assert customer["displayName"] == f"Anonymisiert {created['customerNumber']}"
    assert (customer["firstName"], customer["email"], customer["externalId"]) == (
        None,
        None,
        None,
    )
    assert all(a["street"] is None and a["city"] is None for a in document["addresses"])
    assert [e["action"] for e in document["auditTrail"]] == ["CREATED", "UPDATED", "ANONYMIZED"]
    for event in document["auditTrail"][:2]:
        assert all(c["old"] is None and c["new"] is None for c in event["changes"])
    # the invoice keeps its copy as issued (HGB §257, AO §147)
    assert document["invoices"][0]["address"]["lastName"] == "Rechnungquast"
    assert "Mustermannquast" not in json.dumps(document, ensure_ascii=False)


@pytest.mark.parametrize("actor", ["write-key", "read-key", "ADMIN", "EMPLOYEE", "READ_ONLY"])
async def test_everyone_who_may_read_customers_may_export_one(
    tenant: Tenant, read_only_key: str, actor: str
) -> None:
    # given
    created = await create_customer(tenant, CREATE, type="PERSON", firstName="A", lastName="B")
    key = await key_of(actor, tenant, read_only_key)
    # when
    _, document = await exported_document(tenant, created["id"], key=key)
    # then
    assert document["customer"]["lastName"] == "B"
    assert await ExportJob.filter(customer_id=pk_of(created["id"])).count() == 1


async def test_a_foreign_customer_is_not_found_and_no_job_is_stored(
    tenant: Tenant, other_tenant: Tenant
) -> None:
    # given
    foreign = await create_customer(
        other_tenant, CREATE, type="PERSON", firstName="F", lastName="G"
    )
    # when
    payload = await start(tenant, foreign["id"])
    # then
    assert payload == {
        "exportJob": None,
        "userErrors": [
            {"field": ["input", "id"], "code": "NOT_FOUND", "message": "Customer not found."}
        ],
    }
    assert await ExportJob.all().count() == 0


async def test_customers_export_does_not_take_the_personal_data_format(tenant: Tenant) -> None:
    # when
    data = await tenant.execute(EXPORT, {"input": {"format": "PERSONAL_DATA"}})
    # then
    assert data["customersExport"] == {
        "exportJob": None,
        "userErrors": [
            {
                "field": ["input", "format"],
                "code": "INVALID",
                "message": "Everything about one customer is exported with customerDataExport.",
            }
        ],
    }
    assert await ExportJob.all().count() == 0


async def test_the_link_is_signed(tenant: Tenant) -> None:
    # given
    created = await create_customer(tenant, CREATE, type="PERSON", firstName="A", lastName="B")
    job, _ = await exported_document(tenant, created["id"])
    # when
    forged = await tenant.api.http.get(job["url"].replace("signature=", "signature=0"))
    unsigned = await tenant.api.http.get(job["url"].split("?")[0])
    # then
    assert (forged.status_code, unsigned.status_code) == (403, 403)
    assert "Erika" not in forged.text + unsigned.text
