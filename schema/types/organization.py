from __future__ import annotations

from typing import Self

import strawberry

from domain.datev import debtor_bounds
from models import Organization as OrganizationRow
from schema.node import Node, encode_id


@strawberry.type(description="Settings of the DATEV add-on.")
class DatevSettings:
    account_length: int = strawberry.field(
        description="Sachkontenlänge (4-8); debtor numbers have one digit more."
    )
    consultant_number: str | None = strawberry.field(description="Beraternummer")
    client_number: str | None = strawberry.field(description="Mandantennummer")
    debtor_number_min: int
    debtor_number_max: int


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

    datev_settings: DatevSettings | None = strawberry.field(
        description="Null when the DATEV add-on is not enabled."
    )

    @classmethod
    def from_model(cls, row: OrganizationRow) -> Self:
        bounds = debtor_bounds(row.datev_account_length)
        return cls(
            id=encode_id("Organization", row.id),
            name=row.name,
            datev_enabled=row.datev_enabled,
            customers_read_only=row.customers_read_only,
            datev_settings=DatevSettings(
                account_length=row.datev_account_length,
                consultant_number=row.datev_consultant_number,
                client_number=row.datev_client_number,
                debtor_number_min=bounds.minimum,
                debtor_number_max=bounds.maximum or 0,
            )
            if row.datev_enabled
            else None,
        )
