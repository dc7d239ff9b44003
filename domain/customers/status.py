"""Archiving (hidden from the overview) and restoring customers."""

from __future__ import annotations

import datetime as dt
import uuid

from tortoise.expressions import F
from tortoise.transactions import in_transaction

from domain.audit import record_event
from domain.customers.editing import get_customer, refuse_anonymized
from domain.errors import DomainError, ErrorCode
from domain.events import record_customer_events
from domain.principal import Actor
from models import Customer
from models.enums import CustomerEventAction, CustomerStatus, EventType


async def _set_status(
    organization_id: uuid.UUID, customer_id: uuid.UUID, *, to: CustomerStatus, actor: Actor
) -> Customer:
    came_from = CustomerStatus.ARCHIVED if to is CustomerStatus.ACTIVE else CustomerStatus.ACTIVE
    now = dt.datetime.now(dt.UTC)
    archived_at = now if to is CustomerStatus.ARCHIVED else None
    async with in_transaction():
        # Conditional on the current status, so two concurrent archives cannot both win.
        updated = await Customer.filter(
            id=customer_id, organization_id=organization_id, status=came_from
        ).update(status=to, archived_at=archived_at, version=F("version") + 1, updated_at=now)
        if updated == 1:
            await record_event(
                organization_id=organization_id,
                customer_id=customer_id,
                action=(
                    CustomerEventAction.ARCHIVED
                    if to is CustomerStatus.ARCHIVED
                    else CustomerEventAction.RESTORED
                ),
                actor=actor,
                changes=[{"field": "status", "old": came_from.value, "new": to.value}],
            )
            archived = to is CustomerStatus.ARCHIVED
            await record_customer_events(
                organization_id,
                EventType.CUSTOMER_ARCHIVED if archived else EventType.CUSTOMER_RESTORED,
                [customer_id],
            )
    customer = await get_customer(organization_id, customer_id)
    if updated == 0:
        refuse_anonymized(customer)
        if to is CustomerStatus.ARCHIVED:
            raise DomainError.single(
                ErrorCode.ALREADY_ARCHIVED, "The customer is already archived.", ("id",)
            )
        raise DomainError.single(ErrorCode.NOT_ARCHIVED, "The customer is not archived.", ("id",))
    return customer


async def archive_customer(
    *, organization_id: uuid.UUID, customer_id: uuid.UUID, actor: Actor
) -> Customer:
    return await _set_status(organization_id, customer_id, to=CustomerStatus.ARCHIVED, actor=actor)


async def restore_customer(
    *, organization_id: uuid.UUID, customer_id: uuid.UUID, actor: Actor
) -> Customer:
    return await _set_status(organization_id, customer_id, to=CustomerStatus.ACTIVE, actor=actor)
