"""SQLite: events of an import's new customers, written while the import stages them.

They join the event log (models/event.py) right after the import publishes, in short
transactions: writing 100,000 events in the publishing transaction held SQLite's one
write lock for seconds (domain/customers/staged_events.py). PostgreSQL keeps them in
the import worker's memory instead.
"""

from __future__ import annotations

import uuid
from typing import Any

from tortoise import fields
from tortoise.models import Model

from models.enums import EventType
from models.organization import Organization


class StagedEvent(Model):
    id = fields.BigIntField(primary_key=True, description="The order they join the log in")
    organization: fields.ForeignKeyRelation[Organization] = fields.ForeignKeyField(
        "models.Organization", related_name=False, on_delete=fields.RESTRICT
    )
    organization_id: uuid.UUID
    import_id = fields.UUIDField(description="The staging mark of the import attempt")
    type = fields.CharEnumField(EventType, max_length=32)
    customer_id = fields.UUIDField(db_index=True)
    data: Any = fields.JSONField(description="As Event.data")

    class Meta:
        table = "staged_events"
        indexes = (("import_id", "id"),)
