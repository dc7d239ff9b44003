"""Roles and Schreibgeschützte Kunden: who may write customers, billing records and settings."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest

from domain.organizations import update_organization
from domain.users import create_user
from models import Address, Customer, CustomerEvent, Order, Organization
from models.enums import AddressType, CustomerStatus, UserRole
from schema.node import decode_id
from tests import helpers
from tests.client import Api, Tenant

PASSWORD = "korrekt-pferd-batterie"

LOGIN = """
mutation Login($input: LoginInput!) {
  login(input: $input) { token userErrors { field code message } }
}
"""

SETTINGS_UPDATE = """
mutation SettingsUpdate($input: OrganizationSettingsInput!) {
  organizationSettingsUpdate(input: $input) {
    organization { customersReadOnly }
    userErrors { field code message }
  }
}
"""

ORGANIZATION = """
query Organization {
  organization { customersReadOnly }
}
"""

CUSTOMER_CREATE = """
mutation CustomerCreate($input: CustomerCreateInput!) {
  customerCreate(input: $input) {
    customer { id addresses { id type isDefault } }
    userErrors { field code message }
  }
}
"""

CUSTOMER_UPDATE = """
mutation CustomerUpdate($input: CustomerUpdateInput!) {
  customerUpdate(input: $input) { customer { id } userErrors { field code message } }
}
"""

CUSTOMER_ARCHIVE = """
mutation CustomerArchive($input: CustomerIdInput!) {
  customerArchive(input: $input) { customer { id } userErrors { field code message } }
}
"""

CUSTOMER_RESTORE = """
mutation CustomerRestore($input: CustomerIdInput!) {
  customerRestore(input: $input) { customer { id } userErrors { field code message } }
}
"""

CUSTOMER_DELETE = """
mutation CustomerDelete($input: CustomerIdInput!) {
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

ORDER_CREATE = """
mutation OrderCreate($input: CustomerRecordInput!) {
  orderCreate(input: $input) { order { id status } userErrors { field code message } }
}
"""

ADDRESS = {"street": "Hauptstraße", "houseNumber": "1", "zip": "10115", "city": "Berlin"}

ACTORS = ["write-key", "read-key", "ADMIN", "EMPLOYEE", "READ_ONLY"]


# --- helpers -------------------------------------------------------------------------------


async def login(api: Api, email: str) -> str:
    response = await api.post(LOGIN, {"input": {"email": email, "password": PASSWORD}}, key=None)
    assert response.status_code == 200, response.text
    payload = response.json()["data"]["login"]
    assert payload["userErrors"] == []
    token: str = payload["token"]
    return token


async def key_of(actor: str, tenant: Tenant, read_only_key: str) -> str:
    """The bearer credential of an actor: an API key, or a fresh login session."""
    if actor == "write-key":
        return tenant.key
    if actor == "read-key":
        return read_only_key
    email = f"{actor.lower()}@example.com"
    await create_user(
        organization_id=tenant.organization_id,
        email_address=email,
        role=UserRole(actor),
        password=PASSWORD,
    )
    return await login(tenant.api, email)


async def set_customers_read_only(tenant: Tenant, value: bool) -> None:
    await update_organization(tenant.organization_id, customers_read_only=value)
    stored = await Organization.get(id=tenant.organization_id)
    assert stored.customers_read_only is value


def codes(payload: dict[str, Any]) -> list[str]:
    return [error["code"] for error in payload["userErrors"]]


@dataclass(frozen=True)
class World:
    """Customers as a write key left them: one active with a spare address, one archived."""

    active_id: str
    spare_address_id: str
    archived_id: str

    @property
    def active_pk(self) -> uuid.UUID:
        pk = decode_id(self.active_id, "Customer")
        assert pk is not None
        return pk

    @property
    def archived_pk(self) -> uuid.UUID:
        pk = decode_id(self.archived_id, "Customer")
        assert pk is not None
        return pk

    @property
    def spare_address_pk(self) -> uuid.UUID:
        pk = decode_id(self.spare_address_id, "Address")
        assert pk is not None
        return pk


async def create_customer(tenant: Tenant, last_name: str) -> str:
    customer = await helpers.create_customer(
        tenant,
        CUSTOMER_CREATE,
        type="PERSON",
        firstName="Erika",
        lastName=last_name,
        address={**ADDRESS, "countryCode": "DE"},
    )
    customer_id: str = customer["id"]
    return customer_id


async def build_world(tenant: Tenant) -> World:
    active_id = await create_customer(tenant, "Aktiv")
    data = await tenant.execute(
        ADDRESS_CREATE,
        {
            "input": {
                "customerId": active_id,
                "type": "DEFAULT",
                "setAsDefault": False,
                "address": {**ADDRESS, "street": "Nebenweg", "countryCode": "DE"},
            }
        },
    )
    assert data["addressCreate"]["userErrors"] == []
    spare_address_id: str = data["addressCreate"]["address"]["id"]
    archived_id = await create_customer(tenant, "Archiviert")
    data = await tenant.execute(CUSTOMER_ARCHIVE, {"input": {"id": archived_id}})
    assert data["customerArchive"]["userErrors"] == []
    return World(active_id, spare_address_id, archived_id)


async def snapshot(tenant: Tenant) -> tuple[Any, ...]:
    """Every stored customer, address and event of the organization."""
    customers = await Customer.filter(organization_id=tenant.organization_id).order_by("id")
    addresses = await Address.filter(organization_id=tenant.organization_id).order_by("id")
    events = await CustomerEvent.filter(organization_id=tenant.organization_id).count()
    return (
        [(c.id, c.last_name, c.status, c.version, c.archived_at, c.updated_at) for c in customers],
        [(a.id, a.type, a.is_default, a.street, a.city, a.zip) for a in addresses],
        events,
    )


# --- the customer writes -------------------------------------------------------------------


@dataclass(frozen=True)
class Write:
    field: str
    document: str
    variables: Callable[[World], dict[str, Any]]
    written: Callable[[Tenant, World], Awaitable[None]]
    """Asserts the stored state after a successful write."""


async def _created(tenant: Tenant, world: World) -> None:
    rows = await Customer.filter(organization_id=tenant.organization_id, last_name="Neu")
    assert len(rows) == 1


async def _updated(tenant: Tenant, world: World) -> None:
    assert (await Customer.get(id=world.active_pk)).last_name == "Geändert"


async def _address_created(tenant: Tenant, world: World) -> None:
    rows = await Address.filter(customer_id=world.active_pk, city="Hamburg")
    assert [(r.type, r.is_default) for r in rows] == [(AddressType.INVOICE, True)]


async def _address_updated(tenant: Tenant, world: World) -> None:
    assert (await Address.get(id=world.spare_address_pk)).city == "München"


async def _default_set(tenant: Tenant, world: World) -> None:
    defaults = await Address.filter(
        customer_id=world.active_pk, type=AddressType.DEFAULT, is_default=True
    )
    assert [a.id for a in defaults] == [world.spare_address_pk]


async def _archived(tenant: Tenant, world: World) -> None:
    assert (await Customer.get(id=world.active_pk)).status is CustomerStatus.ARCHIVED


async def _restored(tenant: Tenant, world: World) -> None:
    assert (await Customer.get(id=world.archived_pk)).status is CustomerStatus.ACTIVE


async def _deleted(tenant: Tenant, world: World) -> None:
    assert not await Customer.filter(id=world.active_pk).exists()
    assert not await Address.filter(customer_id=world.active_pk).exists()


WRITES = [
    Write(
        "customerCreate",
        CUSTOMER_CREATE,
        lambda w: {"input": {"type": "PERSON", "firstName": "Nina", "lastName": "Neu"}},
        _created,
    ),
    Write(
        "customerUpdate",
        CUSTOMER_UPDATE,
        lambda w: {"input": {"id": w.active_id, "lastName": "Geändert"}},
        _updated,
    ),
    Write(
        "addressCreate",
        ADDRESS_CREATE,
        lambda w: {
            "input": {
                "customerId": w.active_id,
                "type": "INVOICE",
                "address": {**ADDRESS, "zip": "20095", "city": "Hamburg", "countryCode": "DE"},
            }
        },
        _address_created,
    ),
    Write(
        "addressUpdate",
        ADDRESS_UPDATE,
        lambda w: {
            "input": {"id": w.spare_address_id, "address": {"zip": "80331", "city": "München"}}
        },
        _address_updated,
    ),
    Write(
        "addressSetDefault",
        ADDRESS_SET_DEFAULT,
        lambda w: {"input": {"id": w.spare_address_id}},
        _default_set,
    ),
    Write("customerArchive", CUSTOMER_ARCHIVE, lambda w: {"input": {"id": w.active_id}}, _archived),
    Write(
        "customerRestore", CUSTOMER_RESTORE, lambda w: {"input": {"id": w.archived_id}}, _restored
    ),
    Write("customerDelete", CUSTOMER_DELETE, lambda w: {"input": {"id": w.active_id}}, _deleted),
]


def expected_code(actor: str, customers_read_only: bool) -> str | None:
    """What the issue demands: None for a write that goes through."""
    if actor in ("read-key", "READ_ONLY"):
        return "FORBIDDEN"
    if actor in ("ADMIN", "EMPLOYEE") and customers_read_only:
        return "READ_ONLY"
    return None


@pytest.mark.parametrize("write", WRITES, ids=[w.field for w in WRITES])
@pytest.mark.parametrize("customers_read_only", [False, True], ids=["setting-off", "setting-on"])
@pytest.mark.parametrize("actor", ACTORS)
async def test_customer_write_matrix(
    tenant: Tenant, read_only_key: str, actor: str, customers_read_only: bool, write: Write
) -> None:
    # given
    world = await build_world(tenant)
    key = await key_of(actor, tenant, read_only_key)
    await set_customers_read_only(tenant, customers_read_only)
    before = await snapshot(tenant)
    expected = expected_code(actor, customers_read_only)
    # when
    data = await tenant.api.execute(write.document, write.variables(world), key=key)
    # then
    payload = data[write.field]
    if expected is None:
        assert payload["userErrors"] == []
        await write.written(tenant, world)
    else:
        assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(None, expected)]
        assert all(value is None for name, value in payload.items() if name != "userErrors")
        assert await snapshot(tenant) == before


# --- billing records are no customer writes ------------------------------------------------


@pytest.mark.parametrize("customers_read_only", [False, True], ids=["setting-off", "setting-on"])
@pytest.mark.parametrize("actor", ACTORS)
async def test_order_create_ignores_read_only_customers_but_not_roles(
    tenant: Tenant, read_only_key: str, actor: str, customers_read_only: bool
) -> None:
    # given
    customer_id = await create_customer(tenant, "Kunde")
    key = await key_of(actor, tenant, read_only_key)
    await set_customers_read_only(tenant, customers_read_only)
    # when
    data = await tenant.api.execute(ORDER_CREATE, {"input": {"customerId": customer_id}}, key=key)
    # then
    payload = data["orderCreate"]
    orders = await Order.filter(organization_id=tenant.organization_id)
    if actor in ("read-key", "READ_ONLY"):
        assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(None, "FORBIDDEN")]
        assert payload["order"] is None
        assert orders == []
    else:
        assert payload["userErrors"] == []
        assert payload["order"]["status"] == "OPEN"
        assert [o.customer_id for o in orders] == [decode_id(customer_id, "Customer")]


# --- the setting itself --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("actor", "allowed"),
    [
        pytest.param("write-key", True, id="write-key"),
        pytest.param("ADMIN", True, id="ADMIN"),
        pytest.param("read-key", False, id="read-key"),
        pytest.param("EMPLOYEE", False, id="EMPLOYEE"),
        pytest.param("READ_ONLY", False, id="READ_ONLY"),
    ],
)
async def test_who_may_switch_customers_read_only(
    tenant: Tenant, read_only_key: str, actor: str, allowed: bool
) -> None:
    # given
    key = await key_of(actor, tenant, read_only_key)
    # when
    data = await tenant.api.execute(
        SETTINGS_UPDATE, {"input": {"customersReadOnly": True}}, key=key
    )
    # then
    payload = data["organizationSettingsUpdate"]
    stored = await Organization.get(id=tenant.organization_id)
    if allowed:
        assert payload == {"organization": {"customersReadOnly": True}, "userErrors": []}
        assert stored.customers_read_only is True
    else:
        assert payload["organization"] is None
        assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(None, "FORBIDDEN")]
        assert stored.customers_read_only is False


async def test_admin_switches_it_off_again_and_users_write_once_more(tenant: Tenant) -> None:
    # given
    admin = await key_of("ADMIN", tenant, "")
    await set_customers_read_only(tenant, True)
    refused = await tenant.api.execute(
        CUSTOMER_CREATE, {"input": {"type": "PERSON", "firstName": "A", "lastName": "B"}}, key=admin
    )
    assert codes(refused["customerCreate"]) == ["READ_ONLY"]
    # when
    data = await tenant.api.execute(
        SETTINGS_UPDATE, {"input": {"customersReadOnly": False}}, key=admin
    )
    # then
    assert data["organizationSettingsUpdate"]["userErrors"] == []
    assert (await tenant.execute(ORGANIZATION))["organization"]["customersReadOnly"] is False
    created = await tenant.api.execute(
        CUSTOMER_CREATE, {"input": {"type": "PERSON", "firstName": "A", "lastName": "B"}}, key=admin
    )
    assert created["customerCreate"]["userErrors"] == []
    assert await Customer.filter(organization_id=tenant.organization_id).count() == 1
    assert (await Organization.get(id=tenant.organization_id)).customers_read_only is False


async def test_the_setting_of_one_organization_does_not_bind_another(
    tenant: Tenant, other_tenant: Tenant
) -> None:
    # given
    employee = await key_of("EMPLOYEE", other_tenant, "")
    await set_customers_read_only(tenant, True)
    # when
    data = await other_tenant.api.execute(
        CUSTOMER_CREATE,
        {"input": {"type": "PERSON", "firstName": "A", "lastName": "B"}},
        key=employee,
    )
    # then
    assert data["customerCreate"]["userErrors"] == []
    assert await Customer.filter(organization_id=other_tenant.organization_id).count() == 1
    assert (await Organization.get(id=other_tenant.organization_id)).customers_read_only is False
