"""A customer export: queued, run in a worker process, its file served by signed links."""

from __future__ import annotations

import uuid

from tortoise import fields
from tortoise.models import Model

from models.enums import ExportFormat, JobStatus
from models.organization import Organization


class ExportJob(Model):
    id = fields.UUIDField(primary_key=True)
    organization: fields.ForeignKeyRelation[Organization] = fields.ForeignKeyField(
        "models.Organization", related_name=False, on_delete=fields.RESTRICT
    )
    organization_id: uuid.UUID
    format = fields.CharEnumField(ExportFormat, max_length=16)
    include_archived = fields.BooleanField(default=True)
    customer_id = fields.UUIDField(
        null=True, description="The one customer of a PERSONAL_DATA export"
    )
    status = fields.CharEnumField(JobStatus, max_length=16, default=JobStatus.PENDING)
    erased_meanwhile = fields.BooleanField(
        default=False,
        description="Set when a customer is anonymized while the job runs: its file may "
        "hold the erased data and is not published",
    )
    row_count = fields.IntField(null=True)
    error_message = fields.CharField(max_length=1000, null=True)
    file_name = fields.CharField(max_length=255, null=True, description="Relative to export dir")
    created_at = fields.DatetimeField(auto_now_add=True)
    heartbeat_at = fields.DatetimeField(null=True, description="Last sign of life of the worker")
    owner_host = fields.CharField(max_length=255, null=True, description="Server that runs it")
    owner_pid = fields.IntField(null=True, description="Process id of that server")
    finished_at = fields.DatetimeField(null=True)
    file_expires_at = fields.DatetimeField(null=True, description="The file is deleted after")

    class Meta:
        table = "export_jobs"
        indexes = (("status", "heartbeat_at"),)
