"""Per-request DataLoaders: nested fields of a page cost one query per kind, not per row."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from strawberry.dataloader import DataLoader

from models import Address, Customer


@dataclass
class Loaders:
    """Every loader filters by the caller's organization: foreign ids load as missing."""

    organization_id: uuid.UUID
    addresses_by_customer: DataLoader[uuid.UUID, list[Address]] = field(init=False)
    customer_by_id: DataLoader[uuid.UUID, Customer | None] = field(init=False)
    address_by_id: DataLoader[uuid.UUID, Address | None] = field(init=False)

    def __post_init__(self) -> None:
        self.addresses_by_customer = DataLoader(self._addresses_by_customer)
        self.customer_by_id = DataLoader(self._customer_by_id)
        self.address_by_id = DataLoader(self._address_by_id)

    async def _addresses_by_customer(self, keys: Sequence[uuid.UUID]) -> list[list[Address]]:
        grouped: dict[uuid.UUID, list[Address]] = defaultdict(list)
        rows = await Address.filter(
            organization_id=self.organization_id, customer_id__in=list(keys)
        ).order_by("created_at", "id")
        for row in rows:
            grouped[row.customer_id].append(row)
        return [grouped[key] for key in keys]

    async def _customer_by_id(self, keys: Sequence[uuid.UUID]) -> list[Customer | None]:
        rows = await Customer.filter(organization_id=self.organization_id, id__in=list(keys))
        by_id = {row.id: row for row in rows}
        return [by_id.get(key) for key in keys]

    async def _address_by_id(self, keys: Sequence[uuid.UUID]) -> list[Address | None]:
        rows = await Address.filter(organization_id=self.organization_id, id__in=list(keys))
        by_id = {row.id: row for row in rows}
        return [by_id.get(key) for key in keys]
