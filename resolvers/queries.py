"""Query fields: node, customer, customers, organization."""

from __future__ import annotations

import uuid
from typing import Any

import strawberry
from strawberry.dataloader import DataLoader

from domain.customers.address_roles import addresses_of_customers
from domain.customers.listing import (
    CustomerFilter as ListFilter,
)
from domain.customers.listing import (
    PaginationError,
    SortField,
    StatusFilter,
    Window,
    fetch_page,
    filtered,
)
from models.enums import CustomerType
from resolvers.exports import export_job
from resolvers.imports import import_job
from resolvers.inputs import value_of
from resolvers.lookahead import selected_below
from schema.context import Info
from schema.errors import ClientError
from schema.inputs import CustomerFilter, CustomerSort
from schema.node import Node, decode_any_id, decode_id
from schema.types.address import Address
from schema.types.billing import Invoice, Order, Payment, Subscription
from schema.types.customer import Customer
from schema.types.customer_connection import CustomerConnection
from schema.types.organization import Organization

# Node fields answered from the customers' addresses, read ahead for the whole page.
ADDRESS_FIELDS = frozenset(
    {"defaultAddress", "invoiceAddress", "differingInvoiceAddress", "addresses"}
)


async def node(info: Info, id: strawberry.ID) -> Node | None:
    decoded = decode_any_id(id)
    if decoded is None:
        return None
    type_name, pk = decoded
    loaders = info.context.loaders
    if type_name == "Customer":
        customer = await loaders.customer_by_id.load(pk)
        return Customer.from_model(customer, info.context) if customer else None
    if type_name == "Address":
        address = await loaders.address_by_id.load(pk)
        return Address.from_model(address) if address else None
    if type_name == "Organization" and pk == info.context.principal.organization_id:
        return Organization.from_model(info.context.principal.organization)
    records: dict[str, tuple[DataLoader[uuid.UUID, Any], Any]] = {
        "Subscription": (loaders.subscription_by_id, Subscription),
        "Order": (loaders.order_by_id, Order),
        "Invoice": (loaders.invoice_by_id, Invoice),
        "Payment": (loaders.payment_by_id, Payment),
    }
    if type_name == "ExportJob":
        return await export_job(info, id)
    if type_name == "ImportJob":
        return await import_job(info, id)
    if type_name in records:
        loader, node_type = records[type_name]
        row = await loader.load(pk)
        return node_type.from_model(row) if row else None
    return None


async def customer(info: Info, id: strawberry.ID) -> Customer | None:
    pk = decode_id(id, "Customer")
    if pk is None:
        return None
    row = await info.context.loaders.customer_by_id.load(pk)
    return Customer.from_model(row, info.context) if row else None


async def customers(
    info: Info,
    first: int | None = None,
    after: str | None = None,
    last: int | None = None,
    before: str | None = None,
    filter: CustomerFilter | None = None,
    sort: CustomerSort | None = None,
) -> CustomerConnection:
    list_filter = ListFilter()
    if filter is not None:
        status = value_of(filter.status, StatusFilter.ACTIVE.value)
        customer_type = value_of(filter.type)
        list_filter = ListFilter(
            search=value_of(filter.search),
            status=StatusFilter(status),
            type=CustomerType(customer_type) if customer_type else None,
        )
    sort_field = SortField[sort.field.value] if sort else SortField.CREATED_AT
    descending = sort is not None and value_of(sort.direction) == "DESC"
    try:
        matching = filtered(info.context.principal.organization_id, list_filter)
        page = await fetch_page(
            matching,
            Window(first, after, last, before),
            sort_field,
            descending,
            max_size=info.context.max_page_size,
        )
    except PaginationError as error:
        raise ClientError(str(error)) from None
    addresses = None
    if page.customers and ADDRESS_FIELDS & selected_below(info.selected_fields, ("edges", "node")):
        addresses = await addresses_of_customers(
            info.context.principal.organization_id, [row["id"] for row in page.customers]
        )
    return CustomerConnection.from_page(page, matching, info.context, addresses)


async def organization(info: Info) -> Organization:
    return Organization.from_model(info.context.principal.organization)
