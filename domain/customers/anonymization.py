"""Anonymization (DSGVO Art. 17) of a customer that retention duties keep from deletion.

Invoices and accounting records must be kept for 8 to 10 years (HGB §257, AO §147), so
customerDelete refuses a customer that has them. Anonymizing erases the personal data of
the customer and its addresses instead and keeps what accounting needs (Art. 17(3)(b)):
id, customer number, DATEV debtor number, type, currency, payment method type, and the
billing records with the invoices' address copies as issued. Irreversible.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import hmac
import logging
import uuid
from dataclasses import dataclass
from pathlib import Path

from tortoise.expressions import F, Q
from tortoise.transactions import in_transaction

from database import wipe_replaced_data
from domain.audit import record_event, redact_events
from domain.customers.editing import get_customer, lock_customer, refuse_anonymized
from domain.customers.registry import PERSONAL_ADDRESS_FIELDS, PERSONAL_CUSTOMER_FIELDS
from domain.events import record_customer_removed
from domain.exports import ACTIVE
from domain.idempotency import erase_stored_responses
from domain.principal import Actor
from models import Address, Customer, ExportJob
from models.enums import (
    CustomerEventAction,
    CustomerStatus,
    CustomerType,
    EventType,
    ExportFormat,
)

logger = logging.getLogger("kundenstamm.anonymization")

ANONYMIZED_NAME = "Anonymisiert"
# A company's name names a legal entity, not a person: only a person's is erased.
PERSONS_ONLY = frozenset({"company_name"})
# Personal, but replaced rather than cleared (it is required).
REPLACED = frozenset({"display_name"})


def erased_fields(customer_type: CustomerType) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(customer, address) attributes the registry marks personal that an anonymization
    clears for a customer of this type."""
    skip = REPLACED | (PERSONS_ONLY if customer_type is CustomerType.COMPANY else frozenset())
    return (
        tuple(name for name in PERSONAL_CUSTOMER_FIELDS if name not in skip),
        tuple(name for name in PERSONAL_ADDRESS_FIELDS if name not in skip),
    )


def anonymized_display_name(customer_number: str) -> str:
    return f"{ANONYMIZED_NAME} {customer_number}"


def external_id_digest(secret_key: str, organization_id: uuid.UUID, external_id: str) -> str:
    """Recognises an erased external id again (an import bringing it back) without
    keeping it: keyed, so a guessed id cannot be confirmed from the database alone."""
    message = f"erased-external-id:{organization_id}:{external_id}".encode()
    return hmac.new(secret_key.encode(), message, hashlib.sha256).hexdigest()


@dataclass(frozen=True, slots=True)
class Anonymized:
    customer: Customer
    export_files: list[str]
    """Export files that may hold the erased data: delete them once the erasure is
    committed (relative to the export directory)."""


async def anonymize_customer(
    *, organization_id: uuid.UUID, customer_id: uuid.UUID, actor: Actor, secret_key: str
) -> Anonymized:
    async with in_transaction():
        customer = await lock_customer(organization_id, customer_id)
        refuse_anonymized(customer)
        customer_fields, address_fields = erased_fields(customer.type)
        digest = (
            external_id_digest(secret_key, organization_id, customer.external_id)
            if customer.external_id
            else None
        )
        await Customer.filter(id=customer.id).update(
            **dict.fromkeys(customer_fields),
            display_name=anonymized_display_name(customer.customer_number),
            status=CustomerStatus.ANONYMIZED,
            erased_external_id=digest,
            version=F("version") + 1,
            updated_at=dt.datetime.now(dt.UTC),
        )
        await Address.filter(customer_id=customer.id).update(
            **dict.fromkeys(address_fields), updated_at=dt.datetime.now(dt.UTC)
        )
        # The audit trail keeps who changed which field when, without the values.
        await redact_events(organization_id, customer.id)
        await record_event(
            organization_id=organization_id,
            customer_id=customer.id,
            action=CustomerEventAction.ANONYMIZED,
            actor=actor,
            changes=[
                {"field": "status", "old": customer.status.value, "new": "ANONYMIZED"},
            ],
        )
        await erase_stored_responses(organization_id, customer.id)
        # The feed's earlier events of the customer (and so the webhook delivery log,
        # which keeps no copy) lose their data; the anonymization itself carries ids
        # and numbers only.
        await record_customer_removed(
            organization_id,
            EventType.CUSTOMER_ANONYMIZED,
            customer_id=customer.id,
            customer_number=customer.customer_number,
            datev_debtor_number=customer.datev_debtor_number,
        )
        export_files = await _retire_export_files(organization_id, customer.id)
    return Anonymized(await get_customer(organization_id, customer_id), export_files)


async def _retire_export_files(organization_id: uuid.UUID, customer_id: uuid.UUID) -> list[str]:
    """Exports that may show the customer as it was: every export of the whole
    organization, and the customer's own personal-data exports. Finished ones forget
    their file (as after its expiry; the caller deletes the files after the commit);
    queued and running ones will not publish theirs (export_worker)."""
    jobs = await (
        ExportJob.filter(organization_id=organization_id)
        .filter(Q(file_name__isnull=False) | Q(status__in=ACTIVE))
        .values("id", "format", "customer_id", "file_name")
    )
    retired = [
        job
        for job in jobs
        if ExportFormat(job["format"]) is not ExportFormat.PERSONAL_DATA
        or job["customer_id"] == customer_id
    ]
    if retired:
        await ExportJob.filter(id__in=[job["id"] for job in retired]).update(
            file_name=None, erased_meanwhile=True
        )
    return [str(job["file_name"]) for job in retired if job["file_name"]]


async def wipe_copies(anonymized: Anonymized, export_dir: Path) -> None:
    """After the commit: no old copy of the erased data stays in the database's files or
    in export files."""
    if not await wipe_replaced_data():
        logger.warning(
            "customer %s anonymized; a reader kept the database's log from being emptied "
            "(the next checkpoint empties it)",
            anonymized.customer.id,
        )
    await asyncio.to_thread(_delete_files, export_dir, anonymized.export_files)


def _delete_files(export_dir: Path, file_names: list[str]) -> None:
    for name in file_names:
        (export_dir / name).unlink(missing_ok=True)
