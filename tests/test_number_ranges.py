"""Nummernkreise: numberRanges, numberRangeUpdate and how customer numbers are allocated."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest

from models import Customer, NumberRange
from models.enums import NumberRangeKind
from schema.node import decode_id
from tests.client import Api, Tenant
from tests.helpers import customer_create, errors_of

NUMBER_RANGES = """
query NumberRanges {
  numberRanges { kind format padding nextValue nextNumber minValue maxValue }
}
"""

RANGE_UPDATE = """
mutation RangeUpdate($input: NumberRangeUpdateInput!) {
  numberRangeUpdate(input: $input) {
    numberRange { kind format padding nextValue nextNumber minValue maxValue }
    userErrors { field code message }
  }
}
"""

CREATE = """
mutation Create($input: CustomerCreateInput!) {
  customerCreate(input: $input) {
    customer { id customerNumber }
    userErrors { field code message }
  }
}
"""

UPDATE = """
mutation Update($input: CustomerUpdateInput!) {
  customerUpdate(input: $input) {
    customer { id customerNumber }
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

COMPANY: dict[str, Any] = {"type": "COMPANY", "companyName": "Muster GmbH"}


# --- helpers -------------------------------------------------------------------------------


def today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


async def create(tenant: Tenant, **fields: Any) -> dict[str, Any]:
    return await customer_create(tenant, CREATE, **COMPANY | fields)


async def create_number(tenant: Tenant, **fields: Any) -> str:
    """Create a customer that must be accepted; its customer number."""
    payload = await create(tenant, **fields)
    assert payload["userErrors"] == []
    number: str = payload["customer"]["customerNumber"]
    return number


async def update_customer(tenant: Tenant, customer_id: str, **fields: Any) -> dict[str, Any]:
    data = await tenant.execute(UPDATE, {"input": {"id": customer_id, **fields}})
    payload: dict[str, Any] = data["customerUpdate"]
    return payload


async def update_range(tenant: Tenant, kind: str, **fields: Any) -> dict[str, Any]:
    data = await tenant.execute(RANGE_UPDATE, {"input": {"kind": kind, **fields}})
    payload: dict[str, Any] = data["numberRangeUpdate"]
    return payload


async def stored_range(
    organization_id: uuid.UUID, kind: NumberRangeKind = NumberRangeKind.CUSTOMER
) -> tuple[str, int, int]:
    """(format, padding, next_value) as stored."""
    row = await NumberRange.get(organization_id=organization_id, kind=kind)
    return row.format, row.padding, row.next_value


async def stored_numbers(organization_id: uuid.UUID) -> list[str]:
    rows = await Customer.filter(organization_id=organization_id).order_by("customer_number")
    return [row.customer_number for row in rows]


# --- numberRanges ----------------------------------------------------------------------------


async def test_both_ranges_are_listed_with_their_defaults(tenant: Tenant) -> None:
    # given: a fresh organization
    # when
    data = await tenant.execute(NUMBER_RANGES)
    # then
    assert data["numberRanges"] == [
        {
            "kind": "CUSTOMER",
            "format": "K{number}",
            "padding": 5,
            "nextValue": 1,
            "nextNumber": "K00001",
            "minValue": 1,
            "maxValue": None,
        },
        {
            "kind": "DATEV_DEBTOR",
            "format": "{number}",
            "padding": 0,
            "nextValue": 10000,
            "nextNumber": "10000",
            "minValue": 10000,
            "maxValue": 69999,
        },
    ]
    assert await stored_range(tenant.organization_id) == ("K{number}", 5, 1)
    assert await stored_range(tenant.organization_id, NumberRangeKind.DATEV_DEBTOR) == (
        "{number}",
        0,
        10000,
    )


async def test_the_listing_follows_allocations(tenant: Tenant) -> None:
    # given
    await create_number(tenant)
    await create_number(tenant)
    # when
    data = await tenant.execute(NUMBER_RANGES)
    # then
    customer_range = data["numberRanges"][0]
    assert (customer_range["nextValue"], customer_range["nextNumber"]) == (3, "K00003")
    assert await stored_range(tenant.organization_id) == ("K{number}", 5, 3)


async def test_first_customer_gets_the_default_number(tenant: Tenant) -> None:
    # when
    number = await create_number(tenant)
    # then
    assert number == "K00001"
    assert await stored_numbers(tenant.organization_id) == ["K00001"]
    assert await stored_range(tenant.organization_id) == ("K{number}", 5, 2)


# --- numberRangeUpdate: format and padding --------------------------------------------------


def _date_parts() -> dict[str, str]:
    day = today()
    return {
        "year": f"{day.year % 100:02d}",
        "yearLong": f"{day.year:04d}",
        "month": f"{day.month:02d}",
        "day": f"{day.day:02d}",
    }


@pytest.mark.parametrize(
    ("template", "padding", "expected"),
    [
        pytest.param("KD-{yearLong}-{number}", 3, "KD-{yearLong}-{n}", id="year-long"),
        pytest.param("{year}{month}{day}/{number}", 2, "{year}{month}{day}/{n}", id="date"),
        pytest.param("{number}", 0, "{n}", id="bare-number"),
        pytest.param("K-{number}-{month}", 20, "K-{n}-{month}", id="padding-20"),
    ],
)
async def test_new_format_and_padding_apply_to_the_next_customers(
    tenant: Tenant, template: str, padding: int, expected: str
) -> None:
    # given
    parts = _date_parts()
    first = expected.format(n="1".zfill(padding), **parts)
    second = expected.format(n="2".zfill(padding), **parts)
    # when
    payload = await update_range(tenant, "CUSTOMER", format=template, padding=padding)
    numbers = [await create_number(tenant), await create_number(tenant)]
    # then
    assert payload["userErrors"] == []
    assert payload["numberRange"] == {
        "kind": "CUSTOMER",
        "format": template,
        "padding": padding,
        "nextValue": 1,
        "nextNumber": first,
        "minValue": 1,
        "maxValue": None,
    }
    assert numbers == [first, second]
    assert sorted(await stored_numbers(tenant.organization_id)) == sorted([first, second])
    assert await stored_range(tenant.organization_id) == (template, padding, 3)


async def test_only_the_given_fields_change(tenant: Tenant) -> None:
    # given
    await create_number(tenant)
    # when
    payload = await update_range(tenant, "CUSTOMER", padding=2)
    # then
    assert payload["userErrors"] == []
    assert payload["numberRange"]["nextNumber"] == "K02"
    assert await stored_range(tenant.organization_id) == ("K{number}", 2, 2)
    assert await create_number(tenant) == "K02"


@pytest.mark.parametrize(
    "template",
    [
        pytest.param("K", id="no-number"),
        pytest.param("", id="empty"),
        pytest.param("{number}-{number}", id="number-twice"),
        pytest.param("K{customer}{number}", id="unknown-placeholder"),
        pytest.param("K{Number}", id="placeholder-case"),
        pytest.param("{}{number}", id="positional-placeholder"),
        pytest.param("K{number", id="unclosed-brace"),
        pytest.param("K}{number}", id="single-closing-brace"),
        pytest.param("K{{number}}", id="escaped-braces-only"),
        pytest.param("{number:05d}", id="format-spec"),
        pytest.param("{number!r}", id="conversion"),
        pytest.param("{number.real}", id="attribute"),
        pytest.param("K" * 60 + "{number}", id="too-long"),
    ],
)
async def test_bad_formats_are_refused(tenant: Tenant, template: str) -> None:
    # when
    payload = await update_range(tenant, "CUSTOMER", format=template)
    # then
    assert payload["numberRange"] is None
    assert errors_of(payload) == [(["input", "format"], "INVALID")]
    assert await stored_range(tenant.organization_id) == ("K{number}", 5, 1)
    assert await create_number(tenant) == "K00001"


@pytest.mark.parametrize("padding", [-1, 21, 1000])
async def test_padding_outside_0_to_20_is_out_of_range(tenant: Tenant, padding: int) -> None:
    # when
    payload = await update_range(tenant, "CUSTOMER", padding=padding)
    # then
    assert payload["numberRange"] is None
    assert errors_of(payload) == [(["input", "padding"], "OUT_OF_RANGE")]
    assert await stored_range(tenant.organization_id) == ("K{number}", 5, 1)


async def test_bad_format_and_bad_padding_are_reported_together(tenant: Tenant) -> None:
    # when
    payload = await update_range(tenant, "CUSTOMER", format="K", padding=21, nextValue=7)
    # then
    assert errors_of(payload) == [
        (["input", "format"], "INVALID"),
        (["input", "padding"], "OUT_OF_RANGE"),
    ]
    assert await stored_range(tenant.organization_id) == ("K{number}", 5, 1)


# --- numberRangeUpdate: next value ----------------------------------------------------------


async def test_next_value_moved_forward_is_the_next_customer_number(tenant: Tenant) -> None:
    # given
    await create_number(tenant)
    # when
    payload = await update_range(tenant, "CUSTOMER", nextValue=100)
    number = await create_number(tenant)
    # then
    assert payload["userErrors"] == []
    assert (payload["numberRange"]["nextValue"], payload["numberRange"]["nextNumber"]) == (
        100,
        "K00100",
    )
    assert number == "K00100"
    assert await stored_numbers(tenant.organization_id) == ["K00001", "K00100"]
    assert await stored_range(tenant.organization_id) == ("K{number}", 5, 101)


async def test_next_value_set_to_the_current_value_is_accepted(tenant: Tenant) -> None:
    # given
    await create_number(tenant)
    # when
    payload = await update_range(tenant, "CUSTOMER", nextValue=2, format="C{number}")
    # then
    assert payload["userErrors"] == []
    assert payload["numberRange"]["nextNumber"] == "C00002"
    assert await stored_range(tenant.organization_id) == ("C{number}", 5, 2)


@pytest.mark.parametrize("next_value", [1, 2, 0, -5])
async def test_next_value_cannot_move_backwards(tenant: Tenant, next_value: int) -> None:
    # given: K00001 and K00002 issued, the counter at 3
    await create_number(tenant)
    await create_number(tenant)
    # when
    payload = await update_range(tenant, "CUSTOMER", nextValue=next_value, format="C{number}")
    # then: nothing changes, not even the valid format
    assert payload["numberRange"] is None
    assert errors_of(payload) == [(["input", "nextValue"], "OUT_OF_RANGE")]
    assert await stored_range(tenant.organization_id) == ("K{number}", 5, 3)
    assert await create_number(tenant) == "K00003"


async def test_next_value_cannot_move_back_after_being_moved_forward(tenant: Tenant) -> None:
    # given
    assert (await update_range(tenant, "CUSTOMER", nextValue=50))["userErrors"] == []
    # when
    payload = await update_range(tenant, "CUSTOMER", nextValue=49)
    # then
    assert errors_of(payload) == [(["input", "nextValue"], "OUT_OF_RANGE")]
    assert await stored_range(tenant.organization_id) == ("K{number}", 5, 50)


@pytest.mark.parametrize("field", ["format", "padding", "nextValue"])
async def test_a_setting_cannot_be_cleared(tenant: Tenant, field: str) -> None:
    # when
    payload = await update_range(tenant, "CUSTOMER", **{field: None})
    # then
    assert errors_of(payload) == [(["input", field], "REQUIRED")]
    assert await stored_range(tenant.organization_id) == ("K{number}", 5, 1)


# --- numberRangeUpdate: permissions, DATEV, tenants -----------------------------------------


async def test_read_key_may_not_change_a_range(
    api: Api, tenant: Tenant, read_only_key: str
) -> None:
    # when
    response = await api.execute(
        RANGE_UPDATE, {"input": {"kind": "CUSTOMER", "nextValue": 10}}, key=read_only_key
    )
    # then
    payload = response["numberRangeUpdate"]
    assert payload["numberRange"] is None
    assert [error["code"] for error in payload["userErrors"]] == ["FORBIDDEN"]
    assert await stored_range(tenant.organization_id) == ("K{number}", 5, 1)


async def test_read_key_may_list_the_ranges(api: Api, tenant: Tenant, read_only_key: str) -> None:
    # given
    await update_range(tenant, "CUSTOMER", nextValue=7)
    # when
    data = await api.execute(NUMBER_RANGES, key=read_only_key)
    # then
    assert [(r["kind"], r["nextValue"]) for r in data["numberRanges"]] == [
        ("CUSTOMER", 7),
        ("DATEV_DEBTOR", 10000),
    ]
    assert await stored_range(tenant.organization_id) == ("K{number}", 5, 7)


async def test_datev_range_cannot_be_changed_without_the_addon(tenant: Tenant) -> None:
    # when
    payload = await update_range(tenant, "DATEV_DEBTOR", nextValue=20000)
    # then
    assert payload["numberRange"] is None
    assert errors_of(payload) == [(["input", "kind"], "ADDON_NOT_ENABLED")]
    assert await stored_range(tenant.organization_id, NumberRangeKind.DATEV_DEBTOR) == (
        "{number}",
        0,
        10000,
    )


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"format": "D{number}"}, id="prefix"),
        pytest.param({"format": "{yearLong}{number}"}, id="date"),
        pytest.param({"format": "{number}", "padding": 6}, id="padding"),
    ],
)
async def test_datev_range_stays_plain_digits(
    datev_tenant: Tenant, changes: dict[str, Any]
) -> None:
    # when
    payload = await update_range(datev_tenant, "DATEV_DEBTOR", **changes)
    # then
    assert payload["numberRange"] is None
    field = "padding" if "padding" in changes else "format"
    assert errors_of(payload) == [(["input", field], "INVALID")]
    assert await stored_range(datev_tenant.organization_id, NumberRangeKind.DATEV_DEBTOR) == (
        "{number}",
        0,
        10000,
    )


async def test_datev_next_value_moves_forward_within_its_bounds(datev_tenant: Tenant) -> None:
    # when
    payload = await update_range(datev_tenant, "DATEV_DEBTOR", nextValue=20000)
    data = await datev_tenant.execute(CREATE, {"input": COMPANY | {"datev": {}}})
    # then
    assert payload["userErrors"] == []
    assert payload["numberRange"] == {
        "kind": "DATEV_DEBTOR",
        "format": "{number}",
        "padding": 0,
        "nextValue": 20000,
        "nextNumber": "20000",
        "minValue": 10000,
        "maxValue": 69999,
    }
    stored = await Customer.get(organization_id=datev_tenant.organization_id)
    assert stored.id == decode_id(data["customerCreate"]["customer"]["id"], "Customer")
    assert stored.datev_debtor_number == "20000"
    assert await stored_range(datev_tenant.organization_id, NumberRangeKind.DATEV_DEBTOR) == (
        "{number}",
        0,
        20001,
    )


@pytest.mark.parametrize("next_value", [70001, 100000])
async def test_datev_next_value_past_the_end_is_out_of_range(
    datev_tenant: Tenant, next_value: int
) -> None:
    # when
    payload = await update_range(datev_tenant, "DATEV_DEBTOR", nextValue=next_value)
    # then
    assert errors_of(payload) == [(["input", "nextValue"], "OUT_OF_RANGE")]
    assert await stored_range(datev_tenant.organization_id, NumberRangeKind.DATEV_DEBTOR) == (
        "{number}",
        0,
        10000,
    )


async def test_changing_one_organizations_range_leaves_the_others(
    tenant: Tenant, other_tenant: Tenant
) -> None:
    # given
    await create_number(other_tenant)
    # when
    payload = await update_range(tenant, "CUSTOMER", format="X-{number}", padding=2, nextValue=40)
    # then
    assert payload["userErrors"] == []
    assert await create_number(tenant) == "X-40"
    assert await create_number(other_tenant) == "K00002"
    assert await stored_range(tenant.organization_id) == ("X-{number}", 2, 41)
    assert await stored_range(other_tenant.organization_id) == ("K{number}", 5, 3)
    other = (await other_tenant.execute(NUMBER_RANGES))["numberRanges"][0]
    assert (other["format"], other["nextNumber"]) == ("K{number}", "K00003")


# --- allocation: transactions ---------------------------------------------------------------


async def test_a_refused_create_uses_up_no_number(tenant: Tenant) -> None:
    # when
    automatic = await create(tenant, email="not-an-email")
    manual = await create(tenant, email="not-an-email", customerNumber="K00005")
    # then
    assert errors_of(automatic) == [(["input", "email"], "INVALID")]
    assert errors_of(manual) == [(["input", "email"], "INVALID")]
    assert await stored_numbers(tenant.organization_id) == []
    assert await stored_range(tenant.organization_id) == ("K{number}", 5, 1)
    assert await create_number(tenant) == "K00001"


# --- manual numbers -------------------------------------------------------------------------


async def test_a_number_in_use_is_taken(tenant: Tenant) -> None:
    # given
    await create_number(tenant)
    # when
    payload = await create(tenant, customerNumber="K00001")
    # then
    assert payload["customer"] is None
    assert errors_of(payload) == [(["input", "customerNumber"], "TAKEN")]
    assert await stored_numbers(tenant.organization_id) == ["K00001"]
    assert await stored_range(tenant.organization_id) == ("K{number}", 5, 2)


async def test_a_number_of_another_organization_is_free(
    tenant: Tenant, other_tenant: Tenant
) -> None:
    # given
    await create_number(other_tenant)
    # when
    number = await create_number(tenant, customerNumber="K00001")
    # then
    assert number == "K00001"
    assert await stored_numbers(tenant.organization_id) == ["K00001"]
    assert await stored_range(tenant.organization_id) == ("K{number}", 5, 2)


async def test_a_manual_number_ahead_of_the_counter_is_never_allocated(tenant: Tenant) -> None:
    # when
    manual = await create_number(tenant, customerNumber="K00005")
    counter_after_manual = (await stored_range(tenant.organization_id))[2]
    automatic = [await create_number(tenant), await create_number(tenant)]
    # then
    assert manual == "K00005"
    assert counter_after_manual == 6
    assert automatic == ["K00006", "K00007"]
    assert await stored_numbers(tenant.organization_id) == ["K00005", "K00006", "K00007"]
    assert await stored_range(tenant.organization_id) == ("K{number}", 5, 8)


async def test_a_manual_number_under_a_date_format_moves_the_counter(tenant: Tenant) -> None:
    # given
    await update_range(tenant, "CUSTOMER", format="KD-{yearLong}-{number}", padding=3)
    # when
    manual = await create_number(tenant, customerNumber="KD-1999-007")
    automatic = await create_number(tenant)
    # then
    assert manual == "KD-1999-007"
    assert automatic == f"KD-{today().year:04d}-008"
    assert await stored_range(tenant.organization_id) == ("KD-{yearLong}-{number}", 3, 9)


async def test_a_manual_number_behind_the_counter_leaves_it(tenant: Tenant) -> None:
    # given: counter moved to 10, K00003 never issued
    await update_range(tenant, "CUSTOMER", nextValue=10)
    # when
    manual = await create_number(tenant, customerNumber="K00003")
    automatic = await create_number(tenant)
    # then
    assert (manual, automatic) == ("K00003", "K00010")
    assert await stored_range(tenant.organization_id) == ("K{number}", 5, 11)


@pytest.mark.parametrize(
    "number",
    [
        pytest.param("K5", id="unpadded"),
        pytest.param("K000009", id="over-padded"),
        pytest.param("X00009", id="other-prefix"),
        pytest.param("K00009-A", id="suffix"),
        pytest.param("Kunde 9", id="text"),
    ],
)
async def test_a_manual_number_not_in_the_format_leaves_the_counter(
    tenant: Tenant, number: str
) -> None:
    # when
    manual = await create_number(tenant, customerNumber=number)
    automatic = await create_number(tenant)
    # then
    assert manual == number
    assert automatic == "K00001"
    assert await stored_range(tenant.organization_id) == ("K{number}", 5, 2)
    assert sorted(await stored_numbers(tenant.organization_id)) == sorted([number, "K00001"])


async def test_a_number_in_use_under_an_older_format_is_skipped(tenant: Tenant) -> None:
    # given: N-002 entered by hand while the format was K{number}, then the format changes
    await create_number(tenant, customerNumber="N-002")
    assert await stored_range(tenant.organization_id) == ("K{number}", 5, 1)
    assert (await update_range(tenant, "CUSTOMER", format="N-{number}", padding=3))[
        "userErrors"
    ] == []
    # when
    numbers = [await create_number(tenant), await create_number(tenant)]
    # then
    assert numbers == ["N-001", "N-003"]
    assert await stored_numbers(tenant.organization_id) == ["N-001", "N-002", "N-003"]
    assert await stored_range(tenant.organization_id) == ("N-{number}", 3, 4)


# --- manual numbers through customerUpdate --------------------------------------------------


async def test_update_to_a_number_in_use_is_taken(tenant: Tenant) -> None:
    # given
    await create_number(tenant)
    second = (await create(tenant))["customer"]["id"]
    # when
    payload = await update_customer(tenant, second, customerNumber="K00001")
    # then
    assert errors_of(payload) == [(["input", "customerNumber"], "TAKEN")]
    assert await stored_numbers(tenant.organization_id) == ["K00001", "K00002"]
    assert await stored_range(tenant.organization_id) == ("K{number}", 5, 3)


async def test_update_to_a_number_ahead_of_the_counter_moves_it(tenant: Tenant) -> None:
    # given
    customer_id = (await create(tenant))["customer"]["id"]
    # when
    payload = await update_customer(tenant, customer_id, customerNumber="K00005")
    automatic = await create_number(tenant)
    # then
    assert payload["userErrors"] == []
    assert payload["customer"]["customerNumber"] == "K00005"
    assert automatic == "K00006"
    assert await stored_numbers(tenant.organization_id) == ["K00005", "K00006"]
    assert await stored_range(tenant.organization_id) == ("K{number}", 5, 7)


async def test_update_to_a_number_outside_the_format_leaves_the_counter(tenant: Tenant) -> None:
    # given
    customer_id = (await create(tenant))["customer"]["id"]
    # when
    payload = await update_customer(tenant, customer_id, customerNumber="K9")
    automatic = await create_number(tenant)
    # then
    assert payload["userErrors"] == []
    assert automatic == "K00002"
    assert await stored_numbers(tenant.organization_id) == ["K00002", "K9"]
    assert await stored_range(tenant.organization_id) == ("K{number}", 5, 3)


async def test_a_number_set_by_update_under_an_older_format_is_skipped(tenant: Tenant) -> None:
    # given: K00001 renumbered by hand to N-002 (not in the format K{number}: counter stays 2)
    customer_id = (await create(tenant))["customer"]["id"]
    assert (await update_customer(tenant, customer_id, customerNumber="N-002"))["userErrors"] == []
    assert await stored_range(tenant.organization_id) == ("K{number}", 5, 2)
    await update_range(tenant, "CUSTOMER", format="N-{number}", padding=3)
    # when
    number = await create_number(tenant)
    # then
    assert number == "N-003"
    assert await stored_numbers(tenant.organization_id) == ["N-002", "N-003"]
    assert await stored_range(tenant.organization_id) == ("N-{number}", 3, 4)


# --- numbers are never issued twice ---------------------------------------------------------


async def test_the_number_of_a_deleted_customer_is_not_issued_again(tenant: Tenant) -> None:
    # given
    customer_id = (await create(tenant))["customer"]["id"]
    deleted = (await tenant.execute(DELETE, {"input": {"id": customer_id}}))["customerDelete"]
    assert deleted["userErrors"] == []
    # when
    number = await create_number(tenant)
    # then
    assert number == "K00002"
    assert await stored_numbers(tenant.organization_id) == ["K00002"]
    assert await stored_range(tenant.organization_id) == ("K{number}", 5, 3)


async def test_the_number_of_a_renumbered_customer_is_not_issued_again(tenant: Tenant) -> None:
    # given: K00001 is issued, then its customer gets another number
    customer_id = (await create(tenant))["customer"]["id"]
    assert (await update_customer(tenant, customer_id, customerNumber="A-1"))["userErrors"] == []
    # when
    number = await create_number(tenant)
    # then
    assert number == "K00002"
    assert await stored_numbers(tenant.organization_id) == ["A-1", "K00002"]


# --- numbers the counter can never reach ----------------------------------------------------

# Matches K{number} with padding 5, but its value is beyond what the counter (a 64-bit
# integer) can hold: a valid customer number all the same.
HUGE_NUMBER = "K" + "9" * 25


async def test_a_manual_number_beyond_the_counter_capacity_is_accepted(tenant: Tenant) -> None:
    # when
    response = await tenant.api.post(
        CREATE, {"input": {**COMPANY, "customerNumber": HUGE_NUMBER}}, key=tenant.key
    )
    # then
    assert response.status_code == 200
    body = response.json()
    assert "errors" not in body, body["errors"]
    payload = body["data"]["customerCreate"]
    assert payload["userErrors"] == []
    assert payload["customer"]["customerNumber"] == HUGE_NUMBER
    assert await stored_numbers(tenant.organization_id) == [HUGE_NUMBER]
    assert await stored_range(tenant.organization_id) == ("K{number}", 5, 1)


async def test_an_update_to_a_number_beyond_the_counter_capacity_is_accepted(
    tenant: Tenant,
) -> None:
    # given
    customer_id = (await create(tenant))["customer"]["id"]
    # when
    response = await tenant.api.post(
        UPDATE, {"input": {"id": customer_id, "customerNumber": HUGE_NUMBER}}, key=tenant.key
    )
    # then
    assert response.status_code == 200
    body = response.json()
    assert "errors" not in body, body["errors"]
    payload = body["data"]["customerUpdate"]
    assert payload["userErrors"] == []
    assert payload["customer"]["customerNumber"] == HUGE_NUMBER
    assert await stored_numbers(tenant.organization_id) == [HUGE_NUMBER]
    assert await stored_range(tenant.organization_id) == ("K{number}", 5, 2)


async def test_ranges_stay_readable_after_a_manual_number_past_the_api_integer(
    tenant: Tenant,
) -> None:
    # given: a number the counter could only reach beyond GraphQL's 32-bit Int
    created = await create(tenant, customerNumber="K99999999999")
    # when
    data = await tenant.execute(NUMBER_RANGES)
    # then: the counter did not jump there, so nextValue still fits
    assert created["userErrors"] == []
    customer_range = next(r for r in data["numberRanges"] if r["kind"] == "CUSTOMER")
    assert customer_range["nextValue"] == 1
    assert await stored_range(tenant.organization_id) == ("K{number}", 5, 1)


async def test_a_range_at_the_api_integer_limit_is_exhausted_not_broken(tenant: Tenant) -> None:
    # given
    updated = await tenant.execute(
        RANGE_UPDATE, {"input": {"kind": "CUSTOMER", "nextValue": 2**31 - 1}}
    )
    # when
    payload = await create(tenant)
    data = await tenant.execute(NUMBER_RANGES)
    # then
    assert updated["numberRangeUpdate"]["userErrors"] == []
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [
        (["input", "customerNumber"], "NUMBER_RANGE_EXHAUSTED")
    ]
    customer_range = next(r for r in data["numberRanges"] if r["kind"] == "CUSTOMER")
    assert customer_range["nextValue"] == 2**31 - 1
    assert await stored_numbers(tenant.organization_id) == []
