"""Per-request DataLoaders: nested fields of a page cost one query per kind, not per row."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

from strawberry.dataloader import DataLoader
from tortoise.models import Model

from domain.customers.deletion import Blocker, deletion_blockers
from models import Address, Customer, CustomerEvent, Invoice, Order, Payment, Subscription

M = TypeVar("M", bound=Model)


class Loaders:
    """Every loader filters by the caller's organization: foreign ids load as missing."""

    def __init__(self, organization_id: uuid.UUID) -> None:
        self.organization_id = organization_id
        self.addresses_by_customer = DataLoader(self._grouped(Address, "created_at", "id"))
        self.subscriptions_by_customer = DataLoader(self._grouped(Subscription, "created_at", "id"))
        self.events_by_customer = DataLoader(self._grouped(CustomerEvent, "created_at", "id"))
        self.deletion_blockers = DataLoader(self._deletion_blockers)
        self.customer_by_id = DataLoader(self._by_id(Customer, staged_import_id__isnull=True))
        self.address_by_id = DataLoader(self._by_id(Address))
        self.subscription_by_id = DataLoader(self._by_id(Subscription))
        self.order_by_id = DataLoader(self._by_id(Order))
        self.invoice_by_id = DataLoader(self._by_id(Invoice))
        self.payment_by_id = DataLoader(self._by_id(Payment))

    def _grouped(
        self, model: type[M], *order: str
    ) -> Callable[[Sequence[uuid.UUID]], Awaitable[list[list[M]]]]:
        async def load(customer_ids: Sequence[uuid.UUID]) -> list[list[M]]:
            grouped: dict[uuid.UUID, list[M]] = defaultdict(list)
            rows = await model.filter(
                organization_id=self.organization_id, customer_id__in=list(customer_ids)
            ).order_by(*order)
            for row in rows:
                grouped[row.customer_id].append(row)  # type: ignore[attr-defined]
            return [grouped[key] for key in customer_ids]

        return load

    def _by_id(
        self, model: type[M], **only: object
    ) -> Callable[[Sequence[uuid.UUID]], Awaitable[list[M | None]]]:
        async def load(ids: Sequence[uuid.UUID]) -> list[M | None]:
            # By key alone, the organization checked on the rows found: with both in the
            # condition SQLite walks the organization's whole index for a batch of ids.
            rows = await model.filter(id__in=list(ids), **only)
            by_id = {
                row.pk: row
                for row in rows
                if row.organization_id == self.organization_id  # type: ignore[attr-defined]
            }
            return [by_id.get(key) for key in ids]

        return load

    async def _deletion_blockers(self, customer_ids: Sequence[uuid.UUID]) -> list[list[Blocker]]:
        found = await deletion_blockers(self.organization_id, customer_ids)
        return [found.get(key, []) for key in customer_ids]
