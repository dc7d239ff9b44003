"""customersImport: an uploaded XLSX or CSV file through the customer rules."""

from __future__ import annotations

from starlette.datastructures import UploadFile

from domain.customer_import import ImportMode, import_customers
from domain.errors import DomainError, ErrorCode
from resolvers.context import Info
from resolvers.guards import require_customer_write
from resolvers.inputs import value_of
from resolvers.payloads import refusals_as
from schema.enums import UserErrorCode
from schema.inputs import CustomersImportInput
from schema.payloads import CustomersImportPayload
from schema.types.jobs import ImportResult, ImportRowError
from settings import Settings

_CHUNK = 1_048_576


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


@refusals_as(CustomersImportPayload)
async def customers_import(info: Info, input: CustomersImportInput) -> CustomersImportPayload:
    require_customer_write(info)
    settings: Settings = info.context.request.app.state.settings
    data = await _read(input.file, settings.import_max_bytes)
    outcome = await import_customers(
        organization=info.context.principal.organization,
        actor=info.context.principal.actor,
        data=data,
        dry_run=bool(value_of(input.dry_run, False)),
        mode=ImportMode(value_of(input.mode, "UPSERT")),
        max_rows=settings.import_max_rows,
    )
    return CustomersImportPayload(
        result=ImportResult(
            dry_run=outcome.dry_run,
            rows_total=outcome.rows_total,
            created=outcome.created,
            updated=outcome.updated,
            errors=[
                ImportRowError(
                    row=e.row, column=e.column, code=UserErrorCode(e.code.value), message=e.message
                )
                for e in outcome.errors
            ],
        )
    )
