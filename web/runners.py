"""The server process's background work (export and import jobs, webhook deliveries),
started once the database's schema is the one this code expects.

A process that comes up before `kundenstamm migrate` has run (a rolling deploy) still
answers /healthz and /readyz (503, migrations pending); its runners would only fail on
columns that do not exist yet, so they wait and start once the migrations are applied.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Protocol

from web.health import pending_migrations

logger = logging.getLogger("kundenstamm.runners")

RECHECK_SECONDS = 2.0


class Runner(Protocol):
    async def start(self) -> None: ...

    async def stop(self) -> None: ...


class Runners:
    def __init__(self, runners: list[Runner]) -> None:
        self._runners = runners
        self._started: list[Runner] = []
        self._waiting: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Start at once on a current schema (jobs left over are settled before the first
        request); otherwise wait in the background."""
        pending = await pending_migrations()
        if not pending:
            await self._start_all()
            return
        logger.warning(
            "migrations pending (%s): jobs and webhooks wait until `kundenstamm migrate` ran",
            ", ".join(pending),
        )
        self._waiting = asyncio.create_task(self._start_when_migrated())

    async def stop(self) -> None:
        if self._waiting is not None:
            self._waiting.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._waiting
        for runner in reversed(self._started):
            await runner.stop()

    async def _start_when_migrated(self) -> None:
        # Another process migrates: polling the database is the only way to learn it.
        while True:
            if not await pending_migrations():
                break
            await asyncio.sleep(RECHECK_SECONDS)
        logger.info("migrations applied: starting jobs and webhooks")
        await self._start_all()

    async def _start_all(self) -> None:
        for runner in self._runners:
            await runner.start()
            self._started.append(runner)
