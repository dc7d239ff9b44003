from __future__ import annotations

import datetime as dt
import json
from enum import Enum
from typing import Any, Self

import strawberry

from models import CustomerEvent as CustomerEventRow
from schema.errors import camel
from schema.node import encode_id


@strawberry.enum
class CustomerEventAction(Enum):
    CREATED = "CREATED"
    UPDATED = "UPDATED"
    ARCHIVED = "ARCHIVED"
    RESTORED = "RESTORED"
    DELETED = "DELETED"
    ADDRESS_CREATED = "ADDRESS_CREATED"
    ADDRESS_UPDATED = "ADDRESS_UPDATED"
    ADDRESS_SET_DEFAULT = "ADDRESS_SET_DEFAULT"
    ANONYMIZED = "ANONYMIZED"


@strawberry.enum
class ActorType(Enum):
    API_KEY = "API_KEY"
    USER = "USER"


@strawberry.type(description="One changed field: old and new value as JSON text.")
class FieldChange:
    field: str
    old_value: str | None
    new_value: str | None


def _json(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False)


@strawberry.type(description="An entry of the audit trail: who changed what, and when.")
class CustomerEvent:
    action: CustomerEventAction
    actor_type: ActorType
    actor_id: strawberry.ID = strawberry.field(
        description="A user's global id (as User.id), or the API key's id (as the CLI prints it)."
    )
    address_id: strawberry.ID | None
    created_at: dt.datetime
    changes: list[FieldChange]

    @classmethod
    def from_model(cls, row: CustomerEventRow, address_id: strawberry.ID | None) -> Self:
        return cls(
            action=CustomerEventAction[row.action.value],
            actor_type=ActorType[row.actor_type.value],
            actor_id=(
                encode_id("User", row.actor_id)
                if row.actor_type.value == "USER"
                else strawberry.ID(str(row.actor_id))
            ),
            address_id=address_id,
            created_at=row.created_at,
            changes=[
                FieldChange(
                    field=camel(item["field"]),
                    old_value=_json(item["old"]),
                    new_value=_json(item["new"]),
                )
                for item in row.changes or []
            ],
        )
