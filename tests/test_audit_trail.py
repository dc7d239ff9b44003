"""Audit trail: every customer write records who, when and what (old and new values)."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

from domain.organizations import update_organization
from domain.users import create_user
from models import ApiKey, CustomerEvent
from models.enums import ActorType, ApiKeyScope, CustomerEventAction, UserRole
from schema.node import encode_id
from tests.client import Api, Tenant
from tests.helpers import create_customer, pk_of

PASSWORD = "korrekt-pferd-batterie"

LOGIN = """
mutation Login($input: LoginInput!) {
  login(input: $input) { token userErrors { field code message } }
}
"""

EVENTS = """
query Events($id: ID!) {
  customer(id: $id) {
    id
    events {
      action actorType actorId addressId createdAt
      changes { field oldValue newValue }
    }
  }
}
"""

CREATE = """
mutation Create($input: CustomerCreateInput!) {
  customerCreate(input: $input) {
    customer { id version addresses { id type isDefault } }
    userErrors { field code message }
  }
}
"""

UPDATE = """
mutation Update($input: CustomerUpdateInput!) {
  customerUpdate(input: $input) { customer { id version } userErrors { field code message } }
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
  addressUpdate(input: $input) { address { id city } userErrors { field code message } }
}
"""

ADDRESS_SET_DEFAULT = """
mutation AddressSetDefault($input: AddressSetDefaultInput!) {
  addressSetDefault(input: $input) { address { id isDefault } userErrors { field code message } }
}
"""

ERIKA: dict[str, Any] = {
    "type": "PERSON",
    "firstName": "Erika",
    "lastName": "Mustermann",
    "email": "erika@example.com",
    "phone": "+49 30 123456",
    "address": {
        "street": "Hauptstraße",
        "houseNumber": "1",
        "zip": "10115",
        "city": "Berlin",
        "countryCode": "DE",
    },
}


# --- helpers -------------------------------------------------------------------------------


async def write_key_id(tenant: Tenant) -> uuid.UUID:
    key = await ApiKey.get(organization_id=tenant.organization_id, scope=ApiKeyScope.WRITE)
    key_id: uuid.UUID = key.id
    return key_id


async def user_session(tenant: Tenant, role: UserRole = UserRole.EMPLOYEE) -> tuple[uuid.UUID, str]:
    """A web-app user of the tenant and the bearer token of a fresh login."""
    email = f"{role.value.lower()}@example.com"
    user = await create_user(
        organization_id=tenant.organization_id, email_address=email, role=role, password=PASSWORD
    )
    response = await tenant.api.post(
        LOGIN, {"input": {"email": email, "password": PASSWORD}}, key=None
    )
    payload = response.json()["data"]["login"]
    assert payload["userErrors"] == []
    token: str = payload["token"]
    return user.id, token


async def create(tenant: Tenant, fields: dict[str, Any], key: str | None = None) -> dict[str, Any]:
    return await create_customer(tenant, CREATE, key=key, **fields)


async def events_of(tenant: Tenant, customer_id: str) -> list[dict[str, Any]]:
    data = await tenant.execute(EVENTS, {"id": customer_id})
    assert data["customer"] is not None
    events: list[dict[str, Any]] = data["customer"]["events"]
    return events


async def stored_events(customer_id: str) -> list[CustomerEvent]:
    return await CustomerEvent.filter(customer_id=pk_of(customer_id, "Customer")).order_by(
        "created_at", "id"
    )


def changes_by_field(event: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """field -> (old, new), the JSON text decoded."""
    decoded: dict[str, tuple[Any, Any]] = {}
    for change in event["changes"]:
        old, new = change["oldValue"], change["newValue"]
        decoded[change["field"]] = (
            None if old is None else json.loads(old),
            None if new is None else json.loads(new),
        )
    return decoded


# --- CREATED -------------------------------------------------------------------------------


async def test_create_by_api_key_records_who_when_and_the_new_values(tenant: Tenant) -> None:
    # given
    started = dt.datetime.now(dt.UTC)
    # when
    customer = await create(tenant, ERIKA)
    # then
    events = await events_of(tenant, customer["id"])
    assert [(e["action"], e["actorType"], e["actorId"], e["addressId"]) for e in events] == [
        ("CREATED", "API_KEY", str(await write_key_id(tenant)), None)
    ]
    created_at = dt.datetime.fromisoformat(events[0]["createdAt"])
    assert started <= created_at <= dt.datetime.now(dt.UTC)
    changes = changes_by_field(events[0])
    assert changes["firstName"] == (None, "Erika")
    assert changes["lastName"] == (None, "Mustermann")
    assert changes["email"] == (None, "erika@example.com")
    assert changes["phone"] == (None, "+49 30 123456")
    assert changes["type"] == (None, "PERSON")
    assert changes["customerNumber"] == (None, "K00001")
    assert all(old is None for old, _ in changes.values())
    assert "companyName" not in changes
    rows = await stored_events(customer["id"])
    assert len(rows) == 1
    row = rows[0]
    assert (row.action, row.actor_type, row.actor_id) == (
        CustomerEventAction.CREATED,
        ActorType.API_KEY,
        await write_key_id(tenant),
    )
    assert row.organization_id == tenant.organization_id
    assert row.created_at == created_at
    assert {"field": "last_name", "old": None, "new": "Mustermann"} in row.changes


async def test_create_by_a_user_records_the_user(tenant: Tenant) -> None:
    # given
    user_id, token = await user_session(tenant)
    # when
    customer = await create(tenant, ERIKA, key=token)
    # then
    events = await events_of(tenant, customer["id"])
    assert [(e["action"], e["actorType"], e["actorId"]) for e in events] == [
        ("CREATED", "USER", encode_id("User", user_id))
    ]
    rows = await stored_events(customer["id"])
    assert [(r.actor_type, r.actor_id) for r in rows] == [(ActorType.USER, user_id)]


# --- UPDATED -------------------------------------------------------------------------------


async def test_update_records_only_the_changed_fields_with_old_and_new_values(
    tenant: Tenant,
) -> None:
    # given
    customer = await create(tenant, ERIKA)
    user_id, token = await user_session(tenant)
    # when
    data = await tenant.api.execute(
        UPDATE,
        {
            "input": {
                "id": customer["id"],
                "firstName": "Erika",
                "lastName": "Musterfrau",
                "email": "erika.musterfrau@example.com",
                "phone": None,
            }
        },
        key=token,
    )
    # then
    assert data["customerUpdate"]["userErrors"] == []
    events = await events_of(tenant, customer["id"])
    assert [e["action"] for e in events] == ["CREATED", "UPDATED"]
    update = events[1]
    assert (update["actorType"], update["actorId"], update["addressId"]) == (
        "USER",
        encode_id("User", user_id),
        None,
    )
    assert changes_by_field(update) == {
        "lastName": ("Mustermann", "Musterfrau"),
        "email": ("erika@example.com", "erika.musterfrau@example.com"),
        "phone": ("+49 30 123456", None),
        "displayName": ("Erika Mustermann", "Erika Musterfrau"),
    }
    assert {"field": "phone", "oldValue": '"+49 30 123456"', "newValue": None} in update["changes"]
    assert events[0]["createdAt"] <= update["createdAt"]
    rows = await stored_events(customer["id"])
    assert [r.action for r in rows] == [CustomerEventAction.CREATED, CustomerEventAction.UPDATED]
    assert {c["field"] for c in rows[1].changes} == {
        "last_name",
        "email",
        "phone",
        "display_name",
    }


async def test_an_update_that_changes_nothing_records_no_event(tenant: Tenant) -> None:
    # given
    customer = await create(tenant, ERIKA)
    # when
    data = await tenant.execute(
        UPDATE,
        {"input": {"id": customer["id"], "firstName": "Erika", "email": "erika@example.com"}},
    )
    # then
    assert data["customerUpdate"]["userErrors"] == []
    assert data["customerUpdate"]["customer"]["version"] == customer["version"]
    assert [e["action"] for e in await events_of(tenant, customer["id"])] == ["CREATED"]
    assert len(await stored_events(customer["id"])) == 1


async def test_a_refused_update_records_no_event(tenant: Tenant) -> None:
    # given
    customer = await create(tenant, ERIKA)
    # when
    data = await tenant.execute(
        UPDATE, {"input": {"id": customer["id"], "lastName": "Neu", "email": "kein-at"}}
    )
    # then
    assert [(e["field"], e["code"]) for e in data["customerUpdate"]["userErrors"]] == [
        (["input", "email"], "INVALID")
    ]
    assert [e["action"] for e in await events_of(tenant, customer["id"])] == ["CREATED"]
    assert len(await stored_events(customer["id"])) == 1


async def test_a_conflicting_update_records_no_event(tenant: Tenant) -> None:
    # given
    customer = await create(tenant, ERIKA)
    # when
    data = await tenant.execute(
        UPDATE,
        {
            "input": {
                "id": customer["id"],
                "expectedVersion": customer["version"] + 1,
                "lastName": "Neu",
            }
        },
    )
    # then
    assert [e["code"] for e in data["customerUpdate"]["userErrors"]] == ["CONFLICT"]
    assert len(await stored_events(customer["id"])) == 1


async def test_a_write_refused_as_read_only_records_no_event(tenant: Tenant) -> None:
    # given
    customer = await create(tenant, ERIKA)
    _, token = await user_session(tenant, UserRole.ADMIN)
    await update_organization(tenant.organization_id, customers_read_only=True)
    # when
    data = await tenant.api.execute(
        UPDATE, {"input": {"id": customer["id"], "lastName": "Neu"}}, key=token
    )
    # then
    assert [e["code"] for e in data["customerUpdate"]["userErrors"]] == ["READ_ONLY"]
    assert [e["action"] for e in await events_of(tenant, customer["id"])] == ["CREATED"]
    assert len(await stored_events(customer["id"])) == 1


# --- ARCHIVED / RESTORED -------------------------------------------------------------------


async def test_archive_and_restore_record_the_status_change(tenant: Tenant) -> None:
    # given
    customer = await create(tenant, ERIKA)
    key_id = str(await write_key_id(tenant))
    # when
    archived = await tenant.execute(ARCHIVE, {"input": {"id": customer["id"]}})
    again = await tenant.execute(ARCHIVE, {"input": {"id": customer["id"]}})
    restored = await tenant.execute(RESTORE, {"input": {"id": customer["id"]}})
    # then
    assert archived["customerArchive"]["userErrors"] == []
    assert [e["code"] for e in again["customerArchive"]["userErrors"]] == ["ALREADY_ARCHIVED"]
    assert restored["customerRestore"]["userErrors"] == []
    events = await events_of(tenant, customer["id"])
    assert [(e["action"], e["actorType"], e["actorId"]) for e in events] == [
        ("CREATED", "API_KEY", key_id),
        ("ARCHIVED", "API_KEY", key_id),
        ("RESTORED", "API_KEY", key_id),
    ]
    assert changes_by_field(events[1]) == {"status": ("ACTIVE", "ARCHIVED")}
    assert changes_by_field(events[2]) == {"status": ("ARCHIVED", "ACTIVE")}
    rows = await stored_events(customer["id"])
    assert [r.action for r in rows] == [
        CustomerEventAction.CREATED,
        CustomerEventAction.ARCHIVED,
        CustomerEventAction.RESTORED,
    ]


# --- address events ------------------------------------------------------------------------


async def test_address_create_records_the_address_and_its_values(tenant: Tenant) -> None:
    # given
    customer = await create(tenant, ERIKA)
    # when
    data = await tenant.execute(
        ADDRESS_CREATE,
        {
            "input": {
                "customerId": customer["id"],
                "type": "INVOICE",
                "address": {"street": "Postfach 12", "zip": "20095", "city": "Hamburg"},
            }
        },
    )
    # then
    address_id = data["addressCreate"]["address"]["id"]
    events = await events_of(tenant, customer["id"])
    assert [(e["action"], e["addressId"]) for e in events] == [
        ("CREATED", None),
        ("ADDRESS_CREATED", address_id),
    ]
    changes = changes_by_field(events[1])
    assert changes["type"] == (None, "INVOICE")
    assert changes["street"] == (None, "Postfach 12")
    assert changes["city"] == (None, "Hamburg")
    rows = await stored_events(customer["id"])
    assert rows[1].action is CustomerEventAction.ADDRESS_CREATED
    assert rows[1].address_id == pk_of(address_id, "Address")


async def test_address_update_records_old_and_new_values(tenant: Tenant) -> None:
    # given
    customer = await create(tenant, ERIKA)
    address_id = customer["addresses"][0]["id"]
    user_id, token = await user_session(tenant)
    # when
    data = await tenant.api.execute(
        ADDRESS_UPDATE,
        {"input": {"id": address_id, "address": {"zip": "80331", "city": "München"}}},
        key=token,
    )
    # then
    assert data["addressUpdate"]["userErrors"] == []
    assert data["addressUpdate"]["address"]["city"] == "München"
    events = await events_of(tenant, customer["id"])
    assert [(e["action"], e["addressId"]) for e in events] == [
        ("CREATED", None),
        ("ADDRESS_UPDATED", address_id),
    ]
    assert (events[1]["actorType"], events[1]["actorId"]) == ("USER", encode_id("User", user_id))
    assert changes_by_field(events[1]) == {
        "zip": ("10115", "80331"),
        "city": ("Berlin", "München"),
    }
    rows = await stored_events(customer["id"])
    assert [r.action for r in rows] == [
        CustomerEventAction.CREATED,
        CustomerEventAction.ADDRESS_UPDATED,
    ]
    assert rows[1].address_id == pk_of(address_id, "Address")


async def test_an_address_update_that_changes_nothing_records_no_event(tenant: Tenant) -> None:
    # given
    customer = await create(tenant, ERIKA)
    address_id = customer["addresses"][0]["id"]
    # when
    data = await tenant.execute(
        ADDRESS_UPDATE, {"input": {"id": address_id, "address": {"city": "Berlin"}}}
    )
    # then
    assert data["addressUpdate"]["userErrors"] == []
    assert [e["action"] for e in await events_of(tenant, customer["id"])] == ["CREATED"]
    assert len(await stored_events(customer["id"])) == 1


async def test_address_set_default_records_the_address(tenant: Tenant) -> None:
    # given
    customer = await create(tenant, ERIKA)
    created = await tenant.execute(
        ADDRESS_CREATE,
        {
            "input": {
                "customerId": customer["id"],
                "type": "DEFAULT",
                "setAsDefault": False,
                "address": {"street": "Nebenweg 2", "zip": "10117", "city": "Berlin"},
            }
        },
    )
    address_id = created["addressCreate"]["address"]["id"]
    # when
    data = await tenant.execute(ADDRESS_SET_DEFAULT, {"input": {"id": address_id}})
    again = await tenant.execute(ADDRESS_SET_DEFAULT, {"input": {"id": address_id}})
    # then
    assert data["addressSetDefault"]["userErrors"] == []
    assert again["addressSetDefault"]["address"]["isDefault"] is True
    events = await events_of(tenant, customer["id"])
    assert [(e["action"], e["addressId"]) for e in events] == [
        ("CREATED", None),
        ("ADDRESS_CREATED", address_id),
        ("ADDRESS_SET_DEFAULT", address_id),
    ]
    assert changes_by_field(events[2]) == {"isDefault": (False, True)}
    rows = await stored_events(customer["id"])
    assert rows[2].action is CustomerEventAction.ADDRESS_SET_DEFAULT


# --- DELETED -------------------------------------------------------------------------------


async def test_delete_keeps_an_event_without_personal_data(tenant: Tenant) -> None:
    # given
    customer = await create(tenant, ERIKA)
    await tenant.execute(UPDATE, {"input": {"id": customer["id"], "lastName": "Musterfrau"}})
    user_id, token = await user_session(tenant)
    # when
    data = await tenant.api.execute(DELETE, {"input": {"id": customer["id"]}}, key=token)
    # then
    assert data["customerDelete"] == {"deletedCustomerId": customer["id"], "userErrors": []}
    rows = await stored_events(customer["id"])
    assert [r.action for r in rows] == [
        CustomerEventAction.CREATED,
        CustomerEventAction.UPDATED,
        CustomerEventAction.DELETED,
    ]
    deleted = rows[-1]
    assert (deleted.actor_type, deleted.actor_id) == (ActorType.USER, user_id)
    assert deleted.changes is None
    assert deleted.address_id is None
    assert deleted.organization_id == tenant.organization_id


async def test_delete_leaves_no_personal_data_in_earlier_events(tenant: Tenant) -> None:
    # given
    customer = await create(tenant, ERIKA)
    await tenant.execute(
        UPDATE, {"input": {"id": customer["id"], "email": "erika.neu@example.com"}}
    )
    await tenant.execute(
        ADDRESS_CREATE,
        {
            "input": {
                "customerId": customer["id"],
                "type": "INVOICE",
                "address": {"firstName": "Erika", "street": "Postfach 12", "city": "Hamburg"},
            }
        },
    )
    # when
    data = await tenant.execute(DELETE, {"input": {"id": customer["id"]}})
    # then
    assert data["customerDelete"]["userErrors"] == []
    rows = await stored_events(customer["id"])
    assert len(rows) == 4
    stored = json.dumps([r.changes for r in rows], ensure_ascii=False)
    for personal in ("Erika", "Mustermann", "erika", "123456", "Hauptstraße", "Postfach"):
        assert personal not in stored
    # who changed which field when is kept
    assert {c["field"] for c in rows[1].changes} == {"email"}


# --- tenant isolation ----------------------------------------------------------------------


async def test_events_are_tenant_isolated(api: Api, tenant: Tenant, other_tenant: Tenant) -> None:
    # given
    mine = await create(tenant, ERIKA)
    theirs = await create(other_tenant, {**ERIKA, "lastName": "Fremd"})
    # when
    foreign_read = await other_tenant.execute(EVENTS, {"id": mine["id"]})
    foreign_write = await other_tenant.execute(
        UPDATE, {"input": {"id": mine["id"], "lastName": "Gekapert"}}
    )
    # then
    assert foreign_read["customer"] is None
    assert [e["code"] for e in foreign_write["customerUpdate"]["userErrors"]] == ["NOT_FOUND"]
    my_events = await events_of(tenant, mine["id"])
    assert [(e["action"], e["actorId"]) for e in my_events] == [
        ("CREATED", str(await write_key_id(tenant)))
    ]
    their_events = await events_of(other_tenant, theirs["id"])
    assert [(e["action"], e["actorId"]) for e in their_events] == [
        ("CREATED", str(await write_key_id(other_tenant)))
    ]
    mine_rows = await CustomerEvent.filter(organization_id=tenant.organization_id)
    assert [r.customer_id for r in mine_rows] == [pk_of(mine["id"], "Customer")]
    their_rows = await CustomerEvent.filter(organization_id=other_tenant.organization_id)
    assert [r.customer_id for r in their_rows] == [pk_of(theirs["id"], "Customer")]
    assert encode_id("Customer", mine_rows[0].customer_id) == mine["id"]
