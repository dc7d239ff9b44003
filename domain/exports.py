"""Customer exports: jobs, the pages of customers they read, and their clean-up."""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import uuid
from collections.abc import AsyncIterator, Iterable
from pathlib import Path

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from domain.customers.address_roles import default_address, invoice_address
from domain.customers.editing import get_customer
from domain.errors import DomainError, ErrorCode
from domain.processes import process_alive
from models import Address, Customer, ExportJob, Organization
from models.enums import CustomerStatus, ExportFormat, JobStatus
from spreadsheets.customer_record import CustomerRecord

logger = logging.getLogger("kundenstamm.exports")

PAGE_SIZE = 500
MAX_ACTIVE_JOBS = 2
# A worker touches its job at least every page; silence this long means it is gone.
ABANDONED_AFTER = dt.timedelta(minutes=2)
ACTIVE = (JobStatus.PENDING, JobStatus.RUNNING)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


async def start_export(
    *,
    organization: Organization,
    export_format: ExportFormat,
    include_archived: bool,
    customer_id: uuid.UUID | None = None,
) -> ExportJob:
    """`customer_id`: the one customer of a PERSONAL_DATA export (and only of that)."""
    if (export_format is ExportFormat.PERSONAL_DATA) != (customer_id is not None):
        raise DomainError.single(
            ErrorCode.INVALID,
            "Everything about one customer is exported with customerDataExport.",
            ("format",),
        )
    if customer_id is not None:
        await get_customer(organization.id, customer_id)
    if export_format is ExportFormat.DATEV and not organization.datev_enabled:
        raise DomainError.single(
            ErrorCode.ADDON_NOT_ENABLED,
            "The DATEV export needs the DATEV add-on.",
            ("format",),
        )
    async with in_transaction():
        # The organization row is the lock that makes count-then-create one step.
        await Organization.filter(id=organization.id).select_for_update().first()
        running = await ExportJob.filter(organization_id=organization.id, status__in=ACTIVE).count()
        if running >= MAX_ACTIVE_JOBS:
            raise DomainError.single(
                ErrorCode.CONFLICT,
                f"{running} exports are still running; wait for one to finish.",
            )
        return await ExportJob.create(
            organization_id=organization.id,
            format=export_format,
            include_archived=include_archived,
            customer_id=customer_id,
            heartbeat_at=_now(),
            owner_host=socket.gethostname(),
            owner_pid=os.getpid(),
        )


async def customer_pages(
    organization_id: uuid.UUID, *, include_archived: bool, page_size: int = PAGE_SIZE
) -> AsyncIterator[list[CustomerRecord]]:
    """All customers by customer number (unique in an organization, so a keyset), in pages;
    each page fetches its addresses in one query."""
    query = Customer.filter(organization_id=organization_id, staged_import_id__isnull=True)
    if not include_archived:
        query = query.filter(status=CustomerStatus.ACTIVE)
    last: str | None = None
    while True:
        page_query = query if last is None else query.filter(customer_number__gt=last)
        customers = await page_query.order_by("customer_number").limit(page_size)
        if not customers:
            return
        addresses: dict[uuid.UUID, list[Address]] = {c.id: [] for c in customers}
        for address in await Address.filter(
            organization_id=organization_id, customer_id__in=list(addresses)
        ).order_by("created_at", "id"):
            addresses[address.customer_id].append(address)
        yield [
            CustomerRecord(c, default_address(addresses[c.id]), invoice_address(addresses[c.id]))
            for c in customers
        ]
        last = customers[-1].customer_number


async def heartbeat(job_id: uuid.UUID) -> None:
    await ExportJob.filter(id=job_id).update(heartbeat_at=_now())


async def heartbeat_all(job_ids: Iterable[uuid.UUID]) -> None:
    await ExportJob.filter(id__in=list(job_ids), status__in=ACTIVE).update(heartbeat_at=_now())


async def fail_abandoned_jobs() -> int:
    """Jobs whose server went away (a restart, a crash) end FAILED, never RUNNING forever.

    A job of a server process on this host that no longer runs is failed at once; any
    other job once its heartbeat is older than ABANDONED_AFTER (another host, or a pid
    that was reused).
    """
    host = socket.gethostname()
    active = ExportJob.filter(status__in=ACTIVE)
    gone = [
        job.id
        for job in await active.filter(owner_host=host).exclude(owner_pid=os.getpid())
        if job.owner_pid is None or not process_alive(job.owner_pid)
    ]
    stale = Q(heartbeat_at__lt=_now() - ABANDONED_AFTER) | Q(id__in=gone)
    return await active.filter(stale).update(
        status=JobStatus.FAILED,
        error_message="The export was interrupted (server restart); start it again.",
        finished_at=_now(),
    )


async def delete_expired_files(export_dir: Path) -> int:
    expired = await ExportJob.filter(
        status=JobStatus.COMPLETED, file_name__isnull=False, file_expires_at__lt=_now()
    )
    for job in expired:
        (export_dir / str(job.file_name)).unlink(missing_ok=True)
        await ExportJob.filter(id=job.id).update(file_name=None)
    return len(expired)
