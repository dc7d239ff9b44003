"""Addresses of a customer: the Empfängeradresse (DEFAULT) and invoice addresses."""

from __future__ import annotations

import datetime as dt
import uuid

from tortoise.expressions import F
from tortoise.transactions import in_transaction

from domain.audit import changes_between, record_event
from domain.customers.editing import get_customer, lock_customer, refuse_anonymized
from domain.customers.fields import RawValues, clean_address
from domain.errors import DomainError, not_found
from domain.events import record_address_event
from domain.principal import Actor
from models import Address, Customer
from models.enums import AddressType, CustomerEventAction, EventType


async def get_address(organization_id: uuid.UUID, address_id: uuid.UUID) -> Address:
    address = await Address.get_or_none(id=address_id, organization_id=organization_id)
    if address is None:
        raise not_found("Address")
    return address


async def _locked(organization_id: uuid.UUID, address_id: uuid.UUID) -> Address:
    """The address, read after locking its customer (gone meanwhile means not found)."""
    address = await get_address(organization_id, address_id)
    try:
        customer = await lock_customer(organization_id, address.customer_id)
    except DomainError:
        raise not_found("Address") from None
    refuse_anonymized(customer)
    return await get_address(organization_id, address_id)


async def _touch_customer(customer_id: uuid.UUID) -> None:
    # Addresses are part of the customer: a change to one is a change of the customer.
    await Customer.filter(id=customer_id).update(
        version=F("version") + 1, updated_at=dt.datetime.now(dt.UTC)
    )


async def _make_default(address: Address) -> None:
    await (
        Address.filter(
            customer_id=address.customer_id,
            type=address.type,
            is_default=True,
        )
        .exclude(id=address.id)
        .update(is_default=False)
    )
    await Address.filter(id=address.id).update(is_default=True)


async def create_address(
    *,
    organization_id: uuid.UUID,
    customer_id: uuid.UUID,
    address_type: AddressType,
    set_as_default: bool,
    fields: RawValues,
    actor: Actor,
) -> Address:
    cleaned, errors = clean_address(fields, "address")
    await get_customer(organization_id, customer_id, ("customer_id",))
    if errors:
        raise DomainError(errors)
    async with in_transaction():
        customer = await lock_customer(organization_id, customer_id, ("customer_id",))
        refuse_anonymized(customer, ("customer_id",))
        has_default = await Address.filter(
            customer_id=customer.id, type=address_type, is_default=True
        ).exists()
        address = await Address.create(
            organization_id=organization_id,
            customer_id=customer.id,
            type=address_type,
            is_default=False,
            **cleaned,
        )
        if set_as_default or not has_default:
            await _make_default(address)
        await _touch_customer(customer.id)
        await record_event(
            organization_id=organization_id,
            customer_id=customer.id,
            address_id=address.id,
            action=CustomerEventAction.ADDRESS_CREATED,
            actor=actor,
            changes=changes_between({}, {"type": address_type, **cleaned}),
        )
        await record_address_event(organization_id, EventType.ADDRESS_CREATED, address.id)
    return await get_address(organization_id, address.id)


async def update_address(
    *,
    organization_id: uuid.UUID,
    address_id: uuid.UUID,
    fields: RawValues,
    actor: Actor,
) -> Address:
    """Edit in place: everything that points at this address sees the change."""
    async with in_transaction():
        # Read again under the customer's lock: the values compared and recorded are the
        # ones this write replaces.
        address = await _locked(organization_id, address_id)
        # Postal code and country are checked together, whichever of the two changes.
        context = {"country_code": address.country_code, "zip": address.zip}
        cleaned, errors = clean_address(context | dict(fields), "address")
        if errors:
            raise DomainError(errors)
        changed = {k: v for k, v in cleaned.items() if v != getattr(address, k)}
        if changed:
            await Address.filter(id=address.id).update(
                **changed, updated_at=dt.datetime.now(dt.UTC)
            )
            await _touch_customer(address.customer_id)
            await record_event(
                organization_id=organization_id,
                customer_id=address.customer_id,
                address_id=address.id,
                action=CustomerEventAction.ADDRESS_UPDATED,
                actor=actor,
                changes=changes_between({k: getattr(address, k) for k in changed}, changed),
            )
            await record_address_event(organization_id, EventType.ADDRESS_UPDATED, address.id)
    return await get_address(organization_id, address_id)


async def set_default_address(
    *, organization_id: uuid.UUID, address_id: uuid.UUID, actor: Actor
) -> Address:
    async with in_transaction():
        address = await _locked(organization_id, address_id)
        if not address.is_default:
            await _make_default(address)
            await _touch_customer(address.customer_id)
            await record_event(
                organization_id=organization_id,
                customer_id=address.customer_id,
                address_id=address.id,
                action=CustomerEventAction.ADDRESS_SET_DEFAULT,
                actor=actor,
                changes=[{"field": "is_default", "old": False, "new": True}],
            )
            await record_address_event(organization_id, EventType.ADDRESS_UPDATED, address.id)
    return await get_address(organization_id, address_id)
