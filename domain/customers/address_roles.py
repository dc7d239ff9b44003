"""Which of a customer's addresses serves which purpose."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import TypedDict, cast

from database.row_reader import Placeholders, RowReader
from models import Address
from models.enums import AddressType


class MissingDefaultAddress(LookupError):
    """Every customer has a DEFAULT address; its absence is a bug, not a user error."""


class AddressValues(TypedDict):
    """An address row as plain values: a page reads these, not model instances (cheaper)."""

    id: uuid.UUID
    customer_id: uuid.UUID
    type: AddressType
    is_default: bool
    company_name: str | None
    first_name: str | None
    last_name: str | None
    addition: str | None
    street: str | None
    house_number: str | None
    zip: str | None
    city: str | None
    country_code: str | None
    email: str | None


ADDRESS_VALUES = tuple(AddressValues.__annotations__)
# A page reads its customers' addresses with one fixed statement (see database.row_reader).
_ADDRESSES = RowReader(Address, ADDRESS_VALUES)


def address_values_of(address: Address) -> AddressValues:
    return cast(AddressValues, {name: getattr(address, name) for name in ADDRESS_VALUES})


def address_roles(kinds: Iterable[tuple[AddressType, bool]]) -> tuple[int | None, int | None]:
    """Positions of the default address and of the default INVOICE address, if any.

    `kinds` are (type, is_default) of a customer's addresses in their order; one rule for
    model instances and plain values alike.
    """
    default = invoice = None
    for position, (kind, is_default) in enumerate(kinds):
        if not is_default:
            continue
        if kind is AddressType.DEFAULT and default is None:
            default = position
        elif kind is AddressType.INVOICE and invoice is None:
            invoice = position
    return default, invoice


def default_address(addresses: Sequence[Address]) -> Address:
    """Standard-Kundenadresse (Empfängeradresse)."""
    default, _ = address_roles((address.type, address.is_default) for address in addresses)
    if default is None:
        raise MissingDefaultAddress
    return addresses[default]


def invoice_address(addresses: Sequence[Address]) -> Address:
    """Standard-Rechnungsadresse: the default INVOICE address, else the default address."""
    default, invoice = address_roles((address.type, address.is_default) for address in addresses)
    chosen = default if invoice is None else invoice
    if chosen is None:
        raise MissingDefaultAddress
    return addresses[chosen]


async def addresses_of_customers(
    organization_id: uuid.UUID, customer_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[AddressValues]]:
    """The addresses of several customers in one query, each customer's oldest first."""
    grouped: dict[uuid.UUID, list[AddressValues]] = defaultdict(list)
    if not customer_ids:
        return grouped
    place = Placeholders()
    rows = await _ADDRESSES.fetch(
        f"WHERE organization_id = {place(organization_id)} "
        f"AND customer_id IN ({place.each(customer_ids)}) ORDER BY created_at, id",
        place.parameters,
    )
    for row in cast(list[AddressValues], rows):
        grouped[row["customer_id"]].append(row)
    return grouped
