"""customerAnonymize (DSGVO Art. 17): personal data erased, accounting references kept,
the customer frozen afterwards, and only administrators and write keys may do it.

Where the erased values must leave no trace is tested in test_anonymize_no_trace.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from domain.customers.anonymization import erased_fields
from models import Address, Customer, CustomerEvent, Invoice, Order, Payment, Subscription
from models.enums import CustomerStatus, CustomerType
from tests.client import Tenant
from tests.helpers import create_customer, pk_of
from tests.test_customers_import import csv_bytes, errors_of, import_file
from tests.test_permissions import key_of, set_customers_read_only

CREATE = """
mutation Create($input: CustomerCreateInput!) {
  customerCreate(input: $input) {
    customer {
      id customerNumber datev { debtorNumber }
      addresses { id type }
    }
    userErrors { field code message }
  }
}
"""

ANONYMIZE = """
mutation Anonymize($input: CustomerIdInput!) {
  customerAnonymize(input: $input) {
    customer {
      id customerNumber type status displayName companyName firstName lastName email
      invoiceEmail differingInvoiceEmail phone language currencyCode vatId
      commercialRegisterCourt commercialRegisterNumber externalId version
      defaultPaymentMethod { type }
      datev { debtorNumber }
      addresses {
        id type companyName firstName lastName addition street houseNumber zip city
        countryCode email
      }
    }
    userErrors { field code message }
  }
}
"""

INVOICE_CREATE = """
mutation InvoiceCreate($input: CustomerRecordInput!) {
  invoiceCreate(input: $input) {
    invoice { id recipientEmail address { firstName lastName street city } }
    userErrors { field code message }
  }
}
"""

UPDATE = """
mutation Update($input: CustomerUpdateInput!) {
  customerUpdate(input: $input) { customer { id } userErrors { field code message } }
}
"""

ARCHIVE = """
mutation Archive($input: CustomerIdInput!) {
  customerArchive(input: $input) { customer { id } userErrors { field code message } }
}
"""

RESTORE = """
mutation Restore($input: CustomerIdInput!) {
  customerRestore(input: $input) { customer { id } userErrors { field code message } }
}
"""

DELETE = """
mutation Delete($input: CustomerIdInput!) {
  customerDelete(input: $input) { deletedCustomerId userErrors { field code message } }
}
"""

ADDRESS_CREATE = """
mutation AddressCreate($input: AddressCreateInput!) {
  addressCreate(input: $input) { address { id } userErrors { field code message } }
}
"""

ADDRESS_UPDATE = """
mutation AddressUpdate($input: AddressUpdateInput!) {
  addressUpdate(input: $input) { address { id } userErrors { field code message } }
}
"""

ADDRESS_SET_DEFAULT = """
mutation AddressSetDefault($input: AddressSetDefaultInput!) {
  addressSetDefault(input: $input) { address { id } userErrors { field code message } }
}
"""

SUBSCRIPTION_CREATE = """
mutation SubscriptionCreate($input: SubscriptionCreateInput!) {
  subscriptionCreate(input: $input) { subscription { id } userErrors { field code message } }
}
"""

ORDER_CREATE = """
mutation OrderCreate($input: CustomerRecordInput!) {
  orderCreate(input: $input) { order { id } userErrors { field code message } }
}
"""

PAYMENT_CREATE = """
mutation PaymentCreate($input: CustomerRecordInput!) {
  paymentCreate(input: $input) { payment { id } userErrors { field code message } }
}
"""

# Every value distinct and unusual, so that a search or a scan for it finds only it.
PERSON: dict[str, Any] = {
    "type": "PERSON",
    "companyName": "Quastenberg Beratung",
    "firstName": "Erikaquast",
    "lastName": "Mustermannquast",
    "email": "erika.quast@beispiel-mail.de",
    "invoiceEmail": "rechnung.quast@beispiel-mail.de",
    "phone": "+49 30 77665544",
    "vatId": "DE136695976",
    "commercialRegisterCourt": "Amtsgericht Quastenstadt",
    "commercialRegisterNumber": "HRB 998877",
    "externalId": "crm-quast-4711",
    "defaultPaymentMethod": "SEPA_DEBIT",
    "currencyCode": "CHF",
    "address": {
        "street": "Zauberquastweg",
        "houseNumber": "17b",
        "addition": "Hinterhaus Quastflügel",
        "zip": "10117",
        "city": "Quastenhausen",
        "countryCode": "DE",
        "email": "post.quast@beispiel-mail.de",
    },
    "invoiceAddress": {
        "companyName": "Quast Rechnungsstelle",
        "firstName": "Rechnungerika",
        "lastName": "Rechnungquast",
        "street": "Billingquaststraße",
        "houseNumber": "3",
        "zip": "1010",
        "city": "Rechnungsquasthausen",
        "countryCode": "AT",
    },
}


# --- helpers -------------------------------------------------------------------------------


async def anonymize(tenant: Tenant, customer_id: str, key: str | None = None) -> dict[str, Any]:
    data = await tenant.api.execute(
        ANONYMIZE, {"input": {"id": customer_id}}, key=key or tenant.key
    )
    payload: dict[str, Any] = data["customerAnonymize"]
    return payload


async def invoice(tenant: Tenant, customer_id: str) -> dict[str, Any]:
    data = await tenant.execute(INVOICE_CREATE, {"input": {"customerId": customer_id}})
    payload: dict[str, Any] = data["invoiceCreate"]
    assert payload["userErrors"] == [], payload["userErrors"]
    created: dict[str, Any] = payload["invoice"]
    return created


def codes(payload: dict[str, Any]) -> list[str]:
    return [error["code"] for error in payload["userErrors"]]


async def stored_state(customer_pk: uuid.UUID) -> tuple[Any, ...]:
    """The customer, its addresses and records, and its audit trail, as stored."""
    customer = await Customer.get(id=customer_pk)
    addresses = await Address.filter(customer_id=customer_pk).order_by("id").values()
    return (
        {k: v for k, v in customer.__dict__.items() if not k.startswith("_")},
        addresses,
        await Subscription.filter(customer_id=customer_pk).count(),
        await Order.filter(customer_id=customer_pk).count(),
        await Invoice.filter(customer_id=customer_pk).count(),
        await Payment.filter(customer_id=customer_pk).count(),
        await CustomerEvent.filter(customer_id=customer_pk).count(),
    )


# --- what is erased and what is kept -------------------------------------------------------


async def test_personal_data_is_erased_and_accounting_references_are_kept(
    datev_tenant: Tenant,
) -> None:
    # given: a person with every personal field set, a differing invoice address, an invoice
    tenant = datev_tenant
    created = await create_customer(tenant, CREATE, **PERSON)
    issued = await invoice(tenant, created["id"])
    pk = pk_of(created["id"])
    before = await Customer.get(id=pk)
    # when
    payload = await anonymize(tenant, created["id"])
    # then: the answer
    assert payload["userErrors"] == []
    customer = payload["customer"]
    number = created["customerNumber"]
    assert customer["status"] == "ANONYMIZED"
    assert customer["displayName"] == f"Anonymisiert {number}"
    for name in (
        "companyName",
        "firstName",
        "lastName",
        "email",
        "invoiceEmail",
        "differingInvoiceEmail",
        "phone",
        "vatId",
        "commercialRegisterCourt",
        "commercialRegisterNumber",
        "externalId",
    ):
        assert customer[name] is None, name
    assert (customer["id"], customer["customerNumber"], customer["type"]) == (
        created["id"],
        number,
        "PERSON",
    )
    assert customer["datev"] == created["datev"]
    assert created["datev"]["debtorNumber"]
    assert (customer["currencyCode"], customer["defaultPaymentMethod"]) == (
        "CHF",
        {"type": "SEPA_DEBIT"},
    )
    assert customer["version"] == before.version + 1
    assert [a["id"] for a in customer["addresses"]] == [a["id"] for a in created["addresses"]]
    for address in customer["addresses"]:
        assert {k: v for k, v in address.items() if k not in ("id", "type")} == {
            "companyName": None,
            "firstName": None,
            "lastName": None,
            "addition": None,
            "street": None,
            "houseNumber": None,
            "zip": None,
            "city": None,
            "countryCode": "DE" if address["type"] == "DEFAULT" else "AT",
            "email": None,
        }
    # then: the stored rows
    stored = await Customer.get(id=pk)
    assert stored.status is CustomerStatus.ANONYMIZED
    customer_fields, address_fields = erased_fields(CustomerType.PERSON)
    assert "company_name" in customer_fields
    assert all(getattr(stored, name) is None for name in customer_fields)
    assert stored.company_name is None
    assert (stored.customer_number, stored.datev_debtor_number, stored.type) == (
        before.customer_number,
        before.datev_debtor_number,
        before.type,
    )
    assert (stored.currency_code, stored.default_payment_method, stored.language) == (
        before.currency_code,
        before.default_payment_method,
        before.language,
    )
    for address in await Address.filter(customer_id=pk):
        assert all(getattr(address, name) is None for name in address_fields)
        assert address.company_name is None
        assert address.country_code in ("DE", "AT")
    # then: the invoice keeps its copy as issued (HGB §257, AO §147)
    kept = await Invoice.get(id=pk_of(issued["id"], "Invoice"))
    assert (kept.first_name, kept.last_name, kept.street, kept.city, kept.recipient_email) == (
        "Rechnungerika",
        "Rechnungquast",
        "Billingquaststraße",
        "Rechnungsquasthausen",
        "rechnung.quast@beispiel-mail.de",
    )


async def test_a_company_keeps_its_company_name(tenant: Tenant) -> None:
    # given: the name of a company names a legal entity, not a person
    created = await create_customer(
        tenant,
        CREATE,
        type="COMPANY",
        companyName="Quastwerke AG",
        email="info@quastwerke.de",
        address={"companyName": "Quastwerke AG", "street": "Werkstraße", "city": "Ulm"},
    )
    # when
    payload = await anonymize(tenant, created["id"])
    # then
    assert payload["userErrors"] == []
    customer = payload["customer"]
    assert (customer["companyName"], customer["email"]) == ("Quastwerke AG", None)
    assert customer["displayName"] == f"Anonymisiert {created['customerNumber']}"
    [address] = customer["addresses"]
    assert (address["companyName"], address["street"], address["city"]) == (
        "Quastwerke AG",
        None,
        None,
    )
    stored = await Customer.get(id=pk_of(created["id"]))
    assert (stored.company_name, stored.email, stored.status) == (
        "Quastwerke AG",
        None,
        CustomerStatus.ANONYMIZED,
    )


async def test_a_customer_that_could_be_deleted_may_be_anonymized_and_keeps_its_number(
    tenant: Tenant,
) -> None:
    # given: no billing records, so customerDelete would work too
    created = await create_customer(tenant, CREATE, type="PERSON", firstName="A", lastName="B")
    # when
    payload = await anonymize(tenant, created["id"])
    # then
    assert payload["userErrors"] == []
    assert (payload["customer"]["status"], payload["customer"]["customerNumber"]) == (
        "ANONYMIZED",
        created["customerNumber"],
    )
    stored = await Customer.get(id=pk_of(created["id"]))
    assert (stored.customer_number, stored.first_name) == (created["customerNumber"], None)


async def test_an_unknown_or_foreign_customer_is_not_found(
    tenant: Tenant, other_tenant: Tenant
) -> None:
    # given: a customer of another organization
    foreign = await create_customer(
        other_tenant, CREATE, type="PERSON", firstName="F", lastName="G"
    )
    # when
    payload = await anonymize(tenant, foreign["id"])
    # then
    assert payload == {
        "customer": None,
        "userErrors": [
            {"field": ["input", "id"], "code": "NOT_FOUND", "message": "Customer not found."}
        ],
    }
    stored = await Customer.get(id=pk_of(foreign["id"]))
    assert (stored.status, stored.first_name) == (CustomerStatus.ACTIVE, "F")


# --- afterwards every change is refused ----------------------------------------------------


@dataclass(frozen=True)
class Anonymized:
    customer_id: str
    address_id: str


@dataclass(frozen=True)
class Write:
    field: str
    document: str
    variables: Callable[[Anonymized], dict[str, Any]]
    error_field: list[str]


def _by_customer(ids: Anonymized) -> dict[str, Any]:
    return {"input": {"customerId": ids.customer_id}}


def _by_id(ids: Anonymized) -> dict[str, Any]:
    return {"input": {"id": ids.customer_id}}


def _by_address(ids: Anonymized) -> dict[str, Any]:
    return {"input": {"id": ids.address_id}}


WRITES = [
    Write(
        "customerUpdate",
        UPDATE,
        lambda ids: {"input": {"id": ids.customer_id, "firstName": "Wieder"}},
        ["input", "id"],
    ),
    Write("customerArchive", ARCHIVE, _by_id, ["input", "id"]),
    Write("customerRestore", RESTORE, _by_id, ["input", "id"]),
    Write("customerDelete", DELETE, _by_id, ["input", "id"]),
    Write("customerAnonymize", ANONYMIZE, _by_id, ["input", "id"]),
    Write(
        "addressCreate",
        ADDRESS_CREATE,
        lambda ids: {
            "input": {
                "customerId": ids.customer_id,
                "type": "INVOICE",
                "address": {"street": "Neu", "city": "Bonn"},
            }
        },
        ["input", "customerId"],
    ),
    Write(
        "addressUpdate",
        ADDRESS_UPDATE,
        lambda ids: {"input": {"id": ids.address_id, "address": {"city": "Bonn"}}},
        ["input", "id"],
    ),
    Write("addressSetDefault", ADDRESS_SET_DEFAULT, _by_address, ["input", "id"]),
    Write("subscriptionCreate", SUBSCRIPTION_CREATE, _by_customer, ["input", "customerId"]),
    Write("orderCreate", ORDER_CREATE, _by_customer, ["input", "customerId"]),
    Write("invoiceCreate", INVOICE_CREATE, _by_customer, ["input", "customerId"]),
    Write("paymentCreate", PAYMENT_CREATE, _by_customer, ["input", "customerId"]),
]


@pytest.mark.parametrize("write", WRITES, ids=[w.field for w in WRITES])
async def test_every_write_to_an_anonymized_customer_is_refused(
    tenant: Tenant, write: Write
) -> None:
    # given: an anonymized customer with a spare (non-default) address
    created = await create_customer(tenant, CREATE, **PERSON)
    spare = next(a for a in created["addresses"] if a["type"] == "INVOICE")
    assert (await anonymize(tenant, created["id"]))["userErrors"] == []
    pk = pk_of(created["id"])
    await Address.filter(id=pk_of(spare["id"], "Address")).update(is_default=False)
    before = await stored_state(pk)
    # when
    data = await tenant.execute(
        write.document, write.variables(Anonymized(created["id"], spare["id"]))
    )
    # then
    payload = data[write.field]
    assert payload["userErrors"] == [
        {
            "field": write.error_field,
            "code": "ANONYMIZED",
            "message": "The customer was anonymized; it can no longer be changed.",
        }
    ]
    assert await stored_state(pk) == before


async def test_an_import_row_matching_an_anonymized_customer_is_refused(tenant: Tenant) -> None:
    # given: an anonymized customer that had an external id, and a file with two rows that
    # match it: one by its number, one by the external id it had
    created = await create_customer(tenant, CREATE, **PERSON)
    assert (await anonymize(tenant, created["id"]))["userErrors"] == []
    pk = pk_of(created["id"])
    before = await stored_state(pk)
    count = await Customer.filter(organization_id=tenant.organization_id).count()
    data = csv_bytes(
        [
            ["Kundennummer", "Externe ID", "Kundentyp", "Vorname", "Nachname"],
            [created["customerNumber"], "", "Privatperson", "Erika", "Zurück"],
            ["", "crm-quast-4711", "Privatperson", "Erika", "Wieder"],
        ]
    )
    # when
    payload = await import_file(tenant, data)
    # then
    assert payload["userErrors"] == []
    assert errors_of(payload) == [
        (2, "Kundennummer", "ANONYMIZED"),
        (3, "Externe ID", "ANONYMIZED"),
    ]
    assert (payload["result"]["created"], payload["result"]["updated"]) == (0, 0)
    assert await stored_state(pk) == before
    assert await Customer.filter(organization_id=tenant.organization_id).count() == count
    # the external id itself is not kept, only a keyed digest of it
    stored = await Customer.get(id=pk)
    assert stored.external_id is None
    assert stored.erased_external_id is not None
    assert "crm-quast-4711" not in stored.erased_external_id


# --- who may ---------------------------------------------------------------------------------

ACTORS = [
    pytest.param("write-key", None, id="write-key"),
    pytest.param("ADMIN", None, id="ADMIN"),
    pytest.param("EMPLOYEE", "FORBIDDEN", id="EMPLOYEE"),
    pytest.param("READ_ONLY", "FORBIDDEN", id="READ_ONLY"),
    pytest.param("read-key", "FORBIDDEN", id="read-key"),
]


@pytest.mark.parametrize(("actor", "refusal"), ACTORS)
async def test_administrators_and_write_keys_may_anonymize(
    tenant: Tenant, read_only_key: str, actor: str, refusal: str | None
) -> None:
    # given
    created = await create_customer(tenant, CREATE, **PERSON)
    pk = pk_of(created["id"])
    before = await stored_state(pk)
    key = await key_of(actor, tenant, read_only_key)
    # when
    payload = await anonymize(tenant, created["id"], key=key)
    # then
    if refusal is None:
        assert payload["userErrors"] == []
        assert (await Customer.get(id=pk)).status is CustomerStatus.ANONYMIZED
    else:
        assert codes(payload) == [refusal]
        assert payload["customer"] is None
        assert await stored_state(pk) == before


async def test_read_only_customers_bind_administrators_too(tenant: Tenant) -> None:
    # given: customers are read-only in the web app
    created = await create_customer(tenant, CREATE, **PERSON)
    pk = pk_of(created["id"])
    admin = await key_of("ADMIN", tenant, "")
    await set_customers_read_only(tenant, True)
    before = await stored_state(pk)
    # when
    refused = await anonymize(tenant, created["id"], key=admin)
    allowed = await anonymize(tenant, created["id"])
    # then: the API key (the system that owns the data) still may
    assert codes(refused) == ["READ_ONLY"]
    assert before[0]["status"] is CustomerStatus.ACTIVE
    assert allowed["userErrors"] == []
    assert (await Customer.get(id=pk)).status is CustomerStatus.ANONYMIZED
