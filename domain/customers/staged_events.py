"""The `customer.created` events of an import's new customers, read while they are staged.

Reading 100,000 customers back and encoding their event data took most of the closing
transaction, the one that makes the import visible and holds SQLite's write lock. The
customers do not change between staging and publishing (nothing can see them), so
their data is read chunk by chunk while staging, outside any transaction, and kept
compressed (the worker's memory stays bounded); publishing only writes the events.
"""

from __future__ import annotations

import uuid
import zlib
from collections.abc import Iterator, Sequence

from domain.event_data import customers_data
from domain.events import encoded_event_data


class StagedEvents:
    def __init__(self) -> None:
        self._chunks: list[bytes] = []

    async def read(self, organization_id: uuid.UUID, customer_ids: Sequence[uuid.UUID]) -> None:
        data = await customers_data(organization_id, customer_ids)
        # Encoded JSON holds no raw tab or newline: they separate the fields and events.
        lines = "\n".join(
            f"{customer_id}\t{encoded_event_data(data[customer_id])}"
            for customer_id in customer_ids
        )
        self._chunks.append(zlib.compress(lines.encode(), 1))

    def events(self, leaving_out: set[uuid.UUID]) -> Iterator[tuple[uuid.UUID, str]]:
        """(customer id, encoded data) in staging order."""
        for chunk in self._chunks:
            for line in zlib.decompress(chunk).decode().split("\n"):
                text_id, _, data = line.partition("\t")
                customer_id = uuid.UUID(text_id)
                if customer_id not in leaving_out:
                    yield customer_id, data
