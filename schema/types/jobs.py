"""Export jobs and import results of the contract (not built yet)."""

from __future__ import annotations

import datetime as dt

import strawberry

from schema.enums import ExportFormat, JobStatus, UserErrorCode
from schema.node import Node


@strawberry.type
class ExportJob(Node):
    id: strawberry.ID
    status: JobStatus
    format: ExportFormat
    row_count: int | None
    url: str | None = strawberry.field(
        description="Signed, expiring download URL; set once status is COMPLETED."
    )
    expires_at: dt.datetime | None
    error_message: str | None
    created_at: dt.datetime


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
