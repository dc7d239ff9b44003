"""customers: the overview connection (keyset paging, limits, filter, sort, totalCount)."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from models import Address, Customer
from models.enums import AddressType, CustomerStatus, CustomerType
from schema.node import decode_id, encode_id
from tests.client import Api, Tenant
from tests.helpers import create_customer

CREATE = """
mutation Create($input: CustomerCreateInput!) {
  customerCreate(input: $input) {
    customer { id customerNumber displayName }
    userErrors { field code message }
  }
}
"""

ARCHIVE = """
mutation Archive($input: CustomerIdInput!) {
  customerArchive(input: $input) {
    customer { id status }
    userErrors { field code message }
  }
}
"""

CUSTOMERS = """
query Customers(
  $first: Int, $after: String, $last: Int, $before: String,
  $filter: CustomerFilter, $sort: CustomerSort
) {
  customers(
    first: $first, after: $after, last: $last, before: $before, filter: $filter, sort: $sort
  ) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { id customerNumber displayName status type } }
  }
}
"""

CUSTOMERS_WITHOUT_COUNT = """
query Customers($first: Int, $after: String) {
  customers(first: $first, after: $after) {
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { id } }
  }
}
"""

# Names whose order is the same in every collation: uppercase ASCII initials, no spaces
# at the points where two names differ. Two customers share a name (ties break by id).
COMPANY_NAMES = [
    "Delta GmbH",
    "Alpha AG",
    "Foxtrot KG",
    "Bravo GmbH",
    "Echo OHG",
    "Bravo GmbH",
    "Charlie UG",
]


async def create_companies(tenant: Tenant, names: list[str]) -> list[dict[str, Any]]:
    return [
        await create_customer(tenant, CREATE, type="COMPANY", companyName=name) for name in names
    ]


async def archive(tenant: Tenant, customer_id: str) -> None:
    data = await tenant.execute(ARCHIVE, {"input": {"id": customer_id}})
    assert data["customerArchive"]["userErrors"] == []


async def list_customers(tenant: Tenant, **variables: Any) -> dict[str, Any]:
    data = await tenant.execute(CUSTOMERS, variables)
    connection: dict[str, Any] = data["customers"]
    return connection


def ids(connection: dict[str, Any]) -> list[str]:
    return [edge["node"]["id"] for edge in connection["edges"]]


async def stored_ids(tenant: Tenant, *order: str, **filters: Any) -> list[str]:
    """Global ids of the tenant's stored customers, read with the models."""
    rows = await Customer.filter(organization_id=tenant.organization_id, **filters).order_by(
        *order or ("created_at", "id")
    )
    return [encode_id("Customer", row.id) for row in rows]


async def top_level_error(api: Api, tenant: Tenant, variables: dict[str, Any]) -> dict[str, Any]:
    response = await api.post(CUSTOMERS, variables, key=tenant.key)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert body["data"] is None
    assert len(body["errors"]) == 1
    error: dict[str, Any] = body["errors"][0]
    return error


def cursor_of(value: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode()


async def test_without_arguments_lists_active_customers_oldest_first(tenant: Tenant) -> None:
    # given
    created = await create_companies(tenant, ["Alpha AG", "Bravo GmbH", "Charlie UG"])
    await archive(tenant, created[1]["id"])
    # when
    connection = await list_customers(tenant)
    # then
    assert ids(connection) == [created[0]["id"], created[2]["id"]]
    assert connection["totalCount"] == 2
    assert [edge["node"]["status"] for edge in connection["edges"]] == ["ACTIVE", "ACTIVE"]
    page_info = connection["pageInfo"]
    assert page_info["hasNextPage"] is False
    assert page_info["hasPreviousPage"] is False
    assert page_info["startCursor"] == connection["edges"][0]["cursor"]
    assert page_info["endCursor"] == connection["edges"][-1]["cursor"]
    assert ids(connection) == await stored_ids(tenant, status=CustomerStatus.ACTIVE)
    assert await Customer.filter(organization_id=tenant.organization_id).count() == 3


async def test_an_empty_overview_has_no_cursors(tenant: Tenant) -> None:
    # given: no customers
    # when
    connection = await list_customers(tenant, first=10)
    # then
    assert connection["edges"] == []
    assert connection["totalCount"] == 0
    assert connection["pageInfo"] == {
        "hasNextPage": False,
        "hasPreviousPage": False,
        "startCursor": None,
        "endCursor": None,
    }
    assert await Customer.filter(organization_id=tenant.organization_id).count() == 0


async def test_default_page_size_is_50(tenant: Tenant) -> None:
    # given
    created = await create_companies(tenant, [f"Firma {n:02d}" for n in range(51)])
    # when
    connection = await list_customers(tenant)
    # then
    assert ids(connection) == [customer["id"] for customer in created[:50]]
    assert connection["pageInfo"]["hasNextPage"] is True
    assert connection["pageInfo"]["hasPreviousPage"] is False
    assert connection["totalCount"] == 51
    assert await Customer.filter(organization_id=tenant.organization_id).count() == 51


async def test_total_count_counts_all_matching_customers_not_the_page(tenant: Tenant) -> None:
    # given
    await create_companies(tenant, ["Alpha AG", "Bravo GmbH", "Charlie UG", "Delta GmbH"])
    await create_customer(tenant, CREATE, type="PERSON", firstName="Erika", lastName="Mustermann")
    # when
    everyone = await list_customers(tenant, first=2)
    companies = await list_customers(tenant, first=1, filter={"type": "COMPANY"})
    # then
    assert len(everyone["edges"]) == 2
    assert everyone["totalCount"] == 5
    assert len(companies["edges"]) == 1
    assert companies["totalCount"] == 4
    assert (
        await Customer.filter(
            organization_id=tenant.organization_id, type=CustomerType.COMPANY
        ).count()
        == 4
    )


async def test_first_100_is_allowed(tenant: Tenant) -> None:
    # given
    created = await create_companies(tenant, ["Alpha AG", "Bravo GmbH"])
    # when
    connection = await list_customers(tenant, first=100)
    # then
    assert ids(connection) == [customer["id"] for customer in created]
    assert connection["pageInfo"]["hasNextPage"] is False
    assert ids(connection) == await stored_ids(tenant)


@pytest.mark.parametrize(
    "variables",
    [
        pytest.param({"first": 101}, id="first-101"),
        pytest.param({"last": 101}, id="last-101"),
        pytest.param({"first": -1}, id="first-negative"),
        pytest.param({"first": 0}, id="first-0"),
        pytest.param({"last": 0}, id="last-0"),
        pytest.param({"last": -1}, id="last-negative"),
        pytest.param({"first": 2, "last": 2}, id="first-and-last"),
    ],
)
async def test_invalid_page_size_is_a_bad_user_input_error(
    api: Api, tenant: Tenant, variables: dict[str, Any]
) -> None:
    # given
    await create_companies(tenant, ["Alpha AG"])
    # when
    error = await top_level_error(api, tenant, variables)
    # then
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["path"] == ["customers"]
    assert "Internal server error" not in error["message"]
    assert await Customer.filter(organization_id=tenant.organization_id).count() == 1


@pytest.mark.parametrize(
    "variables",
    [
        pytest.param({"after": "garbage"}, id="not-base64"),
        pytest.param({"after": "!!!"}, id="punctuation"),
        pytest.param({"after": cursor_of({"a": 1})}, id="json-object"),
        pytest.param({"after": cursor_of(42)}, id="json-number"),
        pytest.param({"after": cursor_of(["2024-01-01T00:00:00+00:00"])}, id="no-id"),
        pytest.param({"after": cursor_of(["not a date", "x"])}, id="bad-date-and-id"),
        pytest.param({"after": cursor_of(["x", 5])}, id="number-as-id"),
        pytest.param(
            {"after": cursor_of(["Alpha AG", "5b1f5f3c-7d4e-4f3a-9a51-1f1e3b2c4d5e"])},
            id="name-for-created-at",
        ),
        pytest.param(
            {
                "after": cursor_of([17, "5b1f5f3c-7d4e-4f3a-9a51-1f1e3b2c4d5e"]),
                "sort": {"field": "DISPLAY_NAME"},
            },
            id="number-for-display-name",
        ),
        pytest.param(
            {"last": 2, "before": base64.urlsafe_b64encode(b"\xff\xfe\xfd").decode()},
            id="before-not-utf8",
        ),
    ],
)
async def test_invalid_cursor_is_a_bad_user_input_error(
    api: Api, tenant: Tenant, variables: dict[str, Any]
) -> None:
    # given
    await create_companies(tenant, ["Alpha AG", "Bravo GmbH"])
    # when
    error = await top_level_error(api, tenant, variables)
    # then
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["path"] == ["customers"]
    assert await Customer.filter(organization_id=tenant.organization_id).count() == 2


async def expected_order(tenant: Tenant, field: str, direction: str) -> list[str]:
    """Every active customer of the tenant in the requested order (ties by id)."""
    column = {
        "CREATED_AT": "created_at",
        "CUSTOMER_NUMBER": "customer_number",
        "DISPLAY_NAME": "display_name",
    }[field]
    sign = "-" if direction == "DESC" else ""
    return await stored_ids(tenant, f"{sign}{column}", f"{sign}id", status=CustomerStatus.ACTIVE)


def page_sizes(total: int, size: int) -> list[int]:
    """Edges per page when walking `total` customers `size` at a time from one end."""
    return [min(size, total - start) for start in range(0, total, size)]


SORTS = [
    pytest.param(field, direction, id=f"{field}-{direction}")
    for field in ("CREATED_AT", "CUSTOMER_NUMBER", "DISPLAY_NAME")
    for direction in ("ASC", "DESC")
]


@pytest.mark.parametrize(("field", "direction"), SORTS)
@pytest.mark.parametrize("size", [3, 4])
async def test_paging_forward_visits_every_customer_once_in_order(
    tenant: Tenant, field: str, direction: str, size: int
) -> None:
    # given: customer numbers follow creation order, names do not
    created = await create_companies(tenant, COMPANY_NAMES)
    sort = {"field": field, "direction": direction}
    # when
    pages = [await list_customers(tenant, first=size, sort=sort)]
    while pages[-1]["pageInfo"]["hasNextPage"]:
        after = pages[-1]["pageInfo"]["endCursor"]
        pages.append(await list_customers(tenant, first=size, after=after, sort=sort))
    # then
    visited = [customer_id for page in pages for customer_id in ids(page)]
    assert sorted(visited) == sorted(customer["id"] for customer in created)
    assert visited == await expected_order(tenant, field, direction)
    by_id = {customer["id"]: customer for customer in created}
    keys = {
        "CREATED_AT": [created.index(by_id[customer_id]) for customer_id in visited],
        "CUSTOMER_NUMBER": [by_id[customer_id]["customerNumber"] for customer_id in visited],
        "DISPLAY_NAME": [by_id[customer_id]["displayName"] for customer_id in visited],
    }[field]
    assert keys == sorted(keys, reverse=direction == "DESC")
    assert [len(page["edges"]) for page in pages] == page_sizes(len(created), size)
    assert pages[0]["pageInfo"]["hasPreviousPage"] is False
    assert pages[-1]["pageInfo"]["hasPreviousPage"] is True
    assert pages[-1]["pageInfo"]["hasNextPage"] is False
    for page in pages:
        assert page["totalCount"] == len(created)
        assert page["pageInfo"]["startCursor"] == page["edges"][0]["cursor"]
        assert page["pageInfo"]["endCursor"] == page["edges"][-1]["cursor"]


@pytest.mark.parametrize(("field", "direction"), SORTS)
@pytest.mark.parametrize("size", [3, 4])
async def test_paging_backward_visits_every_customer_once_in_order(
    tenant: Tenant, field: str, direction: str, size: int
) -> None:
    # given
    created = await create_companies(tenant, COMPANY_NAMES)
    sort = {"field": field, "direction": direction}
    # when
    pages = [await list_customers(tenant, last=size, sort=sort)]
    while pages[-1]["pageInfo"]["hasPreviousPage"]:
        before = pages[-1]["pageInfo"]["startCursor"]
        pages.append(await list_customers(tenant, last=size, before=before, sort=sort))
    # then
    visited = [customer_id for page in reversed(pages) for customer_id in ids(page)]
    assert sorted(visited) == sorted(customer["id"] for customer in created)
    assert visited == await expected_order(tenant, field, direction)
    assert [len(page["edges"]) for page in pages] == page_sizes(len(created), size)
    assert pages[0]["pageInfo"]["hasNextPage"] is False
    assert pages[-1]["pageInfo"]["hasNextPage"] is True
    assert pages[-1]["pageInfo"]["hasPreviousPage"] is False
    for page in pages:
        assert page["pageInfo"]["startCursor"] == page["edges"][0]["cursor"]
        assert page["pageInfo"]["endCursor"] == page["edges"][-1]["cursor"]


async def test_a_page_ending_exactly_at_the_last_customer_has_no_next_page(
    tenant: Tenant,
) -> None:
    # given
    created = await create_companies(tenant, ["Alpha AG", "Bravo GmbH", "Charlie UG", "Delta"])
    # when
    first = await list_customers(tenant, first=2)
    second = await list_customers(tenant, first=2, after=first["pageInfo"]["endCursor"])
    beyond = await list_customers(tenant, first=2, after=second["pageInfo"]["endCursor"])
    # then
    assert ids(first) + ids(second) == [customer["id"] for customer in created]
    assert first["pageInfo"]["hasNextPage"] is True
    assert second["pageInfo"]["hasNextPage"] is False
    assert second["pageInfo"]["hasPreviousPage"] is True
    assert beyond["edges"] == []
    assert beyond["pageInfo"]["hasNextPage"] is False
    assert beyond["pageInfo"]["hasPreviousPage"] is True
    assert ids(first) + ids(second) == await stored_ids(tenant)


async def test_first_with_before_pages_within_the_range_before_the_cursor(
    tenant: Tenant,
) -> None:
    # given
    created = await create_companies(tenant, ["Alpha AG", "Bravo GmbH", "Charlie UG", "Delta"])
    everything = await list_customers(tenant)
    before = everything["edges"][3]["cursor"]
    # when
    connection = await list_customers(tenant, first=2, before=before)
    # then
    assert ids(connection) == [created[0]["id"], created[1]["id"]]
    assert connection["pageInfo"]["hasPreviousPage"] is False
    assert ids(everything) == await stored_ids(tenant)


async def test_archiving_the_cursor_customer_between_pages_skips_and_repeats_nothing(
    tenant: Tenant,
) -> None:
    # given
    created = await create_companies(tenant, ["Alpha AG", "Bravo GmbH", "Charlie UG", "Delta"])
    first = await list_customers(tenant, first=2)
    await archive(tenant, created[1]["id"])
    # when
    second = await list_customers(tenant, first=2, after=first["pageInfo"]["endCursor"])
    # then
    assert ids(first) == [created[0]["id"], created[1]["id"]]
    assert ids(second) == [created[2]["id"], created[3]["id"]]
    assert second["pageInfo"]["hasNextPage"] is False
    assert second["pageInfo"]["hasPreviousPage"] is True
    stored = await Customer.get(id=decode_id(created[1]["id"], "Customer"))
    assert stored.status is CustomerStatus.ARCHIVED


async def test_sort_direction_defaults_to_ascending(tenant: Tenant) -> None:
    # given
    await create_companies(tenant, ["Charlie UG", "Alpha AG", "Bravo GmbH"])
    # when
    connection = await list_customers(tenant, sort={"field": "DISPLAY_NAME"})
    # then
    names = [edge["node"]["displayName"] for edge in connection["edges"]]
    assert names == ["Alpha AG", "Bravo GmbH", "Charlie UG"]
    assert ids(connection) == await stored_ids(tenant, "display_name")


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        pytest.param(None, ["Alpha AG", "Charlie UG"], id="default-active"),
        pytest.param("ACTIVE", ["Alpha AG", "Charlie UG"], id="active"),
        pytest.param("ARCHIVED", ["Bravo GmbH"], id="archived"),
        pytest.param("ALL", ["Alpha AG", "Bravo GmbH", "Charlie UG"], id="all"),
    ],
)
async def test_status_filter(tenant: Tenant, status: str | None, expected: list[str]) -> None:
    # given
    created = await create_companies(tenant, ["Alpha AG", "Bravo GmbH", "Charlie UG"])
    await archive(tenant, created[1]["id"])
    # when
    connection = await list_customers(tenant, filter={"status": status})
    # then
    assert [edge["node"]["displayName"] for edge in connection["edges"]] == expected
    assert connection["totalCount"] == len(expected)
    statuses = {"ACTIVE": "ACTIVE", "ARCHIVED": "ARCHIVED", "ALL": None, None: "ACTIVE"}[status]
    if statuses is not None:
        assert {edge["node"]["status"] for edge in connection["edges"]} == {statuses}
    stored = await Customer.filter(organization_id=tenant.organization_id).order_by("created_at")
    assert [row.status for row in stored] == [
        CustomerStatus.ACTIVE,
        CustomerStatus.ARCHIVED,
        CustomerStatus.ACTIVE,
    ]


@pytest.mark.parametrize("customer_type", ["PERSON", "COMPANY"])
async def test_type_filter(tenant: Tenant, customer_type: str) -> None:
    # given
    company = await create_customer(tenant, CREATE, type="COMPANY", companyName="Alpha AG")
    person = await create_customer(
        tenant, CREATE, type="PERSON", firstName="Erika", lastName="Mustermann"
    )
    # when
    connection = await list_customers(tenant, filter={"type": customer_type})
    # then
    expected = company if customer_type == "COMPANY" else person
    assert ids(connection) == [expected["id"]]
    assert connection["edges"][0]["node"]["type"] == customer_type
    assert connection["totalCount"] == 1
    assert await stored_ids(tenant, type=CustomerType(customer_type)) == [expected["id"]]


@pytest.mark.parametrize(
    ("fields", "search"),
    [
        pytest.param(
            {"type": "COMPANY", "companyName": "Zebrawerk GmbH"}, "ZEBRAWERK", id="company"
        ),
        pytest.param(
            {"type": "PERSON", "firstName": "Ottilie", "lastName": "Quast"}, "ottilie", id="first"
        ),
        pytest.param(
            {"type": "PERSON", "firstName": "Ottilie", "lastName": "Quastmann"},
            "QUASTM",
            id="last",
        ),
        pytest.param(
            {"type": "PERSON", "firstName": "Ottilie", "lastName": "Quast"},
            "lie qua",
            id="display-name",
        ),
        pytest.param(
            {
                "type": "PERSON",
                "firstName": "Ottilie",
                "lastName": "Quast",
                "email": "buchhaltung@zebra.example",
            },
            "BUCHHALTUNG@",
            id="email",
        ),
        pytest.param(
            {"type": "COMPANY", "companyName": "Nix AG", "customerNumber": "XY-4711"},
            "xy-47",
            id="customer-number",
        ),
    ],
)
async def test_search_is_case_insensitive_over_the_customer_fields(
    tenant: Tenant, fields: dict[str, Any], search: str
) -> None:
    # given
    target = await create_customer(tenant, CREATE, **fields)
    await create_customer(
        tenant, CREATE, type="COMPANY", companyName="Alpha AG", email="info@alpha.example"
    )
    # when
    connection = await list_customers(tenant, filter={"search": search})
    # then
    assert ids(connection) == [target["id"]]
    assert connection["totalCount"] == 1
    assert await Customer.filter(organization_id=tenant.organization_id).count() == 2


async def test_search_is_case_insensitive_for_umlauts(tenant: Tenant) -> None:
    # given
    target = await create_customer(tenant, CREATE, type="COMPANY", companyName="MÜLLER GmbH")
    await create_customer(tenant, CREATE, type="COMPANY", companyName="Mueller AG")
    # when
    connection = await list_customers(tenant, filter={"search": "müller"})
    # then
    assert ids(connection) == [target["id"]]
    assert connection["totalCount"] == 1
    stored = await Customer.get(id=decode_id(target["id"], "Customer"))
    assert stored.company_name == "MÜLLER GmbH"


async def test_search_matches_the_datev_debtor_number(datev_tenant: Tenant) -> None:
    # given
    target = await create_customer(
        datev_tenant,
        CREATE,
        type="COMPANY",
        companyName="Alpha AG",
        datev={"debtorNumber": "12345"},
    )
    await create_customer(
        datev_tenant,
        CREATE,
        type="COMPANY",
        companyName="Bravo GmbH",
        datev={"debtorNumber": "19999"},
    )
    # when
    connection = await list_customers(datev_tenant, filter={"search": "2345"})
    # then
    assert ids(connection) == [target["id"]]
    assert connection["totalCount"] == 1
    stored = await Customer.get(id=decode_id(target["id"], "Customer"))
    assert stored.datev_debtor_number == "12345"


@pytest.mark.parametrize(
    ("names", "search"),
    [
        pytest.param(["Mehr 100% Bio", "Mehr 1000 Bio"], "100%", id="percent"),
        pytest.param(["Alpha_Beta AG", "AlphaXBeta AG"], "a_b", id="underscore"),
        pytest.param(["Alpha%Beta AG", "AlphaBeta AG"], "%", id="only-percent"),
    ],
)
async def test_search_treats_wildcards_literally(
    tenant: Tenant, names: list[str], search: str
) -> None:
    # given
    target, _decoy = await create_companies(tenant, names)
    # when
    connection = await list_customers(tenant, filter={"search": search})
    # then
    assert ids(connection) == [target["id"]]
    assert connection["totalCount"] == 1
    assert await Customer.filter(organization_id=tenant.organization_id).count() == 2


async def test_search_combines_with_status_and_type(tenant: Tenant) -> None:
    # given
    archived = await create_customer(tenant, CREATE, type="COMPANY", companyName="Kaffee Alt GmbH")
    await archive(tenant, archived["id"])
    await create_customer(tenant, CREATE, type="COMPANY", companyName="Kaffee Neu GmbH")
    await create_customer(tenant, CREATE, type="PERSON", firstName="Karl", lastName="Kaffee")
    # when
    connection = await list_customers(
        tenant, filter={"search": "kaffee", "status": "ARCHIVED", "type": "COMPANY"}
    )
    # then
    assert ids(connection) == [archived["id"]]
    assert connection["totalCount"] == 1
    assert await stored_ids(tenant, status=CustomerStatus.ARCHIVED) == [archived["id"]]


async def test_other_organizations_customers_never_appear(
    tenant: Tenant, other_tenant: Tenant
) -> None:
    # given
    own = await create_customer(tenant, CREATE, type="COMPANY", companyName="Alpha AG")
    foreign = await create_customer(
        other_tenant, CREATE, type="COMPANY", companyName="Alpha Andere AG"
    )
    foreign_archived = await create_customer(
        other_tenant, CREATE, type="COMPANY", companyName="Alpha Alt AG"
    )
    await archive(other_tenant, foreign_archived["id"])
    # when
    everyone = await list_customers(tenant, filter={"status": "ALL"})
    searched = await list_customers(tenant, filter={"search": "alpha", "status": "ALL"})
    # then
    assert ids(everyone) == [own["id"]]
    assert everyone["totalCount"] == 1
    assert ids(searched) == [own["id"]]
    assert searched["totalCount"] == 1
    assert await stored_ids(other_tenant) == [foreign["id"], foreign_archived["id"]]


async def test_a_cursor_is_only_a_position_and_reveals_no_foreign_rows(
    tenant: Tenant, other_tenant: Tenant
) -> None:
    # given
    await create_companies(other_tenant, ["Alpha AG", "Bravo GmbH"])
    foreign = await other_tenant.execute(CUSTOMERS_WITHOUT_COUNT, {"first": 1})
    own = await create_companies(tenant, ["Charlie UG"])
    # when
    connection = await list_customers(
        tenant, first=10, after=foreign["customers"]["pageInfo"]["endCursor"]
    )
    # then
    assert ids(connection) == [own[0]["id"]]
    assert connection["totalCount"] == 1
    assert await Customer.filter(organization_id=other_tenant.organization_id).count() == 2


PAGE_ADDRESSES = """
query Page($default: Boolean!) {
  customers(first: 10) {
    edges { node { displayName addresses { city } defaultAddress @include(if: $default) { city } } }
  }
}
"""


async def test_a_customer_missing_its_default_address_fails_only_the_field_that_needs_it(
    api: Api, tenant: Tenant
) -> None:
    # given: a bug in the data, the second customer's default address is gone
    created = await create_companies(tenant, ["Heil GmbH", "Kaputt GmbH"])
    pk = decode_id(created[1]["id"], "Customer")
    await Address.filter(customer_id=pk, type=AddressType.DEFAULT).delete()
    # when
    listed = await tenant.execute(PAGE_ADDRESSES, {"default": False})
    response = await api.post(PAGE_ADDRESSES, {"default": True}, key=tenant.key)
    # then: the list of addresses answers; the default address is a masked error there
    assert [edge["node"] for edge in listed["customers"]["edges"]] == [
        {"displayName": "Heil GmbH", "addresses": [{"city": None}]},
        {"displayName": "Kaputt GmbH", "addresses": []},
    ]
    body = response.json()
    [error] = body["errors"]
    assert error["path"] == ["customers", "edges", 1, "node", "defaultAddress"]
    assert error["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    assert body["data"] is None
