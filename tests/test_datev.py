"""DATEV add-on: organization settings and customers' debtor numbers (Debitorennummern)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from domain.api_keys import issue_key
from models import Customer, NumberRange, Organization
from models.enums import ApiKeyScope, NumberRangeKind
from schema.node import decode_id
from tests import helpers
from tests.client import Api, Tenant
from tests.helpers import customer_create, errors_of

ORGANIZATION = """
query Organization {
  organization {
    datevEnabled
    datevSettings {
      accountLength consultantNumber clientNumber debtorNumberMin debtorNumberMax
    }
  }
}
"""

SETTINGS_UPDATE = """
mutation SettingsUpdate($input: DatevSettingsInput!) {
  organizationDatevSettingsUpdate(input: $input) {
    organization {
      datevEnabled
      datevSettings {
        accountLength consultantNumber clientNumber debtorNumberMin debtorNumberMax
      }
    }
    userErrors { field code message }
  }
}
"""

NUMBER_RANGES = """
query NumberRanges {
  numberRanges { kind format padding nextValue nextNumber minValue maxValue }
}
"""

RANGE_UPDATE = """
mutation RangeUpdate($input: NumberRangeUpdateInput!) {
  numberRangeUpdate(input: $input) {
    numberRange { kind nextValue }
    userErrors { field code message }
  }
}
"""

CREATE = """
mutation Create($input: CustomerCreateInput!) {
  customerCreate(input: $input) {
    customer { id customerNumber version datev { debtorNumber } }
    userErrors { field code message }
  }
}
"""

UPDATE = """
mutation Update($input: CustomerUpdateInput!) {
  customerUpdate(input: $input) {
    customer { id customerNumber version datev { debtorNumber } }
    userErrors { field code message }
  }
}
"""

DELETE = """
mutation Delete($input: CustomerIdInput!) {
  customerDelete(input: $input) {
    deletedCustomerId
    userErrors { field code message }
  }
}
"""

CUSTOMER = """
query Customer($id: ID!) {
  customer(id: $id) { id customerNumber datev { debtorNumber } }
}
"""

CUSTOMERS = """
query Customers($filter: CustomerFilter) {
  customers(filter: $filter) {
    totalCount
    edges { node { id customerNumber datev { debtorNumber } } }
  }
}
"""

COMPANY: dict[str, Any] = {"type": "COMPANY", "companyName": "Muster GmbH"}
DEFAULT_SETTINGS: dict[str, Any] = {
    "accountLength": 4,
    "consultantNumber": None,
    "clientNumber": None,
    "debtorNumberMin": 10000,
    "debtorNumberMax": 69999,
}
DEBTOR_FIELD = ["input", "datev", "debtorNumber"]


# --- helpers -------------------------------------------------------------------------------


async def update_settings(tenant: Tenant, **fields: Any) -> dict[str, Any]:
    data = await tenant.execute(SETTINGS_UPDATE, {"input": fields})
    payload: dict[str, Any] = data["organizationDatevSettingsUpdate"]
    return payload


async def stored_settings(organization_id: uuid.UUID) -> tuple[int, str | None, str | None]:
    """(account length, consultant number, client number) as stored."""
    row = await Organization.get(id=organization_id)
    return row.datev_account_length, row.datev_consultant_number, row.datev_client_number


async def create(tenant: Tenant, **fields: Any) -> dict[str, Any]:
    return await customer_create(tenant, CREATE, **COMPANY | fields)


async def create_customer(tenant: Tenant, **fields: Any) -> dict[str, Any]:
    """Create a customer that must be accepted; the customer as returned."""
    return await helpers.create_customer(tenant, CREATE, **COMPANY | fields)


async def update(tenant: Tenant, customer_id: str, **fields: Any) -> dict[str, Any]:
    data = await tenant.execute(UPDATE, {"input": {"id": customer_id, **fields}})
    payload: dict[str, Any] = data["customerUpdate"]
    return payload


async def stored_customer(customer_id: str) -> Customer:
    pk = decode_id(customer_id, "Customer")
    assert pk is not None
    return await Customer.get(id=pk)


async def debtor_numbers(organization_id: uuid.UUID) -> list[str | None]:
    rows = await Customer.filter(organization_id=organization_id).order_by("customer_number")
    return [row.datev_debtor_number for row in rows]


async def next_value(
    organization_id: uuid.UUID, kind: NumberRangeKind = NumberRangeKind.DATEV_DEBTOR
) -> int:
    row = await NumberRange.get(organization_id=organization_id, kind=kind)
    value: int = row.next_value
    return value


async def read_key_of(tenant: Tenant) -> str:
    key = await issue_key(organization_id=tenant.organization_id, scope=ApiKeyScope.READ)
    return key.secret


# --- settings: reading ----------------------------------------------------------------------


async def test_settings_are_readable_with_their_defaults(datev_tenant: Tenant) -> None:
    # when
    data = await datev_tenant.execute(ORGANIZATION)
    # then
    assert data["organization"] == {"datevEnabled": True, "datevSettings": DEFAULT_SETTINGS}
    assert await stored_settings(datev_tenant.organization_id) == (4, None, None)


async def test_settings_are_null_without_the_addon(tenant: Tenant) -> None:
    # when
    data = await tenant.execute(ORGANIZATION)
    # then
    assert data["organization"] == {"datevEnabled": False, "datevSettings": None}
    organization = await Organization.get(id=tenant.organization_id)
    assert organization.datev_enabled is False


# --- settings: changing ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("consultant", "client"),
    [
        pytest.param("1234", "1", id="shortest"),
        pytest.param("1234567", "12345", id="longest"),
        pytest.param(" 29098 ", "00042", id="trimmed-leading-zeros"),
    ],
)
async def test_consultant_and_client_number_are_changed(
    datev_tenant: Tenant, consultant: str, client: str
) -> None:
    # when
    payload = await update_settings(datev_tenant, consultantNumber=consultant, clientNumber=client)
    # then
    assert payload["userErrors"] == []
    settings = payload["organization"]["datevSettings"]
    assert (settings["consultantNumber"], settings["clientNumber"]) == (
        consultant.strip(),
        client,
    )
    assert settings["accountLength"] == 4
    assert await stored_settings(datev_tenant.organization_id) == (4, consultant.strip(), client)
    read = await datev_tenant.execute(ORGANIZATION)
    assert read["organization"]["datevSettings"] == settings


async def test_absent_settings_stay_and_null_clears(datev_tenant: Tenant) -> None:
    # given
    await update_settings(datev_tenant, consultantNumber="1234567", clientNumber="12345")
    # when
    payload = await update_settings(datev_tenant, clientNumber=None)
    # then
    assert payload["userErrors"] == []
    settings = payload["organization"]["datevSettings"]
    assert (settings["consultantNumber"], settings["clientNumber"]) == ("1234567", None)
    assert await stored_settings(datev_tenant.organization_id) == (4, "1234567", None)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        pytest.param("consultantNumber", "123", id="consultant-3-digits"),
        pytest.param("consultantNumber", "12345678", id="consultant-8-digits"),
        pytest.param("consultantNumber", "12a45", id="consultant-letter"),
        pytest.param("consultantNumber", "0000", id="consultant-zero"),
        pytest.param("consultantNumber", "１２３４", id="consultant-fullwidth"),
        pytest.param("clientNumber", "123456", id="client-6-digits"),
        pytest.param("clientNumber", "0", id="client-zero"),
        pytest.param("clientNumber", "1-2", id="client-dash"),
    ],
)
async def test_malformed_consultant_or_client_number_is_invalid(
    datev_tenant: Tenant, field: str, value: str
) -> None:
    # when
    payload = await update_settings(datev_tenant, accountLength=5, **{field: value})
    # then: nothing changes, not even the valid account length
    assert payload["organization"] is None
    assert errors_of(payload) == [(["input", field], "INVALID")]
    assert await stored_settings(datev_tenant.organization_id) == (4, None, None)
    assert await next_value(datev_tenant.organization_id) == 10000


@pytest.mark.parametrize("length", [3, 9, 0, -4])
async def test_account_length_outside_4_to_8_is_out_of_range(
    datev_tenant: Tenant, length: int
) -> None:
    # when
    payload = await update_settings(datev_tenant, accountLength=length)
    # then
    assert payload["organization"] is None
    assert errors_of(payload) == [(["input", "accountLength"], "OUT_OF_RANGE")]
    assert await stored_settings(datev_tenant.organization_id) == (4, None, None)


async def test_account_length_cannot_be_cleared(datev_tenant: Tenant) -> None:
    # when
    payload = await update_settings(datev_tenant, accountLength=None)
    # then
    assert errors_of(payload) == [(["input", "accountLength"], "REQUIRED")]
    assert await stored_settings(datev_tenant.organization_id) == (4, None, None)


async def test_read_key_may_not_change_settings(api: Api, datev_tenant: Tenant) -> None:
    # given
    key = await read_key_of(datev_tenant)
    # when
    data = await api.execute(
        SETTINGS_UPDATE, {"input": {"consultantNumber": "1234567", "accountLength": 5}}, key=key
    )
    # then
    payload = data["organizationDatevSettingsUpdate"]
    assert payload["organization"] is None
    assert [error["code"] for error in payload["userErrors"]] == ["FORBIDDEN"]
    assert await stored_settings(datev_tenant.organization_id) == (4, None, None)
    assert await next_value(datev_tenant.organization_id) == 10000


async def test_read_key_may_read_settings(api: Api, datev_tenant: Tenant) -> None:
    # given
    await update_settings(datev_tenant, consultantNumber="1234567")
    key = await read_key_of(datev_tenant)
    # when
    data = await api.execute(ORGANIZATION, key=key)
    # then
    assert data["organization"]["datevSettings"] == DEFAULT_SETTINGS | {
        "consultantNumber": "1234567"
    }
    assert await stored_settings(datev_tenant.organization_id) == (4, "1234567", None)


async def test_settings_cannot_be_changed_without_the_addon(tenant: Tenant) -> None:
    # when
    payload = await update_settings(tenant, consultantNumber="1234567", accountLength=5)
    # then
    assert payload["organization"] is None
    assert [error["code"] for error in payload["userErrors"]] == ["ADDON_NOT_ENABLED"]
    assert await stored_settings(tenant.organization_id) == (4, None, None)


# --- settings: account length and the debtor range ------------------------------------------


@pytest.mark.parametrize(
    ("length", "minimum", "maximum"),
    [(5, 100000, 699999), (8, 100000000, 699999999), (4, 10000, 69999)],
)
async def test_account_length_sets_the_debtor_range_before_any_debtor_exists(
    datev_tenant: Tenant, length: int, minimum: int, maximum: int
) -> None:
    # given: customers without debtor numbers do not exist in a DATEV organization, so none
    # when
    payload = await update_settings(datev_tenant, accountLength=length)
    ranges = (await datev_tenant.execute(NUMBER_RANGES))["numberRanges"]
    first = await create_customer(datev_tenant)
    # then
    assert payload["userErrors"] == []
    assert payload["organization"]["datevSettings"] == DEFAULT_SETTINGS | {
        "accountLength": length,
        "debtorNumberMin": minimum,
        "debtorNumberMax": maximum,
    }
    assert ranges[1] == {
        "kind": "DATEV_DEBTOR",
        "format": "{number}",
        "padding": 0,
        "nextValue": minimum,
        "nextNumber": str(minimum),
        "minValue": minimum,
        "maxValue": maximum,
    }
    assert first["datev"] == {"debtorNumber": str(minimum)}
    assert await stored_settings(datev_tenant.organization_id) == (length, None, None)
    assert await debtor_numbers(datev_tenant.organization_id) == [str(minimum)]
    assert await next_value(datev_tenant.organization_id) == minimum + 1


async def test_debtor_numbers_follow_a_changed_account_length(datev_tenant: Tenant) -> None:
    # given
    await update_settings(datev_tenant, accountLength=5)
    # when
    too_short = await create(datev_tenant, datev={"debtorNumber": "10000"})
    too_long = await create(datev_tenant, datev={"debtorNumber": "1000000"})
    accepted = await create(datev_tenant, datev={"debtorNumber": "699999"})
    # then
    assert errors_of(too_short) == [(DEBTOR_FIELD, "OUT_OF_RANGE")]
    assert errors_of(too_long) == [(DEBTOR_FIELD, "OUT_OF_RANGE")]
    assert accepted["userErrors"] == []
    assert accepted["customer"]["datev"] == {"debtorNumber": "699999"}
    assert await debtor_numbers(datev_tenant.organization_id) == ["699999"]


async def test_account_length_cannot_change_while_customers_have_debtor_numbers(
    datev_tenant: Tenant,
) -> None:
    # given
    await create_customer(datev_tenant)
    # when
    payload = await update_settings(datev_tenant, accountLength=5, consultantNumber="1234567")
    # then
    assert payload["organization"] is None
    assert errors_of(payload) == [(["input", "accountLength"], "CONFLICT")]
    assert await stored_settings(datev_tenant.organization_id) == (4, None, None)
    assert await next_value(datev_tenant.organization_id) == 10001
    assert (await create_customer(datev_tenant))["datev"] == {"debtorNumber": "10001"}


async def test_the_current_account_length_may_be_repeated_while_debtors_exist(
    datev_tenant: Tenant,
) -> None:
    # given
    await create_customer(datev_tenant)
    # when
    payload = await update_settings(datev_tenant, accountLength=4, clientNumber="12")
    # then
    assert payload["userErrors"] == []
    assert payload["organization"]["datevSettings"]["clientNumber"] == "12"
    assert await stored_settings(datev_tenant.organization_id) == (4, None, "12")
    assert await next_value(datev_tenant.organization_id) == 10001


async def test_a_debtor_number_is_not_issued_again_after_an_account_length_round_trip(
    datev_tenant: Tenant,
) -> None:
    # given: 10000 issued, its customer deleted, the length changed and changed back
    customer = await create_customer(datev_tenant)
    assert customer["datev"] == {"debtorNumber": "10000"}
    deleted = await datev_tenant.execute(DELETE, {"input": {"id": customer["id"]}})
    assert deleted["customerDelete"]["userErrors"] == []
    await update_settings(datev_tenant, accountLength=5)
    await update_settings(datev_tenant, accountLength=4)
    # when
    payload = await create(datev_tenant)
    # then: whatever the length is now, 10000 is not handed out a second time
    assert payload["userErrors"] == []
    assert payload["customer"]["datev"] != {"debtorNumber": "10000"}
    assert await debtor_numbers(datev_tenant.organization_id) != ["10000"]


# --- debtor numbers on create ---------------------------------------------------------------


@pytest.mark.parametrize(
    "datev",
    [
        pytest.param({}, id="datev-omitted"),
        pytest.param({"datev": {}}, id="datev-empty"),
        pytest.param({"datev": {"debtorNumber": None}}, id="debtor-number-null"),
        pytest.param({"datev": {"debtorNumber": "  "}}, id="debtor-number-blank"),
    ],
)
async def test_debtor_numbers_are_allocated_from_the_range(
    datev_tenant: Tenant, datev: dict[str, Any]
) -> None:
    # when
    first = await create_customer(datev_tenant, **datev)
    second = await create_customer(datev_tenant, **datev)
    # then
    assert first["datev"] == {"debtorNumber": "10000"}
    assert second["datev"] == {"debtorNumber": "10001"}
    assert (await stored_customer(first["id"])).datev_debtor_number == "10000"
    assert (await stored_customer(second["id"])).datev_debtor_number == "10001"
    assert await next_value(datev_tenant.organization_id) == 10002
    assert await next_value(datev_tenant.organization_id, NumberRangeKind.CUSTOMER) == 3


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        pytest.param("10000", "10000", id="lowest"),
        pytest.param("69999", "69999", id="highest"),
        pytest.param(" 12345 ", "12345", id="trimmed"),
    ],
)
async def test_a_debtor_number_in_range_is_accepted(
    datev_tenant: Tenant, given: str, stored: str
) -> None:
    # when
    customer = await create_customer(datev_tenant, datev={"debtorNumber": given})
    # then
    assert customer["datev"] == {"debtorNumber": stored}
    assert (await stored_customer(customer["id"])).datev_debtor_number == stored
    assert await next_value(datev_tenant.organization_id) == int(stored) + 1


@pytest.mark.parametrize(
    ("number", "code"),
    [
        pytest.param("9999", "OUT_OF_RANGE", id="four-digits"),
        pytest.param("70000", "OUT_OF_RANGE", id="creditor-range"),
        pytest.param("99999", "OUT_OF_RANGE", id="creditor-range-end"),
        pytest.param("100000", "OUT_OF_RANGE", id="six-digits"),
        pytest.param("01234", "OUT_OF_RANGE", id="leading-zero-short"),
        pytest.param("012345", "OUT_OF_RANGE", id="leading-zero-in-range-value"),
        pytest.param("00000", "OUT_OF_RANGE", id="zeros"),
        pytest.param("12a45", "INVALID", id="letter"),
        pytest.param("1 2345", "INVALID", id="inner-space"),
        pytest.param("-12345", "INVALID", id="sign"),
        pytest.param("12345.0", "INVALID", id="decimal"),
        pytest.param("１２３４５", "INVALID", id="fullwidth-digits"),
        pytest.param("١٢٣٤٥", "INVALID", id="arabic-indic-digits"),
    ],
)
async def test_a_bad_debtor_number_is_refused(datev_tenant: Tenant, number: str, code: str) -> None:
    # when
    payload = await create(datev_tenant, datev={"debtorNumber": number})
    # then
    assert payload["customer"] is None
    assert errors_of(payload) == [(DEBTOR_FIELD, code)]
    assert await debtor_numbers(datev_tenant.organization_id) == []
    assert await next_value(datev_tenant.organization_id) == 10000
    assert await next_value(datev_tenant.organization_id, NumberRangeKind.CUSTOMER) == 1


async def test_a_debtor_number_in_use_is_taken(datev_tenant: Tenant) -> None:
    # given
    await create_customer(datev_tenant)
    # when
    payload = await create(datev_tenant, datev={"debtorNumber": "10000"})
    # then
    assert payload["customer"] is None
    assert errors_of(payload) == [(DEBTOR_FIELD, "TAKEN")]
    assert await debtor_numbers(datev_tenant.organization_id) == ["10000"]
    assert await next_value(datev_tenant.organization_id, NumberRangeKind.CUSTOMER) == 2


async def test_a_manual_debtor_number_ahead_of_the_counter_is_skipped(
    datev_tenant: Tenant,
) -> None:
    # when
    manual = await create_customer(datev_tenant, datev={"debtorNumber": "10003"})
    automatic = [await create_customer(datev_tenant), await create_customer(datev_tenant)]
    # then
    assert manual["datev"] == {"debtorNumber": "10003"}
    assert [customer["datev"]["debtorNumber"] for customer in automatic] == ["10004", "10005"]
    assert await debtor_numbers(datev_tenant.organization_id) == ["10003", "10004", "10005"]
    assert await next_value(datev_tenant.organization_id) == 10006


async def test_an_exhausted_range_refuses_and_rolls_back_the_customer_number(
    datev_tenant: Tenant,
) -> None:
    # given: the last debtor number of the range is handed out
    moved = await datev_tenant.execute(
        RANGE_UPDATE, {"input": {"kind": "DATEV_DEBTOR", "nextValue": 69999}}
    )
    assert moved["numberRangeUpdate"]["userErrors"] == []
    last = await create_customer(datev_tenant)
    assert (last["customerNumber"], last["datev"]) == ("K00001", {"debtorNumber": "69999"})
    # when: the customer number is allocated in the transaction before the debtor number fails
    payload = await create(datev_tenant)
    # then
    assert payload["customer"] is None
    assert errors_of(payload) == [(DEBTOR_FIELD, "NUMBER_RANGE_EXHAUSTED")]
    assert await debtor_numbers(datev_tenant.organization_id) == ["69999"]
    assert await Customer.filter(organization_id=datev_tenant.organization_id).count() == 1
    assert await next_value(datev_tenant.organization_id, NumberRangeKind.CUSTOMER) == 2
    assert await next_value(datev_tenant.organization_id) == 70000


async def test_an_exhausted_range_still_accepts_a_free_number_entered_by_hand(
    datev_tenant: Tenant,
) -> None:
    # given
    await datev_tenant.execute(
        RANGE_UPDATE, {"input": {"kind": "DATEV_DEBTOR", "nextValue": 69999}}
    )
    await create_customer(datev_tenant)
    # when
    customer = await create_customer(datev_tenant, datev={"debtorNumber": "12345"})
    # then
    assert (customer["customerNumber"], customer["datev"]) == ("K00002", {"debtorNumber": "12345"})
    assert await debtor_numbers(datev_tenant.organization_id) == ["69999", "12345"]
    assert await next_value(datev_tenant.organization_id) == 70000


# --- without the add-on ---------------------------------------------------------------------


async def test_customers_have_no_datev_info_without_the_addon(tenant: Tenant) -> None:
    # when
    created = await create_customer(tenant)
    read = (await tenant.execute(CUSTOMER, {"id": created["id"]}))["customer"]
    # then
    assert created["datev"] is None
    assert read["datev"] is None
    assert (await stored_customer(created["id"])).datev_debtor_number is None
    assert await next_value(tenant.organization_id) == 10000


@pytest.mark.parametrize(
    "datev",
    [
        pytest.param({}, id="empty"),
        pytest.param({"debtorNumber": None}, id="null-number"),
        pytest.param({"debtorNumber": "12345"}, id="number"),
        pytest.param({"debtorNumber": "bad"}, id="bad-number"),
    ],
)
async def test_datev_input_without_the_addon_is_refused(
    tenant: Tenant, datev: dict[str, Any]
) -> None:
    # given
    existing = await create_customer(tenant)
    # when
    created = await create(tenant, datev=datev)
    updated = await update(tenant, existing["id"], datev=datev)
    # then
    assert created["customer"] is None
    assert errors_of(created) == [(["input", "datev"], "ADDON_NOT_ENABLED")]
    assert updated["customer"] is None
    assert errors_of(updated) == [(["input", "datev"], "ADDON_NOT_ENABLED")]
    assert await debtor_numbers(tenant.organization_id) == [None]
    assert (await stored_customer(existing["id"])).version == 1
    assert await next_value(tenant.organization_id) == 10000
    assert await next_value(tenant.organization_id, NumberRangeKind.CUSTOMER) == 2


# --- debtor numbers on update ---------------------------------------------------------------


async def test_update_changes_the_debtor_number(datev_tenant: Tenant) -> None:
    # given
    customer = await create_customer(datev_tenant)
    # when
    payload = await update(datev_tenant, customer["id"], datev={"debtorNumber": "12345"})
    # then
    assert payload["userErrors"] == []
    assert payload["customer"]["datev"] == {"debtorNumber": "12345"}
    assert payload["customer"]["version"] == 2
    stored = await stored_customer(customer["id"])
    assert (stored.datev_debtor_number, stored.version) == ("12345", 2)
    assert await next_value(datev_tenant.organization_id) == 12346


@pytest.mark.parametrize(
    ("number", "code"),
    [
        pytest.param("10001", "TAKEN", id="taken"),
        pytest.param("70000", "OUT_OF_RANGE", id="out-of-range"),
        pytest.param("01234", "OUT_OF_RANGE", id="leading-zero"),
        pytest.param("1234x", "INVALID", id="letter"),
    ],
)
async def test_update_to_a_bad_debtor_number_is_refused(
    datev_tenant: Tenant, number: str, code: str
) -> None:
    # given
    customer = await create_customer(datev_tenant)
    await create_customer(datev_tenant)
    # when
    payload = await update(datev_tenant, customer["id"], datev={"debtorNumber": number})
    # then
    assert payload["customer"] is None
    assert errors_of(payload) == [(DEBTOR_FIELD, code)]
    stored = await stored_customer(customer["id"])
    assert (stored.datev_debtor_number, stored.version) == ("10000", 1)
    assert await next_value(datev_tenant.organization_id) == 10002


async def test_update_to_its_own_debtor_number_changes_nothing(datev_tenant: Tenant) -> None:
    # given
    customer = await create_customer(datev_tenant)
    # when
    payload = await update(datev_tenant, customer["id"], datev={"debtorNumber": "10000"})
    # then
    assert payload["userErrors"] == []
    assert payload["customer"]["datev"] == {"debtorNumber": "10000"}
    stored = await stored_customer(customer["id"])
    assert (stored.datev_debtor_number, stored.version) == ("10000", 1)


@pytest.mark.parametrize(
    "datev", [pytest.param({}, id="empty"), pytest.param({"debtorNumber": None}, id="null")]
)
async def test_update_gives_a_customer_from_before_the_addon_a_debtor_number(
    tenant: Tenant, datev: dict[str, Any]
) -> None:
    # given: customers created before the add-on was switched on
    first = await create_customer(tenant)
    second = await create_customer(tenant)
    await Organization.filter(id=tenant.organization_id).update(datev_enabled=True)
    before = (await tenant.execute(CUSTOMER, {"id": first["id"]}))["customer"]
    # when
    payload = await update(tenant, first["id"], datev=datev)
    # then
    assert before["datev"] == {"debtorNumber": None}
    assert payload["userErrors"] == []
    assert payload["customer"]["datev"] == {"debtorNumber": "10000"}
    assert payload["customer"]["version"] == 2
    stored = await stored_customer(first["id"])
    assert (stored.datev_debtor_number, stored.version) == ("10000", 2)
    assert (await stored_customer(second["id"])).datev_debtor_number is None
    assert await next_value(tenant.organization_id) == 10001


async def test_update_without_datev_input_allocates_nothing(tenant: Tenant) -> None:
    # given
    customer = await create_customer(tenant)
    await Organization.filter(id=tenant.organization_id).update(datev_enabled=True)
    # when
    payload = await update(tenant, customer["id"], companyName="Neu GmbH")
    # then
    assert payload["userErrors"] == []
    assert payload["customer"]["datev"] == {"debtorNumber": None}
    assert (await stored_customer(customer["id"])).datev_debtor_number is None
    assert await next_value(tenant.organization_id) == 10000


async def test_empty_datev_input_keeps_an_existing_debtor_number(datev_tenant: Tenant) -> None:
    # given
    customer = await create_customer(datev_tenant)
    # when
    payload = await update(datev_tenant, customer["id"], datev={})
    # then
    assert payload["userErrors"] == []
    assert payload["customer"]["datev"] == {"debtorNumber": "10000"}
    stored = await stored_customer(customer["id"])
    assert (stored.datev_debtor_number, stored.version) == ("10000", 1)
    assert await next_value(datev_tenant.organization_id) == 10001


async def test_update_allocation_from_an_exhausted_range_is_refused(tenant: Tenant) -> None:
    # given
    customer = await create_customer(tenant)
    await Organization.filter(id=tenant.organization_id).update(datev_enabled=True)
    await tenant.execute(RANGE_UPDATE, {"input": {"kind": "DATEV_DEBTOR", "nextValue": 70000}})
    # when
    payload = await update(tenant, customer["id"], datev={}, companyName="Neu GmbH")
    # then
    assert payload["customer"] is None
    assert errors_of(payload) == [(DEBTOR_FIELD, "NUMBER_RANGE_EXHAUSTED")]
    stored = await stored_customer(customer["id"])
    assert (stored.datev_debtor_number, stored.company_name, stored.version) == (
        None,
        "Muster GmbH",
        1,
    )
    assert await next_value(tenant.organization_id) == 70000


async def test_a_debtor_number_set_by_update_ahead_of_the_counter_is_skipped(
    datev_tenant: Tenant,
) -> None:
    # given
    customer = await create_customer(datev_tenant)
    # when
    await update(datev_tenant, customer["id"], datev={"debtorNumber": "10001"})
    other = await create_customer(datev_tenant)
    # then
    assert other["datev"] == {"debtorNumber": "10002"}
    assert await debtor_numbers(datev_tenant.organization_id) == ["10001", "10002"]
    assert await next_value(datev_tenant.organization_id) == 10003


# --- search ---------------------------------------------------------------------------------


async def test_search_finds_a_customer_by_its_debtor_number(datev_tenant: Tenant) -> None:
    # given
    await create_customer(datev_tenant, companyName="Alpha AG")
    wanted = await create_customer(datev_tenant, companyName="Bravo GmbH")
    await create_customer(datev_tenant, companyName="Charlie KG", datev={"debtorNumber": "20001"})
    # when
    data = await datev_tenant.execute(CUSTOMERS, {"filter": {"search": "10001"}})
    # then
    connection = data["customers"]
    assert connection["totalCount"] == 1
    assert [edge["node"] for edge in connection["edges"]] == [
        {"id": wanted["id"], "customerNumber": "K00002", "datev": {"debtorNumber": "10001"}}
    ]
    assert (await stored_customer(wanted["id"])).datev_debtor_number == "10001"
