"""Runs export jobs in a worker process and sweeps up after them."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import multiprocessing
import time
import uuid
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from domain.exports import ACTIVE, delete_expired_files, fail_abandoned_jobs, heartbeat_all
from domain.idempotency import purge_expired
from domain.login_throttle import purge_forgotten
from models import ExportJob
from models.enums import JobStatus
from settings import Settings
from telemetry.metrics import record_job
from workers.export_worker import run_export_job

logger = logging.getLogger("kundenstamm.exports")

SWEEP_SECONDS = 30.0


class ExportRunner:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._pool: ProcessPoolExecutor | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._sweeper: asyncio.Task[None] | None = None
        self._queued: set[uuid.UUID] = set()

    async def start(self) -> None:
        await fail_abandoned_jobs()
        await delete_expired_files(self.settings.export_dir)
        self._sweeper = asyncio.create_task(self._sweep_forever())

    async def stop(self) -> None:
        if self._sweeper is not None:
            self._sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sweeper
        for task in list(self._tasks):
            task.cancel()
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)

    def submit(self, job_id: uuid.UUID) -> None:
        task = asyncio.create_task(self._run(job_id))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _worker_pool(self) -> ProcessPoolExecutor:
        if self._pool is None:
            # spawn, not fork: a forked child would inherit the event loop and open sockets.
            context = multiprocessing.get_context("spawn")
            self._pool = ProcessPoolExecutor(max_workers=1, mp_context=context)
        return self._pool

    async def _run(self, job_id: uuid.UUID) -> None:
        loop = asyncio.get_running_loop()
        self._queued.add(job_id)
        started = time.monotonic()
        try:
            await loop.run_in_executor(
                self._worker_pool(),
                run_export_job,
                self.settings.database_url,
                str(self.settings.export_dir),
                str(job_id),
                self.settings.export_file_seconds,
            )
        except Exception as error:
            # The worker records its own failures; this is for the worker process itself
            # dying or not starting. The job must not stay PENDING or RUNNING.
            logger.exception("export worker failed on job %s", job_id)
            if isinstance(error, BrokenProcessPool):
                self._pool = None
            await ExportJob.filter(id=job_id, status__in=ACTIVE).update(
                status=JobStatus.FAILED,
                error_message="The export worker stopped unexpectedly; start the export again.",
                finished_at=dt.datetime.now(dt.UTC),
            )
        finally:
            self._queued.discard(job_id)
        status = await ExportJob.filter(id=job_id).first().values_list("status", flat=True)
        record_job("export", str(status) if status else None, time.monotonic() - started)

    async def _sweep_forever(self) -> None:
        while True:
            await asyncio.sleep(SWEEP_SECONDS)
            try:
                # Jobs waiting in this process's queue are alive, though no worker touched
                # them yet.
                if self._queued:
                    await heartbeat_all(self._queued)
                await fail_abandoned_jobs()
                await delete_expired_files(self.settings.export_dir)
                # Not exports, but the same kind of chore on the same schedule.
                await purge_expired()
                await purge_forgotten()
            except Exception:
                # The sweeper must outlive a failed round (e.g. the database restarting).
                logger.exception("export clean-up failed; retrying in %s s", SWEEP_SECONDS)
