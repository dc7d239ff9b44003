"""Customer mutations."""

from __future__ import annotations

from typing import Any

from domain.customers import anonymization, deletion, editing, status
from domain.customers.editing import CustomerDraft
from domain.customers.registry import ADDRESS_INPUT_FIELDS, CUSTOMER_INPUT_FIELDS
from models.enums import CustomerType
from resolvers.guards import require_customer_anonymize, require_customer_write
from resolvers.inputs import given, require_id, value_of
from resolvers.payloads import refusals_as
from schema.context import Info
from schema.inputs import (
    AddressInput,
    CustomerCreateInput,
    CustomerIdInput,
    CustomerUpdateInput,
    DatevInfoInput,
)
from schema.node import encode_id
from schema.payloads import CustomerDeletePayload, CustomerPayload
from schema.types.customer import Customer

UPDATE_FIELDS = CUSTOMER_INPUT_FIELDS
# The type is required on create: a plain field, not a Maybe that given() reads.
CREATE_FIELDS = tuple(name for name in CUSTOMER_INPUT_FIELDS if name != "type")


def address_fields(address: AddressInput | None) -> dict[str, Any] | None:
    return None if address is None else given(address, ADDRESS_INPUT_FIELDS)


def datev_fields(datev: DatevInfoInput | None) -> dict[str, Any] | None:
    return None if datev is None else {"debtor_number": value_of(datev.debtor_number)}


@refusals_as(CustomerPayload)
async def customer_create(info: Info, input: CustomerCreateInput) -> CustomerPayload:
    require_customer_write(info)
    fields = given(input, CREATE_FIELDS) | {"type": CustomerType[input.type.name]}
    draft = CustomerDraft(
        fields=fields,
        address=address_fields(value_of(input.address)),
        invoice_address=address_fields(value_of(input.invoice_address)),
        datev=datev_fields(value_of(input.datev)),
    )
    row = await editing.create_customer(
        organization=info.context.principal.organization,
        draft=draft,
        actor=info.context.principal.actor,
    )
    return CustomerPayload(customer=Customer.from_model(row, info.context))


@refusals_as(CustomerPayload)
async def customer_update(info: Info, input: CustomerUpdateInput) -> CustomerPayload:
    require_customer_write(info)
    customer_id = require_id(input.id, "Customer")
    changes = given(input, UPDATE_FIELDS)
    row = await editing.update_customer(
        organization=info.context.principal.organization,
        customer_id=customer_id,
        changes=changes,
        actor=info.context.principal.actor,
        expected_version=value_of(input.expected_version),
        datev=datev_fields(value_of(input.datev)),
    )
    return CustomerPayload(customer=Customer.from_model(row, info.context))


@refusals_as(CustomerPayload)
async def customer_archive(info: Info, input: CustomerIdInput) -> CustomerPayload:
    require_customer_write(info)
    row = await status.archive_customer(
        organization_id=info.context.principal.organization_id,
        customer_id=require_id(input.id, "Customer"),
        actor=info.context.principal.actor,
    )
    return CustomerPayload(customer=Customer.from_model(row, info.context))


@refusals_as(CustomerPayload)
async def customer_restore(info: Info, input: CustomerIdInput) -> CustomerPayload:
    require_customer_write(info)
    row = await status.restore_customer(
        organization_id=info.context.principal.organization_id,
        customer_id=require_id(input.id, "Customer"),
        actor=info.context.principal.actor,
    )
    return CustomerPayload(customer=Customer.from_model(row, info.context))


@refusals_as(CustomerDeletePayload)
async def customer_delete(info: Info, input: CustomerIdInput) -> CustomerDeletePayload:
    require_customer_write(info)
    deleted = await deletion.delete_customer(
        organization_id=info.context.principal.organization_id,
        customer_id=require_id(input.id, "Customer"),
        actor=info.context.principal.actor,
    )
    return CustomerDeletePayload(deleted_customer_id=encode_id("Customer", deleted))


@refusals_as(CustomerPayload)
async def customer_anonymize(info: Info, input: CustomerIdInput) -> CustomerPayload:
    require_customer_anonymize(info)
    settings = info.context.request.app.state.settings
    done = await anonymization.anonymize_customer(
        organization_id=info.context.principal.organization_id,
        customer_id=require_id(input.id, "Customer"),
        actor=info.context.principal.actor,
        secret_key=settings.secret_key,
    )
    # Only once committed (with an Idempotency-Key the transaction ends after this
    # resolver) can the old copies in the database's files and the export files go.
    info.context.after_commit.append(lambda: anonymization.wipe_copies(done, settings.export_dir))
    return CustomerPayload(customer=Customer.from_model(done.customer, info.context))
