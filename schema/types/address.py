from __future__ import annotations

import uuid
from typing import Self

import strawberry

from models import Address as AddressRow
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
        return cls(
            id=encode_id("Address", row.id),
            type=AddressType(row.type.value),
            is_default=row.is_default,
            company_name=row.company_name,
            first_name=row.first_name,
            last_name=row.last_name,
            addition=row.addition,
            street=row.street,
            house_number=row.house_number,
            zip=row.zip,
            city=row.city,
            country_code=row.country_code,
            email=row.email,
            pk=row.id,
            customer_pk=row.customer_id,
        )
