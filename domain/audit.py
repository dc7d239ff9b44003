"""Audit trail of customer writes, written in the same transaction as the write."""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from collections.abc import Mapping
from typing import Any

from domain.principal import Actor
from models import CustomerEvent
from models.enums import CustomerEventAction


def _plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def changes_between(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[dict[str, Any]]:
    """[{field, old, new}] for each field of `new` whose value differs from `old`."""
    return [
        {"field": name, "old": _plain(old.get(name)), "new": _plain(value)}
        for name, value in new.items()
        if _plain(old.get(name)) != _plain(value)
    ]


def new_event(
    *,
    organization_id: uuid.UUID,
    customer_id: uuid.UUID,
    action: CustomerEventAction,
    actor: Actor,
    changes: list[dict[str, Any]] | None = None,
    address_id: uuid.UUID | None = None,
) -> CustomerEvent:
    """An event not yet saved (for writing many in one statement)."""
    return CustomerEvent(
        organization_id=organization_id,
        customer_id=customer_id,
        address_id=address_id,
        action=action,
        actor_type=actor.type,
        actor_id=actor.id,
        changes=changes,
    )


async def record_event(
    *,
    organization_id: uuid.UUID,
    customer_id: uuid.UUID,
    action: CustomerEventAction,
    actor: Actor,
    changes: list[dict[str, Any]] | None = None,
    address_id: uuid.UUID | None = None,
) -> None:
    await new_event(
        organization_id=organization_id,
        customer_id=customer_id,
        action=action,
        actor=actor,
        changes=changes,
        address_id=address_id,
    ).save()


async def redact_events(organization_id: uuid.UUID, customer_id: uuid.UUID) -> None:
    """Drop the values of a deleted customer's events; who changed which field when stays."""
    events = await CustomerEvent.filter(
        organization_id=organization_id, customer_id=customer_id, changes__isnull=False
    )
    for event in events:
        event.changes = [
            {"field": item["field"], "old": None, "new": None} for item in event.changes
        ]
    if events:
        # One statement for all rows: this runs while the customer row is locked.
        await CustomerEvent.bulk_update(events, fields=["changes"], batch_size=500)
