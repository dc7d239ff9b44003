"""customersImport: an uploaded XLSX or CSV file through the customer rules."""

from __future__ import annotations

import asyncio
import uuid

import strawberry
from starlette.datastructures import UploadFile

from domain.errors import DomainError, ErrorCode
from domain.import_jobs import FINISHED, start_import
from models import ImportJob as ImportJobRow
from models.enums import ImportMode, JobStatus
from resolvers.guards import require_customer_write
from resolvers.inputs import value_of
from resolvers.payloads import refusals_as
from schema.context import Info
from schema.inputs import CustomersImportInput
from schema.node import decode_id
from schema.payloads import CustomersImportPayload
from schema.types.jobs import ImportJob
from settings import Settings

_CHUNK = 1_048_576
WAIT_SECONDS = 0.1


async def _read(upload: object, limit: int) -> bytes:
    """The upload, refused as soon as it grows past the limit (before any parsing)."""
    if not isinstance(upload, UploadFile):
        # A string literal or variable where the file belongs: nothing was uploaded.
        raise DomainError.single(
            ErrorCode.INVALID,
            "Upload the file as a GraphQL multipart request (the file part mapped to "
            "variables.input.file).",
            ("file",),
        )
    chunks: list[bytes] = []
    size = 0
    while chunk := await upload.read(_CHUNK):
        size += len(chunk)
        if size > limit:
            raise DomainError.single(
                ErrorCode.TOO_LONG, f"The file is larger than {limit:,} bytes.", ("file",)
            )
        chunks.append(chunk)
    return b"".join(chunks)


def _file_refused(job: ImportJobRow) -> DomainError | None:
    """A file the worker could not read is the caller's error, as before jobs existed."""
    if job.status is JobStatus.FAILED and job.error_code is not None:
        return DomainError.single(ErrorCode(job.error_code), job.error_message or "", ("file",))
    return None


async def _finished(job_id: uuid.UUID) -> ImportJobRow:
    # The job runs in a worker process, maybe of another server process: its row is
    # where it reports.
    while True:
        job = await ImportJobRow.get(id=job_id)
        if job.status in FINISHED:
            return job
        await asyncio.sleep(WAIT_SECONDS)


@refusals_as(CustomersImportPayload)
async def customers_import(info: Info, input: CustomersImportInput) -> CustomersImportPayload:
    require_customer_write(info)
    background = bool(value_of(input.background, False))
    if info.context.idempotency is not None and not background:
        # The stored response is committed with the job, before the job can run: a retry
        # can only be answered with the job, so the job is what the first answer is too.
        raise DomainError.single(
            ErrorCode.INVALID,
            "With an Idempotency-Key, run the import as a job: send background: true "
            "and poll importJob(id).",
            ("background",),
        )
    settings: Settings = info.context.request.app.state.settings
    data = await _read(input.file, settings.import_max_bytes)
    job = await start_import(
        organization=info.context.principal.organization,
        actor=info.context.principal.actor,
        data=data,
        dry_run=bool(value_of(input.dry_run, False)),
        mode=ImportMode(value_of(input.mode, "UPSERT")),
        max_rows=settings.import_max_rows,
        import_dir=settings.import_dir,
    )
    runner = info.context.request.app.state.import_runner
    if background:
        # A worker process must find the job committed.
        info.context.after_commit.append(runner.wake)
        return CustomersImportPayload(import_job=ImportJob.from_model(job))
    runner.wake()
    finished = await _finished(job.id)
    refused = _file_refused(finished)
    if refused is not None:
        raise refused
    view = ImportJob.from_model(finished)
    return CustomersImportPayload(result=view.result, import_job=view)


async def import_job(info: Info, id: strawberry.ID) -> ImportJob | None:
    pk = decode_id(id, "ImportJob")
    if pk is None:
        return None
    row = await ImportJobRow.get_or_none(
        id=pk, organization_id=info.context.principal.organization_id
    )
    return ImportJob.from_model(row) if row else None
