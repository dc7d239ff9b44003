"""customersImport stores a new customer exactly as customerCreate does.

An import writes its rows through its own bulk path (plain rows, one statement per
table, events read while staging): every stored column, address, audit entry and event
must still equal those of a customer created through the API with the same values.
"""

from __future__ import annotations

import uuid
from typing import Any

from domain.customers.importing import HEADERS
from domain.global_ids import decode_any_id
from models import Address, Customer, CustomerEvent, Event
from tests.client import Tenant
from tests.test_customers_import import csv_bytes, import_file

CREATE = """
mutation Create($input: CustomerCreateInput!) {
  customerCreate(input: $input) {
    customer { id customerNumber }
    userErrors { field code message }
  }
}
"""

# Values of the customer, by (part, attribute) as the import's columns name them.
VALUES: dict[tuple[str, str], str] = {
    ("customer", "type"): "Unternehmen",
    ("customer", "company_name"): "Gleich & Söhne GmbH",
    ("customer", "email"): "kontakt@gleich.example",
    ("customer", "invoice_email"): "rechnung@gleich.example",
    ("customer", "phone"): "+49 30 1234567",
    ("customer", "vat_id"): "DE136695976",
    ("customer", "default_payment_method"): "SEPA_DEBIT",
    ("address", "street"): "Hauptstraße",
    ("address", "house_number"): "7a",
    ("address", "zip"): "10115",
    ("address", "city"): "Berlin",
    ("address", "country_code"): "DE",
    ("invoice_address", "company_name"): "Gleich Buchhaltung",
    ("invoice_address", "street"): "Nebenweg",
    ("invoice_address", "house_number"): "2",
    ("invoice_address", "zip"): "80331",
    ("invoice_address", "city"): "München",
    ("invoice_address", "country_code"): "DE",
}
CREATE_INPUT = {
    "type": "COMPANY",
    "companyName": "Gleich & Söhne GmbH",
    "email": "kontakt@gleich.example",
    "invoiceEmail": "rechnung@gleich.example",
    "phone": "+49 30 1234567",
    "vatId": "DE136695976",
    "defaultPaymentMethod": "SEPA_DEBIT",
    "address": {
        "street": "Hauptstraße",
        "houseNumber": "7a",
        "zip": "10115",
        "city": "Berlin",
        "countryCode": "DE",
    },
    "invoiceAddress": {
        "companyName": "Gleich Buchhaltung",
        "street": "Nebenweg",
        "houseNumber": "2",
        "zip": "80331",
        "city": "München",
        "countryCode": "DE",
    },
}
# What differs between any two customers: their identity, numbers and moments.
OWN = {"id", "customer_id", "customer_number", "datev_debtor_number"}
MOMENTS = {"created_at", "updated_at", "occurred_at", "createdAt", "updatedAt"}


def _comparable(row: dict[str, Any], numbers: dict[str, str]) -> Any:
    return _masked({k: v for k, v in row.items() if k not in OWN | MOMENTS}, numbers)


def _masked(value: Any, numbers: dict[str, str]) -> Any:
    """The customer's own id and numbers replaced by placeholders, anywhere inside."""
    if isinstance(value, dict):
        return {k: _masked(v, numbers) for k, v in value.items() if k not in MOMENTS}
    if isinstance(value, list):
        return [_masked(v, numbers) for v in value]
    if isinstance(value, str | uuid.UUID) and str(value) in numbers:
        return numbers[str(value)]
    if isinstance(value, str) and (decoded := decode_any_id(value)) is not None:
        return f"<{decoded[0]} {numbers.get(str(decoded[1]), decoded[1])}>"
    return value


async def _stored(organization_id: uuid.UUID, customer_id: uuid.UUID) -> dict[str, Any]:
    [customer] = await Customer.filter(id=customer_id, organization_id=organization_id).values()
    numbers = {
        str(customer_id): "<id>",
        str(customer["customer_number"]): "<number>",
    }
    if customer["datev_debtor_number"]:
        numbers[str(customer["datev_debtor_number"])] = "<debtor>"
    addresses = await Address.filter(customer_id=customer_id).order_by("type").values()
    numbers |= {str(a["id"]): f"<address {a['type']}>" for a in addresses}
    audit = await CustomerEvent.filter(customer_id=customer_id).values()
    for entry in audit:
        # Listed in the order the values came (columns of a file, fields of an input).
        entry["changes"] = sorted(entry["changes"], key=lambda change: change["field"])
    events = await Event.filter(customer_id=customer_id).values("type", "txid", "data")
    return {
        "customer": _comparable(customer, numbers),
        "addresses": [_comparable(a, numbers) for a in addresses],
        "audit": [_comparable(a, numbers) for a in audit],
        "events": [_masked({k: v for k, v in e.items() if k != "txid"}, numbers) for e in events],
        "event_txids_set": [e["txid"] is not None for e in events],
    }


async def test_an_imported_customer_is_stored_as_a_created_one(datev_tenant: Tenant) -> None:
    # given
    created = await datev_tenant.execute(CREATE, {"input": CREATE_INPUT})
    assert created["customerCreate"]["userErrors"] == []
    decoded = decode_any_id(created["customerCreate"]["customer"]["id"])
    assert decoded is not None
    created_id = decoded[1]
    data = csv_bytes([[HEADERS[key] for key in VALUES], list(VALUES.values())])
    # when
    payload = await import_file(datev_tenant, data)
    # then
    assert payload["userErrors"] == []
    assert payload["result"]["created"] == 1
    assert payload["result"]["errors"] == []
    imported_id = (
        await Customer.filter(organization_id=datev_tenant.organization_id)
        .exclude(id=created_id)
        .values_list("id", flat=True)
    )
    assert len(imported_id) == 1
    imported = await _stored(datev_tenant.organization_id, uuid.UUID(str(imported_id[0])))
    expected = await _stored(datev_tenant.organization_id, created_id)
    for part in expected:
        assert imported[part] == expected[part], part
    assert imported["customer"]["staged_import_id"] is None
    assert len(imported["addresses"]) == 2
    assert len(imported["audit"]) == 1
    assert [e["type"] for e in imported["events"]] == ["CUSTOMER_CREATED"]
