"""The import itself, run in a worker process so the server's event loop stays free.

Reading a workbook and checking its rows is seconds to minutes of CPU; in a thread it
would still hold the GIL. The worker has its own database connection and reports
through the job row (progress, heartbeat, result), which every server process reads.
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
import time
import uuid
from pathlib import Path

from tortoise import Tortoise

from database import flush_writes, tortoise_config
from domain import import_jobs
from domain.customers.importing import discard_staged, import_customers
from domain.errors import DomainError, ErrorCode
from domain.principal import Actor
from domain.processes import process_alive
from models import ImportJob, Organization

logger = logging.getLogger("kundenstamm.imports")

WORKER_NICENESS = 10


def _exit_with_server(server_pid: int) -> None:
    """A worker whose server died must not go on writing: its job is rerun elsewhere.

    The server is not our parent (workers fork from a fork server), so it is watched by pid.
    """

    def watch() -> None:
        while process_alive(server_pid):
            time.sleep(0.2)
        os._exit(1)

    threading.Thread(target=watch, daemon=True, name="server-watch").start()


def run_import_job(
    database_url: str, import_dir: str, job_id: str, server_pid: int, secret_key: str
) -> None:
    """Entry point in the worker process, for a job the server process has claimed."""
    _exit_with_server(server_pid)
    # The API comes first: on a busy machine the import waits for CPU, not the requests.
    os.nice(WORKER_NICENESS)
    asyncio.run(_run(database_url, Path(import_dir), uuid.UUID(job_id), secret_key))


async def _run(database_url: str, import_dir: Path, job_id: uuid.UUID, secret_key: str) -> None:
    await Tortoise.init(config=tortoise_config(database_url, batch_writer=True))
    try:
        await run_claimed(job_id, import_dir, secret_key)
    finally:
        await Tortoise.close_connections()


async def run_claimed(job_id: uuid.UUID, import_dir: Path, secret_key: str) -> None:
    job = await ImportJob.get(id=job_id)
    path = import_jobs.upload_path(import_dir, job.id)
    if job.published_at is not None:
        await import_jobs.finish_published(job)
        await flush_writes()
        path.unlink(missing_ok=True)
        return
    # Rows an earlier, interrupted run staged are dropped before this one stages (a run
    # handed back on shutdown had this attempt's number too).
    await import_jobs.discard_attempts(job, upto=job.attempts)
    staged_as = import_jobs.stage_id(job.id, job.attempts)
    try:
        organization = await Organization.get(id=job.organization_id)
        data = path.read_bytes()
        outcome = await import_customers(
            organization=organization,
            actor=Actor(job.actor_type, job.actor_id),
            data=data,
            dry_run=job.dry_run,
            mode=job.mode,
            max_rows=job.max_rows,
            staged_as=staged_as,
            progress=import_jobs.JobProgress(job),
            secret_key=secret_key,
        )
    except import_jobs.Superseded:
        logger.warning("import %s attempt %s was handed to another run", job.id, job.attempts)
        await discard_staged(job.organization_id, staged_as)
        return
    except DomainError as error:
        # The file itself is refused (damaged, too many rows): the user's message.
        first = error.errors[0]
        await import_jobs.fail(job, first.code, first.message)
    except FileNotFoundError:
        await import_jobs.fail(
            job, ErrorCode.INVALID, "The uploaded file is gone; upload it again."
        )
    except Exception:
        # The job must end FAILED whatever went wrong; the details belong in the log.
        logger.exception("import %s failed", job.id)
        await discard_staged(job.organization_id, staged_as)
        await import_jobs.fail(
            job,
            None,
            f"The import failed unexpectedly (job {job.id}); see the server log.",
        )
    else:
        await import_jobs.complete(job, outcome)
    await flush_writes()
    path.unlink(missing_ok=True)
