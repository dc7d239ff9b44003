"""Export jobs and import results of the contract."""

from __future__ import annotations

import datetime as dt
from typing import Any, Self

import strawberry

from domain.export_links import current_link
from models import ExportJob as ExportJobRow
from models import ImportJob as ImportJobRow
from models.enums import JobStatus as StoredStatus
from schema.enums import ExportFormat, ImportMode, JobStatus, UserErrorCode
from schema.node import Node, encode_id
from settings import Settings


@strawberry.type
class ExportJob(Node):
    id: strawberry.ID
    status: JobStatus
    format: ExportFormat
    row_count: int | None
    url: str | None = strawberry.field(
        description="Signed, expiring download URL; set once status is COMPLETED."
    )
    expires_at: dt.datetime | None = strawberry.field(
        description="When url stops working; a new one is minted on every query."
    )
    file_expires_at: dt.datetime | None = strawberry.field(
        description="When the file is deleted; export again after that."
    )
    error_message: str | None
    created_at: dt.datetime
    finished_at: dt.datetime | None

    @classmethod
    def from_model(cls, row: ExportJobRow, settings: Settings) -> Self:
        url = expires_at = None
        if row.status is StoredStatus.COMPLETED and row.file_name and row.file_expires_at:
            link = current_link(
                settings.secret_key,
                row.organization_id,
                row.id,
                link_seconds=settings.export_link_seconds,
                file_expires_at=row.file_expires_at,
            )
            if link is not None:
                url, expires_at = settings.public_url + link[0], link[1]
        return cls(
            id=encode_id("ExportJob", row.id),
            status=JobStatus(row.status.value),
            format=ExportFormat(row.format.value),
            row_count=row.row_count,
            url=url,
            expires_at=expires_at,
            file_expires_at=row.file_expires_at if row.file_name else None,
            error_message=row.error_message,
            created_at=row.created_at,
            finished_at=row.finished_at,
        )


@strawberry.type
class ImportRowError:
    row: int = strawberry.field(description="1-based row number in the file, header row = 1.")
    column: str | None
    code: UserErrorCode
    message: str


@strawberry.type
class ImportResult:
    dry_run: bool
    rows_total: int
    created: int
    updated: int
    errors: list[ImportRowError]


def _result(stored: dict[str, Any]) -> ImportResult:
    return ImportResult(
        dry_run=stored["dry_run"],
        rows_total=stored["rows_total"],
        created=stored["created"],
        updated=stored["updated"],
        errors=[
            ImportRowError(
                row=error["row"],
                column=error["column"],
                code=UserErrorCode(error["code"]),
                message=error["message"],
            )
            for error in stored["errors"]
        ],
    )


@strawberry.type
class ImportJob(Node):
    id: strawberry.ID
    status: JobStatus
    dry_run: bool
    mode: ImportMode
    rows_total: int | None = strawberry.field(description="Data rows in the file, once read.")
    rows_processed: int = strawberry.field(description="Rows done so far, for a progress bar.")
    result: ImportResult | None = strawberry.field(
        description="Set once COMPLETED (also when rows had errors and nothing was written)."
    )
    error_message: str | None
    created_at: dt.datetime
    finished_at: dt.datetime | None
    error_code: strawberry.Private[str | None]

    @classmethod
    def from_model(cls, row: ImportJobRow) -> Self:
        return cls(
            id=encode_id("ImportJob", row.id),
            status=JobStatus(row.status.value),
            dry_run=row.dry_run,
            mode=ImportMode(row.mode.value),
            rows_total=row.rows_total,
            rows_processed=row.rows_processed,
            result=_result(row.result) if row.result is not None else None,
            error_message=row.error_message,
            created_at=row.created_at,
            finished_at=row.finished_at,
            error_code=row.error_code,
        )
