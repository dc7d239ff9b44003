"""Irreversible deletion, refused while records must be kept (GoBD).

A customer with active subscriptions, invoices, completed orders or payments stays.
The check and the delete share one transaction; the customer row is locked first
(PostgreSQL), and every billing record references the customer ON DELETE RESTRICT, so
a record inserted concurrently makes one of the two writes fail instead of being orphaned.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.functions import Count
from tortoise.models import Model
from tortoise.transactions import in_transaction

from domain.audit import record_event, redact_events
from domain.customers.editing import lock_customer, refuse_anonymized
from domain.errors import DomainError, ErrorCode, FieldError
from domain.events import record_customer_removed
from domain.idempotency import erase_stored_responses
from domain.principal import Actor
from models import Address, Customer, Invoice, Order, Payment, Subscription
from models.enums import CustomerEventAction, EventType, OrderStatus, SubscriptionStatus

_BLOCKING: tuple[tuple[ErrorCode, type[Model], dict[str, Any], str], ...] = (
    (
        ErrorCode.HAS_ACTIVE_SUBSCRIPTIONS,
        Subscription,
        {"status": SubscriptionStatus.ACTIVE},
        "active subscriptions",
    ),
    (ErrorCode.HAS_INVOICES, Invoice, {}, "invoices"),
    (ErrorCode.HAS_COMPLETED_ORDERS, Order, {"status": OrderStatus.COMPLETED}, "completed orders"),
    (ErrorCode.HAS_PAYMENTS, Payment, {}, "payments"),
)


@dataclass(frozen=True, slots=True)
class Blocker:
    code: ErrorCode
    count: int
    what: str


async def deletion_blockers(
    organization_id: uuid.UUID, customer_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[Blocker]]:
    """Why each customer cannot be deleted now: one query per kind of record."""
    found: dict[uuid.UUID, list[Blocker]] = defaultdict(list)
    for code, model, conditions, what in _BLOCKING:
        rows = (
            await model.filter(
                organization_id=organization_id, customer_id__in=list(customer_ids), **conditions
            )
            .annotate(count=Count("id"))
            .group_by("customer_id")
            .values("customer_id", "count")
        )
        for row in rows:
            found[uuid.UUID(str(row["customer_id"]))].append(Blocker(code, row["count"], what))
    return found


def _refusal(blockers: list[Blocker]) -> DomainError:
    return DomainError(
        FieldError(
            blocker.code,
            f"The customer has {blocker.count} {blocker.what} and must be kept.",
            ("id",),
        )
        for blocker in blockers
    )


async def delete_customer(
    *, organization_id: uuid.UUID, customer_id: uuid.UUID, actor: Actor
) -> uuid.UUID:
    try:
        async with in_transaction():
            customer = await lock_customer(organization_id, customer_id)
            refuse_anonymized(customer)
            blockers = (await deletion_blockers(organization_id, [customer.id])).get(customer.id)
            if blockers:
                raise _refusal(blockers)
            # What does not block goes with the customer: cancelled subscriptions, open
            # orders, addresses (subscriptions first: they may point at an address).
            # The status conditions matter: a record that became blocking meanwhile stays,
            # and the customer delete below then fails on its RESTRICT foreign key.
            await Subscription.filter(
                customer_id=customer.id, status=SubscriptionStatus.CANCELLED
            ).delete()
            await Order.filter(customer_id=customer.id, status=OrderStatus.OPEN).delete()
            await Address.filter(customer_id=customer.id).delete()
            await Customer.filter(id=customer.id).delete()
            # No personal data may outlive the customer: earlier events keep who changed
            # which field when, but lose the values; the fact of the deletion stays.
            await redact_events(organization_id, customer.id)
            await erase_stored_responses(organization_id, customer.id)
            await record_event(
                organization_id=organization_id,
                customer_id=customer.id,
                action=CustomerEventAction.DELETED,
                actor=actor,
            )
            await record_customer_removed(
                organization_id,
                EventType.CUSTOMER_DELETED,
                customer_id=customer.id,
                customer_number=customer.customer_number,
                datev_debtor_number=customer.datev_debtor_number,
            )
    except IntegrityError:
        # A billing record was created concurrently and now holds the customer.
        blockers = (await deletion_blockers(organization_id, [customer_id])).get(customer_id)
        raise (
            _refusal(blockers or [])
            if blockers
            else DomainError.single(
                ErrorCode.CONFLICT, "The customer changed while deleting; try again.", ("id",)
            )
        ) from None
    return customer_id
