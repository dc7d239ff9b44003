"""GET /exports/{organization}/{job}: the export file behind a signed link."""

from __future__ import annotations

import time
import uuid

from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, Response

from domain.export_links import LinkCheck, check_link
from models import ExportJob
from models.enums import ExportFormat, JobStatus
from settings import Settings

SAFE_HEADERS = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}
MEDIA_TYPES = {
    ExportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ExportFormat.DATEV: "text/csv; charset=windows-1252",
    ExportFormat.PERSONAL_DATA: "application/json",
}


def _refuse(status: int, text: str) -> Response:
    return PlainTextResponse(text, status_code=status, headers=SAFE_HEADERS)


def _download_name(job: ExportJob) -> str:
    day = job.created_at.strftime("%Y-%m-%d")
    if job.format is ExportFormat.DATEV:
        return f"EXTF_Debitoren_Kreditoren_{day}.csv"
    if job.format is ExportFormat.PERSONAL_DATA:
        return f"personenbezogene_daten_{day}.json"
    return f"kunden_{day}.xlsx"


async def download_export(request: Request) -> Response:
    settings: Settings = request.app.state.settings
    try:
        organization_id = uuid.UUID(request.path_params["organization_id"])
        job_id = uuid.UUID(request.path_params["job_id"])
        expires = int(request.query_params["expires"])
        signature = request.query_params["signature"]
    except (KeyError, ValueError):
        return _refuse(403, "This download link is not valid.")
    check = check_link(
        settings.secret_key, organization_id, job_id, expires, signature, time.time()
    )
    if check is LinkCheck.FORGED:
        return _refuse(403, "This download link is not valid.")
    if check is LinkCheck.EXPIRED:
        return _refuse(410, "This download link has expired; request a new one.")
    job = await ExportJob.get_or_none(id=job_id, organization_id=organization_id)
    path = settings.export_dir / job.file_name if job and job.file_name else None
    if job is None or job.status is not JobStatus.COMPLETED or path is None or not path.is_file():
        return _refuse(404, "This export does not exist (anymore).")
    return FileResponse(
        path,
        media_type=MEDIA_TYPES[job.format],
        filename=_download_name(job),
        content_disposition_type="attachment",
        headers=SAFE_HEADERS,
    )
