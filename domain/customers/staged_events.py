"""The `customer.created` events of an import's new customers, read while they are staged.

Reading 100,000 customers back and encoding their event data took most of the closing
transaction, the one that makes the import visible. The customers do not change between
staging and publishing (nothing can see them), so their data is read chunk by chunk
while staging, outside any transaction. Where it waits for publishing:

- PostgreSQL: in the worker's memory, compressed (the memory stays bounded), written in
  the publishing transaction. That transaction locks only the import's own new rows,
  so however long it writes, no other write waits for it.
- SQLite: in the database (domain/events.py, `stage_created_events`), joining the event
  log right after publishing in short transactions: SQLite has one write lock, and
  writing 100,000 events in the publishing transaction made every other write wait
  for seconds.
"""

from __future__ import annotations

import uuid
import zlib
from collections.abc import Iterator, Sequence

from database.dialect import is_postgres
from domain.event_data import customers_data
from domain.events import (
    encoded_event_data,
    record_encoded_customer_events,
    release_staged_events,
    stage_created_events,
)
from models.enums import EventType


class StagedEvents:
    def __init__(self, organization_id: uuid.UUID, import_id: uuid.UUID) -> None:
        self.organization_id = organization_id
        self.import_id = import_id
        self._in_memory = is_postgres()
        self._chunks: list[bytes] = []

    async def stage(self, customer_ids: Sequence[uuid.UUID]) -> None:
        """The events of these newly staged customers (call outside any transaction)."""
        if not customer_ids:
            return
        if not self._in_memory:
            await stage_created_events(self.organization_id, self.import_id, customer_ids)
            return
        data = await customers_data(self.organization_id, customer_ids)
        # Encoded JSON holds no raw tab or newline: they separate the fields and events.
        lines = "\n".join(
            f"{customer_id}\t{encoded_event_data(data[customer_id])}"
            for customer_id in customer_ids
        )
        self._chunks.append(zlib.compress(lines.encode(), 1))

    async def publish(self) -> None:
        """Inside the publishing transaction."""
        if self._chunks:
            await record_encoded_customer_events(
                self.organization_id, EventType.CUSTOMER_CREATED, self._events()
            )

    async def release(self) -> None:
        """After the publishing transaction committed."""
        if not self._in_memory:
            await release_staged_events(self.organization_id, self.import_id)

    def _events(self) -> Iterator[tuple[uuid.UUID, str]]:
        """(customer id, encoded data) in staging order."""
        for chunk in self._chunks:
            for line in zlib.decompress(chunk).decode().split("\n"):
                text_id, _, data = line.partition("\t")
                yield uuid.UUID(text_id), data
