"""Address mutations."""

from __future__ import annotations

from domain.customers import addresses
from domain.customers.editing import get_customer
from domain.customers.registry import ADDRESS_INPUT_FIELDS
from models import Address as AddressRow
from models.enums import AddressType
from resolvers.guards import require_customer_write
from resolvers.inputs import given, require_id, value_of
from resolvers.payloads import refusals_as
from schema.context import Info
from schema.inputs import AddressCreateInput, AddressSetDefaultInput, AddressUpdateInput
from schema.payloads import AddressPayload
from schema.types.address import Address
from schema.types.customer import Customer


async def _payload(info: Info, row: AddressRow) -> AddressPayload:
    customer = await get_customer(info.context.principal.organization_id, row.customer_id)
    return AddressPayload(
        address=Address.from_model(row), customer=Customer.from_model(customer, info.context)
    )


@refusals_as(AddressPayload)
async def address_create(info: Info, input: AddressCreateInput) -> AddressPayload:
    require_customer_write(info)
    row = await addresses.create_address(
        organization_id=info.context.principal.organization_id,
        customer_id=require_id(input.customer_id, "Customer", "customer_id"),
        address_type=AddressType[input.type.name],
        set_as_default=bool(value_of(input.set_as_default, False)),
        fields=given(input.address, ADDRESS_INPUT_FIELDS),
        actor=info.context.principal.actor,
    )
    return await _payload(info, row)


@refusals_as(AddressPayload)
async def address_update(info: Info, input: AddressUpdateInput) -> AddressPayload:
    require_customer_write(info)
    row = await addresses.update_address(
        organization_id=info.context.principal.organization_id,
        address_id=require_id(input.id, "Address"),
        fields=given(input.address, ADDRESS_INPUT_FIELDS),
        actor=info.context.principal.actor,
    )
    return await _payload(info, row)


@refusals_as(AddressPayload)
async def address_set_default(info: Info, input: AddressSetDefaultInput) -> AddressPayload:
    require_customer_write(info)
    row = await addresses.set_default_address(
        organization_id=info.context.principal.organization_id,
        address_id=require_id(input.id, "Address"),
        actor=info.context.principal.actor,
    )
    return await _payload(info, row)
