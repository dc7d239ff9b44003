from __future__ import annotations

import uuid
from collections.abc import Mapping

import strawberry

from domain.customers.address_roles import AddressValues
from domain.customers.listing import Matching, Page
from schema.context import Context
from schema.types.address import CustomerAddresses
from schema.types.customer import Customer, CustomerEdge, PageInfo


@strawberry.type
class CustomerConnection:
    edges: list[CustomerEdge]
    page_info: PageInfo
    matching: strawberry.Private[Matching]

    @classmethod
    def from_page(
        cls,
        page: Page,
        matching: Matching,
        context: Context,
        addresses: Mapping[uuid.UUID, list[AddressValues]] | None = None,
    ) -> CustomerConnection:
        """`addresses`: the page's addresses when they were read ahead, by customer."""
        return cls(
            edges=[
                CustomerEdge(
                    cursor=cursor,
                    node=Customer.from_values(
                        row,
                        context,
                        None
                        if addresses is None
                        else CustomerAddresses.from_values(addresses.get(row["id"], [])),
                    ),
                )
                for row, cursor in zip(page.customers, page.cursors, strict=True)
            ],
            page_info=PageInfo(
                has_next_page=page.has_next_page,
                has_previous_page=page.has_previous_page,
                start_cursor=page.cursors[0] if page.cursors else None,
                end_cursor=page.cursors[-1] if page.cursors else None,
            ),
            matching=matching,
        )

    @strawberry.field
    async def total_count(self) -> int:
        # Counted only when asked for: most pages of an overview do not need it.
        return await self.matching.count()
