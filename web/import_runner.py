"""Runs import jobs in worker processes: claims them, watches them, hands them back on stop.

Every server process polls the queue, so a job is run by whichever process has room,
also one queued by a process that has since stopped. One import at a time per server
process: an import is minutes of CPU, and its worker is a process of its own.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import os
import time
import uuid
from multiprocessing import forkserver as _workers
from multiprocessing.process import BaseProcess

from domain import import_jobs
from models import ImportJob
from settings import Settings
from telemetry.metrics import record_job
from web.background import mark_background
from workers.import_worker import run_import_job

logger = logging.getLogger("kundenstamm.imports")

_context = multiprocessing.get_context("forkserver")
_context.set_forkserver_preload(["workers.import_worker"])

POLL_SECONDS = 1.0
SWEEP_SECONDS = 30.0
WORKERS = 1


class ImportRunner:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._running: dict[uuid.UUID, BaseProcess] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._poller: asyncio.Task[None] | None = None
        self._stopping = False
        self._wake = asyncio.Event()

    async def start(self) -> None:
        await import_jobs.recover_abandoned()
        # Workers fork from a server process that has the import code loaded already: a
        # job starts in milliseconds instead of a second of imports. Started in a thread
        # (it waits for that process to come up), and forkserver, not fork: the forking
        # process is single-threaded and holds no event loop or sockets of ours.
        await asyncio.to_thread(_workers.ensure_running)
        self._poller = asyncio.create_task(self._poll_forever())

    def wake(self) -> None:
        """A job was just committed: look for it now instead of at the next poll."""
        self._wake.set()

    async def stop(self) -> None:
        """Stop the workers and give their jobs back to the queue (another process, or this
        server's next start, runs them again from the start)."""
        self._stopping = True
        if self._poller is not None:
            # A flag, not only cancel(): Python 3.11's wait_for can swallow a cancellation
            # that arrives just as the event it waits for is set.
            self._wake.set()
            try:
                await asyncio.wait_for(asyncio.shield(self._poller), POLL_SECONDS * 5)
            except TimeoutError:
                self._poller.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await self._poller
        for process in self._running.values():
            process.terminate()
        for process in self._running.values():
            await asyncio.to_thread(process.join, 10)
        try:
            handed = await import_jobs.hand_back(list(self._running))
            if handed:
                logger.info("handed %s running imports back to the queue", handed)
        except Exception:
            # Then the next start of any server finds them abandoned and reruns them.
            logger.exception("handing back running imports failed")
        for task in list(self._tasks):
            task.cancel()

    async def _poll_forever(self) -> None:
        mark_background()
        swept = time.monotonic()
        while not self._stopping:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), POLL_SECONDS)
            self._wake.clear()
            if self._stopping:
                return
            try:
                if len(self._running) < WORKERS:
                    job = await import_jobs.claim()
                    if job is not None:
                        self._launch(job.id)
                if time.monotonic() - swept >= SWEEP_SECONDS:
                    swept = time.monotonic()
                    await import_jobs.heartbeat_all(list(self._running))
                    await import_jobs.recover_abandoned()
                    await import_jobs.delete_finished_files(self.settings.import_dir)
            except Exception:
                # The poller must outlive a failed round (e.g. the database restarting).
                logger.exception("import queue round failed; retrying")
                await asyncio.sleep(POLL_SECONDS)

    def _launch(self, job_id: uuid.UUID) -> None:
        process = _context.Process(
            target=run_import_job,
            args=(
                self.settings.database_url,
                str(self.settings.import_dir),
                str(job_id),
                os.getpid(),
                self.settings.secret_key,
            ),
            name=f"import-{job_id}",
            daemon=True,
        )
        process.start()
        self._running[job_id] = process
        task = asyncio.create_task(self._watch(job_id, process))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _watch(self, job_id: uuid.UUID, process: BaseProcess) -> None:
        started = time.monotonic()
        await asyncio.to_thread(process.join)
        if self._stopping:
            return  # stop() hands the job back
        del self._running[job_id]
        self._wake.set()  # room for the next job
        if process.exitcode != 0:
            logger.error("import worker for job %s ended with code %s", job_id, process.exitcode)
            await import_jobs.fail_unfinished(job_id)
        status = await ImportJob.filter(id=job_id).first().values_list("status", flat=True)
        record_job("import", str(status) if status else None, time.monotonic() - started)
