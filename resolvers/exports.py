"""customersExport and exportJob."""

from __future__ import annotations

import strawberry

from domain import exports
from models import ExportJob as ExportJobRow
from models.enums import ExportFormat
from resolvers.inputs import require_id, value_of
from resolvers.payloads import refusals_as
from schema.context import Info
from schema.inputs import CustomerIdInput, CustomersExportInput
from schema.node import decode_id
from schema.payloads import CustomersExportPayload
from schema.types.jobs import ExportJob


@refusals_as(CustomersExportPayload)
async def customers_export(
    info: Info, input: CustomersExportInput | None = None
) -> CustomersExportPayload:
    # Reading in bulk: every caller that may read customers may export them.
    principal = info.context.principal
    export_format = value_of(input.format, "XLSX") if input else "XLSX"
    include_archived = value_of(input.include_archived, True) if input else True
    row = await exports.start_export(
        organization=principal.organization,
        export_format=ExportFormat(export_format),
        include_archived=bool(include_archived),
    )
    request = info.context.request
    # The worker process must find the job committed.
    runner = request.app.state.export_runner
    info.context.after_commit.append(lambda: runner.submit(row.id))
    return CustomersExportPayload(export_job=ExportJob.from_model(row, request.app.state.settings))


@refusals_as(CustomersExportPayload)
async def customer_data_export(info: Info, input: CustomerIdInput) -> CustomersExportPayload:
    # DSGVO Art. 15/20: whoever may read the customer may hand out what is stored about it.
    principal = info.context.principal
    row = await exports.start_export(
        organization=principal.organization,
        export_format=ExportFormat.PERSONAL_DATA,
        include_archived=True,
        customer_id=require_id(input.id, "Customer"),
    )
    request = info.context.request
    runner = request.app.state.export_runner
    info.context.after_commit.append(lambda: runner.submit(row.id))
    return CustomersExportPayload(export_job=ExportJob.from_model(row, request.app.state.settings))


async def export_job(info: Info, id: strawberry.ID) -> ExportJob | None:
    pk = decode_id(id, "ExportJob")
    if pk is None:
        return None
    row = await ExportJobRow.get_or_none(
        id=pk, organization_id=info.context.principal.organization_id
    )
    return ExportJob.from_model(row, info.context.request.app.state.settings) if row else None
