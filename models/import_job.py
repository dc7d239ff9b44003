"""A customer import: its uploaded file is checked, staged and published by a worker process."""

from __future__ import annotations

import uuid
from typing import Any

from tortoise import fields
from tortoise.models import Model

from models.enums import ActorType, ImportMode, JobStatus
from models.organization import Organization


class ImportJob(Model):
    id = fields.UUIDField(primary_key=True)
    organization: fields.ForeignKeyRelation[Organization] = fields.ForeignKeyField(
        "models.Organization", related_name=False, on_delete=fields.RESTRICT
    )
    organization_id: uuid.UUID
    status = fields.CharEnumField(JobStatus, max_length=16, default=JobStatus.PENDING)
    dry_run = fields.BooleanField(default=False)
    mode = fields.CharEnumField(ImportMode, max_length=16, default=ImportMode.UPSERT)
    max_rows = fields.IntField(description="The row limit in force when the file came in")
    actor_type = fields.CharEnumField(ActorType, max_length=16, description="Who imports")
    actor_id = fields.UUIDField()
    file_name = fields.CharField(
        max_length=255, null=True, description="The upload, relative to the job file dir"
    )
    rows_total = fields.IntField(null=True)
    rows_processed = fields.IntField(default=0)
    result: Any = fields.JSONField(null=True, description="ImportResult once COMPLETED")
    error_code = fields.CharField(max_length=32, null=True)
    error_message = fields.CharField(max_length=1000, null=True)
    attempts = fields.IntField(default=0, description="Runs started (a dead run is retried)")
    created_at = fields.DatetimeField(auto_now_add=True)
    heartbeat_at = fields.DatetimeField(null=True, description="Last sign of life of the worker")
    owner_host = fields.CharField(max_length=255, null=True, description="Server that runs it")
    owner_pid = fields.IntField(null=True, description="Process id of that server")
    published_at = fields.DatetimeField(
        null=True,
        # Plain words only: Tortoise's SQLite migrations put descriptions into SQL as they are.
        description="Set when its customers became visible: their events may still be joining "
        "the event log, the job is RUNNING until they have",
    )
    finished_at = fields.DatetimeField(null=True)

    class Meta:
        table = "import_jobs"
        indexes = (("status", "created_at"),)
