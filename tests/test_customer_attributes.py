"""The attribute registry against the models, the schema and the API.

A column added to `customers` or `addresses` without a registry entry fails here, so no
attribute escapes what anonymization erases or the personal-data export contains.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import graphql
import pytest
from tortoise.models import Model

from domain.customers.address_roles import ADDRESS_VALUES
from domain.customers.listing import CUSTOMER_VALUES
from domain.customers.registry import (
    ADDRESS_ATTRIBUTES,
    ADDRESS_LABELS,
    CUSTOMER_ATTRIBUTES,
    CUSTOMER_HEADERS,
    PERSONAL_ADDRESS_FIELDS,
    PERSONAL_CUSTOMER_FIELDS,
    POSTAL_FIELDS,
    Attribute,
    graphql_names,
)
from models import Address, Customer
from spreadsheets.customer_columns import Headers, customer_columns
from tests.client import Tenant
from tests.helpers import pk_of

SDL = (Path(__file__).resolve().parents[1] / "schema.graphql").read_text(encoding="utf-8")

CREATE = """
mutation Create($input: CustomerCreateInput!) {
  customerCreate(input: $input) {
    customer { id }
    userErrors { field code message }
  }
}
"""

CUSTOMER = """
query Customer($id: ID!) {
  customer(id: $id) {
    id customerNumber type status displayName companyName firstName lastName email
    differingInvoiceEmail phone language currencyCode vatId commercialRegisterCourt
    commercialRegisterNumber externalId defaultPaymentMethod { type } version createdAt updatedAt
    archivedAt datev { debtorNumber }
    defaultAddress {
      id type isDefault companyName firstName lastName addition street houseNumber zip city
      countryCode email
    }
  }
}
"""

# Every input field of customerCreate, keyed by the attribute it sets; cleaned as stored.
GIVEN: dict[str, Any] = {
    "customer_number": "K-4711",
    "company_name": "Mustermann Consulting",
    "first_name": "Erika",
    "last_name": "Mustermann",
    "email": "erika@example.com",
    "invoice_email": "rechnung@example.com",
    "phone": "+49 30 123456",
    "language": "EN",
    "currency_code": "CHF",
    "vat_id": "DE136695976",
    "commercial_register_court": "Amtsgericht Berlin",
    "commercial_register_number": "HRB 12345",
    "external_id": "crm-1",
    "datev_debtor_number": "10001",
    "default_payment_method": "SEPA_DEBIT",
}
ADDRESS_GIVEN: dict[str, Any] = {
    "company_name": "Mustermann Consulting",
    "first_name": "Erika",
    "last_name": "Mustermann",
    "addition": "Hinterhaus",
    "street": "Hauptstraße",
    "house_number": "1a",
    "zip": "10115",
    "city": "Berlin",
    "country_code": "DE",
    "email": "post@example.com",
}
# DSGVO (the data-protection rules): what names or reaches a person.
PERSONAL_CUSTOMER = {
    "display_name",
    "company_name",
    "first_name",
    "last_name",
    "email",
    "invoice_email",
    "phone",
    "vat_id",
    "commercial_register_court",
    "commercial_register_number",
    "external_id",
}
PERSONAL_ADDRESS = {
    "company_name",
    "first_name",
    "last_name",
    "addition",
    "street",
    "house_number",
    "zip",
    "city",
    "email",
}


def columns_of(model: type[Model]) -> set[str]:
    # Foreign keys as their id columns (organization_id), as the domain uses them.
    return set(model._meta.db_fields) | {f"{name}_id" for name in model._meta.fk_fields}


def graphql_input(attributes: tuple[Attribute, ...], values: dict[str, Any]) -> dict[str, Any]:
    """`values` placed at each attribute's input path, the path's names in camel case."""
    nested: dict[str, Any] = {}
    by_name = {a.name: a for a in attributes}
    for name, value in values.items():
        path = by_name[name].input
        assert path is not None, name
        target = nested
        for step in path[:-1]:
            target = target.setdefault(_camel(step), {})
        target[_camel(path[-1])] = value
    return nested


def _camel(name: str) -> str:
    first, *rest = name.split("_")
    return first + "".join(part.title() for part in rest)


def _dig(answer: dict[str, Any], dotted: str) -> Any:
    value: Any = answer
    for step in dotted.split("."):
        value = value[step] if value is not None else None
    return value


@pytest.mark.parametrize(
    ("model", "attributes"), [(Customer, CUSTOMER_ATTRIBUTES), (Address, ADDRESS_ATTRIBUTES)]
)
def test_every_model_column_has_exactly_one_entry(
    model: type[Model], attributes: tuple[Attribute, ...]
) -> None:
    # given
    names = [attribute.name for attribute in attributes]

    # when
    columns = columns_of(model)

    # then
    assert sorted(names) == sorted(set(names)), "an attribute is defined twice"
    assert columns - set(names) == set(), "a model column has no registry entry"
    assert set(names) - columns == set(), "a registry entry names no model column"


def test_the_values_a_page_reads_are_the_attributes_the_api_shows() -> None:
    # given
    shown_customer = {a.name for a in CUSTOMER_ATTRIBUTES if a.graphql is not None}
    shown_address = {a.name for a in ADDRESS_ATTRIBUTES if a.graphql is not None}

    # when / then: the typed row values are spelled out for mypy, so they must not drift
    assert set(CUSTOMER_VALUES) == shown_customer
    assert set(ADDRESS_VALUES) == shown_address | {"customer_id"}


def test_the_export_has_a_column_for_each_exported_attribute() -> None:
    # given
    headers = Headers(customer=CUSTOMER_HEADERS, address=ADDRESS_LABELS)
    exported = {a.header for a in CUSTOMER_ATTRIBUTES if a.header is not None and a.exported}

    # when
    columns = [column.header for column in customer_columns(datev=True, headers=headers)]

    # then
    master = [header for header in columns if ": " not in header]
    assert sorted(master) == sorted(exported)
    for group in ("Standard-Rechnungsadresse", "Standard-Kundenadresse"):
        labels = [header.split(": ", 1)[1] for header in columns if header.startswith(group)]
        assert labels == [ADDRESS_LABELS[name] for name in POSTAL_FIELDS]


def test_personal_data_is_what_the_data_protection_rules_name() -> None:
    # given / when / then
    assert set(PERSONAL_CUSTOMER_FIELDS) == PERSONAL_CUSTOMER
    assert set(PERSONAL_ADDRESS_FIELDS) == PERSONAL_ADDRESS


@pytest.mark.parametrize(
    ("type_name", "input_names", "attributes"),
    [
        ("Customer", ("CustomerCreateInput", "CustomerUpdateInput"), CUSTOMER_ATTRIBUTES),
        ("Address", ("AddressInput",), ADDRESS_ATTRIBUTES),
    ],
)
def test_graphql_and_input_names_exist_in_the_schema(
    type_name: str, input_names: tuple[str, ...], attributes: tuple[Attribute, ...]
) -> None:
    # given
    schema = graphql.build_schema(SDL)

    # when
    def resolves(start: str, path: list[str]) -> bool:
        current: Any = schema.get_type(start)
        for step in path:
            fields = getattr(current, "fields", {})
            if step not in fields:
                return False
            current = graphql.get_named_type(fields[step].type)
        return True

    # then
    for attribute in attributes:
        if attribute.graphql is not None:
            assert resolves(type_name, attribute.graphql.split(".")), attribute.name
        if attribute.input is not None:
            path = [_camel(step) for step in attribute.input]
            for input_name in input_names:
                assert resolves(input_name, path), (attribute.name, input_name)


async def test_every_input_attribute_is_stored_and_answered_under_its_graphql_name(
    datev_tenant: Tenant,
) -> None:
    # given
    assert set(GIVEN) == {a.name for a in CUSTOMER_ATTRIBUTES if a.input and a.name != "type"}
    assert set(ADDRESS_GIVEN) == {a.name for a in ADDRESS_ATTRIBUTES if a.input}
    customer_input = graphql_input(CUSTOMER_ATTRIBUTES, GIVEN) | {
        "type": "COMPANY",
        "address": graphql_input(ADDRESS_ATTRIBUTES, ADDRESS_GIVEN),
    }

    # when
    created = (await datev_tenant.execute(CREATE, {"input": customer_input}))["customerCreate"]
    answer = (await datev_tenant.execute(CUSTOMER, {"id": created["customer"]["id"]}))["customer"]

    # then
    assert created["userErrors"] == []
    stored = await Customer.get(id=pk_of(created["customer"]["id"], "Customer"))
    address = await Address.get(customer_id=stored.id)
    assert {name: getattr(stored, name) for name in GIVEN} == GIVEN
    assert {name: getattr(address, name) for name in ADDRESS_GIVEN} == ADDRESS_GIVEN
    shown = graphql_names(
        CUSTOMER_ATTRIBUTES, {a.name: getattr(stored, a.name) for a in CUSTOMER_ATTRIBUTES}
    )
    for field, value in shown.items():
        if field in ("id", "createdAt", "updatedAt", "archivedAt"):
            continue  # global id and timestamps: other formats in the answer
        assert _dig(answer, field) == value, field
    shown_address = graphql_names(
        ADDRESS_ATTRIBUTES, {a.name: getattr(address, a.name) for a in ADDRESS_ATTRIBUTES}
    )
    for field, value in shown_address.items():
        if field != "id":
            assert answer["defaultAddress"][field] == value, field
