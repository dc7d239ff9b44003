"""Import jobs: queued with their file, claimed by any server process, never lost.

A job is claimed in the database (PostgreSQL: FOR UPDATE SKIP LOCKED; SQLite: a
conditional UPDATE, its writes being serial), so every server process may run any job.
Each run counts as an attempt; the attempt number fences a run that was given up on
(its process seemed gone) from publishing next to its successor.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import os
import socket
import time
import uuid
from dataclasses import asdict
from pathlib import Path
from typing import Any

from tortoise.expressions import F, Q
from tortoise.transactions import in_transaction

from domain.customers.importing import ImportOutcome, discard_staged
from domain.errors import DomainError, ErrorCode
from domain.events import release_staged_events
from domain.principal import Actor
from domain.processes import process_alive
from models import ImportJob, Organization
from models.enums import ImportMode, JobStatus

logger = logging.getLogger("kundenstamm.imports")

MAX_ACTIVE_JOBS = 2
MAX_ATTEMPTS = 3
# A worker reports at least every 1,000 rows; silence this long means it is gone.
ABANDONED_AFTER = dt.timedelta(minutes=2)
ACTIVE = (JobStatus.PENDING, JobStatus.RUNNING)
FINISHED = (JobStatus.COMPLETED, JobStatus.FAILED)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def stage_id(job_id: uuid.UUID, attempt: int) -> uuid.UUID:
    """The mark on the rows one attempt stages: a later attempt can find and drop them."""
    return uuid.uuid5(job_id, str(attempt))


def upload_path(import_dir: Path, job_id: uuid.UUID) -> Path:
    return import_dir / f"{job_id}.upload"


def _write_file(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".part")
    partial.write_bytes(data)
    partial.replace(path)


async def start_import(
    *,
    organization: Organization,
    actor: Actor,
    data: bytes,
    dry_run: bool,
    mode: ImportMode,
    max_rows: int,
    import_dir: Path,
) -> ImportJob:
    job_id = uuid.uuid4()
    path = upload_path(import_dir, job_id)
    # Up to 20 MB: not on the event loop.
    await asyncio.to_thread(_write_file, path, data)
    async with in_transaction():
        # The organization row is the lock that makes count-then-create one step.
        await Organization.filter(id=organization.id).select_for_update().first()
        running = await ImportJob.filter(organization_id=organization.id, status__in=ACTIVE).count()
        if running >= MAX_ACTIVE_JOBS:
            path.unlink(missing_ok=True)
            raise DomainError.single(
                ErrorCode.CONFLICT,
                f"{running} imports are still running; wait for one to finish.",
            )
        return await ImportJob.create(
            id=job_id,
            organization_id=organization.id,
            dry_run=dry_run,
            mode=mode,
            max_rows=max_rows,
            actor_type=actor.type,
            actor_id=actor.id,
            file_name=path.name,
        )


async def claim(job_id: uuid.UUID | None = None) -> ImportJob | None:
    """Take a PENDING job (this one, or the oldest) for this server process."""
    async with in_transaction():
        if job_id is None:
            candidate = (
                await ImportJob.filter(status=JobStatus.PENDING)
                .order_by("created_at")
                .select_for_update(skip_locked=True)
                .first()
            )
            if candidate is None:
                return None
            job_id = candidate.id
        taken = await ImportJob.filter(id=job_id, status=JobStatus.PENDING).update(
            status=JobStatus.RUNNING,
            owner_host=socket.gethostname(),
            owner_pid=os.getpid(),
            heartbeat_at=_now(),
            attempts=F("attempts") + 1,
        )
    return await ImportJob.get(id=job_id) if taken else None


class Superseded(Exception):
    """This run was given up on and the job handed to another; it must stop."""


def _this_run(job: ImportJob) -> Any:
    """The job's row while this run (attempt) still owns it: every write goes through it."""
    return ImportJob.filter(id=job.id, status=JobStatus.RUNNING, attempts=job.attempts)


class JobProgress:
    """The import's progress on its job row."""

    def __init__(self, job: ImportJob) -> None:
        self.job = job

    async def _update(self, **values: Any) -> None:
        if not await _this_run(self.job).update(heartbeat_at=_now(), **values):
            raise Superseded

    async def read(self, rows_total: int) -> None:
        await self._update(rows_total=rows_total)

    async def advance(self, rows_processed: int) -> None:
        await self._update(rows_processed=rows_processed)

    async def publish(self, outcome: ImportOutcome) -> None:
        # Still RUNNING: the import's events may have to join the event log yet. A run
        # that stops now is not run again from the file; the next one only finishes it.
        await self._update(**_report(outcome), published_at=_now())


def _report(outcome: ImportOutcome) -> dict[str, Any]:
    result = asdict(outcome)
    result["errors"] = [{**error, "code": error["code"].value} for error in result["errors"]]
    return {"rows_processed": outcome.rows_total, "result": result}


async def complete(job: ImportJob, outcome: ImportOutcome) -> None:
    """The run ends COMPLETED with its report: after publishing, or having published
    nothing (errors, dry run)."""
    await _this_run(job).update(**_report(outcome), status=JobStatus.COMPLETED, finished_at=_now())


async def finish_published(job: ImportJob) -> None:
    """A job whose run published, then stopped: its events join the log, then it is
    COMPLETED with the result that run stored."""
    for attempt in range(1, job.attempts + 1):
        await release_staged_events(job.organization_id, stage_id(job.id, attempt))
    await _this_run(job).update(status=JobStatus.COMPLETED, finished_at=_now())


async def fail(job: ImportJob, code: ErrorCode | None, message: str) -> None:
    """`code` None: not the file's fault (a bug, an outage); the log has the details.
    A job that published already is left RUNNING, for a later run to finish."""
    await (
        _this_run(job)
        .filter(published_at=None)
        .update(
            status=JobStatus.FAILED,
            error_code=code.value if code else None,
            error_message=message,
            finished_at=_now(),
        )
    )


async def discard_attempts(job: ImportJob, *, upto: int) -> None:
    """Rows staged by this job's attempts up to `upto` that were never published."""
    for attempt in range(1, upto + 1):
        await discard_staged(job.organization_id, stage_id(job.id, attempt))


async def recover_abandoned() -> int:
    """Jobs whose server went away run again (up to MAX_ATTEMPTS), never stay RUNNING.

    A job of a server process on this host that no longer runs is taken back at once;
    any other once its heartbeat is older than ABANDONED_AFTER (another host, or a pid
    that was reused).
    """
    host = socket.gethostname()
    running = ImportJob.filter(status=JobStatus.RUNNING)
    gone = [
        job.id
        for job in await running.filter(owner_host=host).exclude(owner_pid=os.getpid())
        if job.owner_pid is None or not process_alive(job.owner_pid)
    ]
    stale = running.filter(Q(heartbeat_at__lt=_now() - ABANDONED_AFTER) | Q(id__in=gone))
    # A published job is always run again: what is left of it cannot fail.
    failed = await stale.filter(attempts__gte=MAX_ATTEMPTS, published_at__isnull=True).update(
        status=JobStatus.FAILED,
        error_code=ErrorCode.CONFLICT.value,
        error_message=f"The import was interrupted {MAX_ATTEMPTS} times; start it again.",
        finished_at=_now(),
    )
    retried = await stale.filter(
        Q(attempts__lt=MAX_ATTEMPTS) | Q(published_at__isnull=False)
    ).update(status=JobStatus.PENDING, owner_host=None, owner_pid=None)
    if failed or retried:
        logger.warning("imports of stopped servers: %s queued again, %s failed", retried, failed)
    return failed + retried


async def hand_back(job_ids: list[uuid.UUID]) -> int:
    """On shutdown: this process's running jobs go back to the queue for another."""
    if not job_ids:
        return 0
    handed: int = await ImportJob.filter(
        id__in=job_ids, status=JobStatus.RUNNING, owner_pid=os.getpid()
    ).update(
        status=JobStatus.PENDING,
        owner_host=None,
        owner_pid=None,
        # Not the job's fault: the run does not count.
        attempts=F("attempts") - 1,
    )
    return handed


async def heartbeat_all(job_ids: list[uuid.UUID]) -> None:
    if job_ids:
        await ImportJob.filter(id__in=job_ids, status=JobStatus.RUNNING).update(heartbeat_at=_now())


def _upload_names(import_dir: Path) -> list[str]:
    return [path.name for path in import_dir.iterdir()] if import_dir.is_dir() else []


def _delete_old(import_dir: Path, names: list[str], older_than: float) -> int:
    deleted = 0
    for name in names:
        path = import_dir / name
        with contextlib.suppress(FileNotFoundError):
            if path.stat().st_mtime < older_than:
                path.unlink()
                deleted += 1
    return deleted


async def delete_finished_files(import_dir: Path) -> int:
    """Uploads of jobs that ended, and of jobs that were never committed."""
    names = await asyncio.to_thread(_upload_names, import_dir)
    if not names:
        return 0
    active = {
        str(name)
        for name in await ImportJob.filter(file_name__in=names, status__in=ACTIVE).values_list(
            "file_name", flat=True
        )
    }
    # A file without its job may belong to a request still committing: an hour's grace.
    orphans = [name for name in names if name not in active]
    return await asyncio.to_thread(_delete_old, import_dir, orphans, time.time() - 3600)


async def fail_unfinished(job_id: uuid.UUID) -> None:
    """The worker process died (killed, out of memory) without ending its job."""
    await ImportJob.filter(id=job_id, status__in=ACTIVE, owner_pid=os.getpid()).update(
        status=JobStatus.FAILED,
        error_message="The import worker stopped unexpectedly; start the import again.",
        finished_at=_now(),
    )
