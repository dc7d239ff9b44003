from __future__ import annotations

from typing import Self

import strawberry

from models import Organization as OrganizationRow
from schema.node import Node, encode_id


@strawberry.type
class Organization(Node):
    id: strawberry.ID
    name: str
    datev_enabled: bool = strawberry.field(
        description="The DATEV add-on; switched on by the operator, not by the organization."
    )
    customers_read_only: bool = strawberry.field(
        description=(
            "Schreibgeschützte Kunden: web-app users may neither create nor change customers; "
            "API keys still may."
        )
    )

    @classmethod
    def from_model(cls, row: OrganizationRow) -> Self:
        return cls(
            id=encode_id("Organization", row.id),
            name=row.name,
            datev_enabled=row.datev_enabled,
            customers_read_only=row.customers_read_only,
        )
