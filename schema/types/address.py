from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Self

import strawberry

from domain.customers.address_roles import (
    AddressValues,
    MissingDefaultAddress,
    address_roles,
    address_values_of,
)
from domain.idempotency import note_customer
from models import Address as AddressRow
from models.enums import AddressType as StoredAddressType
from schema.enums import AddressType
from schema.node import Node, encode_id


@strawberry.type
class Address(Node):
    id: strawberry.ID
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
    country_code: str | None = strawberry.field(description="ISO 3166-1 alpha-2")
    email: str | None = strawberry.field(
        description="Recipient e-mail for documents sent to this address."
    )
    pk: strawberry.Private[uuid.UUID]
    customer_pk: strawberry.Private[uuid.UUID]

    @classmethod
    def from_model(cls, row: AddressRow) -> Self:
        return cls.from_values(address_values_of(row))

    @classmethod
    def from_values(cls, row: AddressValues) -> Self:
        note_customer(row["customer_id"])
        return cls(
            id=encode_id("Address", row["id"]),
            type=AddressType(row["type"].value),
            is_default=row["is_default"],
            company_name=row["company_name"],
            first_name=row["first_name"],
            last_name=row["last_name"],
            addition=row["addition"],
            street=row["street"],
            house_number=row["house_number"],
            zip=row["zip"],
            city=row["city"],
            country_code=row["country_code"],
            email=row["email"],
            pk=row["id"],
            customer_pk=row["customer_id"],
        )


@dataclass(frozen=True, slots=True)
class CustomerAddresses:
    """A customer's addresses with their roles picked out: what its address fields answer."""

    all: list[Address]
    found_default: Address | None
    found_invoice: Address | None

    @classmethod
    def of(
        cls, addresses: list[Address], kinds: Iterable[tuple[StoredAddressType, bool]]
    ) -> CustomerAddresses:
        default, invoice = address_roles(kinds)
        return cls(
            all=addresses,
            found_default=None if default is None else addresses[default],
            found_invoice=None if invoice is None else addresses[invoice],
        )

    @classmethod
    def from_models(cls, rows: list[AddressRow]) -> CustomerAddresses:
        return cls.from_values([address_values_of(row) for row in rows])

    @classmethod
    def from_values(cls, rows: list[AddressValues]) -> CustomerAddresses:
        kinds = [(row["type"], row["is_default"]) for row in rows]
        return cls.of([Address.from_values(row) for row in rows], kinds)

    @property
    def default(self) -> Address:
        """Standard-Kundenadresse; every customer has one, so its absence is a bug."""
        if self.found_default is None:
            raise MissingDefaultAddress
        return self.found_default

    @property
    def invoice(self) -> Address:
        """Standard-Rechnungsadresse: the default INVOICE address, else the default address."""
        return self.found_invoice or self.default

    @property
    def differing_invoice(self) -> Address | None:
        """The default INVOICE address, if any (asked of a customer that has its default)."""
        return self.found_invoice if self.default else None
