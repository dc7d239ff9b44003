"""The export itself, run in a worker process so the server's event loop stays free.

Building an XLSX is seconds of CPU for a large organization; in a thread it would
still hold the GIL. The worker has its own database connection and reports progress
through the job row (status, heartbeat), which every server process can read.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import uuid
from pathlib import Path

from tortoise import Tortoise

from database import tortoise_config
from domain.customers.personal_data import encode_document, personal_data_document
from domain.customers.registry import ADDRESS_LABELS, CUSTOMER_HEADERS
from domain.exports import customer_pages, heartbeat
from models import ExportJob, Organization
from models.enums import ExportFormat, JobStatus
from spreadsheets.customer_columns import Headers, customer_columns
from spreadsheets.datev_debtors import DatevDebtorFile
from spreadsheets.xlsx_writer import CustomerSheet

logger = logging.getLogger("kundenstamm.exports")

EXTENSIONS = {
    ExportFormat.XLSX: "xlsx",
    ExportFormat.DATEV: "csv",
    ExportFormat.PERSONAL_DATA: "json",
}


def run_export_job(database_url: str, export_dir: str, job_id: str, file_seconds: int) -> None:
    """Entry point in the worker process."""
    asyncio.run(_run(database_url, Path(export_dir), uuid.UUID(job_id), file_seconds))


async def _run(database_url: str, export_dir: Path, job_id: uuid.UUID, file_seconds: int) -> None:
    await Tortoise.init(config=tortoise_config(database_url))
    try:
        await export_customers(job_id=job_id, export_dir=export_dir, file_seconds=file_seconds)
    finally:
        await Tortoise.close_connections()


async def _write(job: ExportJob, organization: Organization, path: Path) -> int:
    if job.format is ExportFormat.PERSONAL_DATA:
        assert job.customer_id is not None  # start_export sets it for this format
        document = await personal_data_document(organization, job.customer_id)
        path.write_bytes(encode_document(document))
        return 1
    pages = customer_pages(organization.id, include_archived=job.include_archived)
    if job.format is ExportFormat.DATEV:
        with DatevDebtorFile(path, organization) as datev_file:
            async for page in pages:
                datev_file.append(page)
                await heartbeat(job.id)
            return datev_file.rows
    columns = customer_columns(
        datev=organization.datev_enabled,
        headers=Headers(customer=CUSTOMER_HEADERS, address=ADDRESS_LABELS),
    )
    sheet = CustomerSheet(columns)
    async for page in pages:
        sheet.append(page)
        await heartbeat(job.id)
    sheet.save(path)
    return sheet.rows


async def export_customers(*, job_id: uuid.UUID, export_dir: Path, file_seconds: int) -> None:
    now = dt.datetime.now(dt.UTC)
    claimed = await ExportJob.filter(id=job_id, status=JobStatus.PENDING).update(
        status=JobStatus.RUNNING, heartbeat_at=now
    )
    if not claimed:
        return
    job = await ExportJob.get(id=job_id)
    organization = await Organization.get(id=job.organization_id)
    file_name = f"{job.id}.{EXTENSIONS[job.format]}"
    partial = export_dir / f"{file_name}.part"
    try:
        export_dir.mkdir(parents=True, exist_ok=True)
        rows = await _write(job, organization, partial)
        partial.replace(export_dir / file_name)
    except Exception:
        # The job must end FAILED whatever went wrong, and the details belong in the log,
        # not in the message users see.
        logger.exception("export %s failed", job.id)
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
        await ExportJob.filter(id=job.id).update(
            status=JobStatus.FAILED,
            error_message=f"The export failed unexpectedly (job {job.id}); see the server log.",
            finished_at=dt.datetime.now(dt.UTC),
        )
        return
    finished = dt.datetime.now(dt.UTC)
    # Conditional: a customer anonymized meanwhile may be in the file with its erased data
    # (an anonymization after this update deletes the file itself).
    published = await ExportJob.filter(id=job.id, erased_meanwhile=False).update(
        status=JobStatus.COMPLETED,
        row_count=rows,
        file_name=file_name,
        finished_at=finished,
        file_expires_at=finished + dt.timedelta(seconds=file_seconds),
    )
    if not published:
        (export_dir / file_name).unlink(missing_ok=True)
        await ExportJob.filter(id=job.id).update(
            status=JobStatus.FAILED,
            error_message="A customer was anonymized while this export ran; start it again.",
            finished_at=finished,
        )
