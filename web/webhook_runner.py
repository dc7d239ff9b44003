"""Sends webhooks in the background of each server process, never on a request's path.

Each round: new events become deliveries (fan-out), due deliveries are claimed up to the
free capacity and sent as tasks of their own, finished attempts are written back in one
transaction. A receiver that hangs holds one slot until the timeout, never the loop or
a request. On stop, attempts cut off are handed back (due again at once, same
webhook-id); after a crash their lease runs out and any process sends them again.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import time
import uuid

import httpx

from domain import events
from domain.webhook_deliveries import (
    Claimed,
    Outcome,
    claim_due,
    endpoints_to_fan_out,
    fan_out,
    hand_back,
    record_outcomes,
)
from domain.webhook_sender import attempt, new_client
from domain.webhook_urls import UrlPolicy
from settings import Settings
from telemetry.metrics import record_deliveries
from web.background import mark_background

logger = logging.getLogger("kundenstamm.webhooks")

POLL_SECONDS = 0.5
# Attempts in flight per process: a hanging receiver holds its slots until the timeout.
CONCURRENCY = 200
# After a wake, finished attempts gather this long, so one round writes many outcomes.
LINGER_SECONDS = 0.05
SWEEP_SECONDS = 600.0
# An attempt's lease: its timeout and room for writing the outcome back.
LEASE_MARGIN = dt.timedelta(seconds=30)


class WebhookRunner:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.policy = UrlPolicy(
            production=settings.environment == "production",
            allow_private=settings.webhook_allow_private,
        )
        self._client: httpx.AsyncClient | None = None
        self._sending: dict[uuid.UUID, tuple[int, asyncio.Task[None]]] = {}
        self._outcomes: list[Outcome] = []
        self._loop_task: asyncio.Task[None] | None = None
        self._stopping = False
        self._wake = asyncio.Event()

    async def start(self) -> None:
        self._client = new_client()
        self._loop_task = asyncio.create_task(self._run_forever())

    def wake(self) -> None:
        self._wake.set()

    async def stop(self) -> None:
        self._stopping = True
        self._wake.set()
        if self._loop_task is not None:
            try:
                await asyncio.wait_for(asyncio.shield(self._loop_task), POLL_SECONDS * 10)
            except TimeoutError:
                self._loop_task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await self._loop_task
        for _, task in self._sending.values():
            task.cancel()
        await asyncio.gather(*(task for _, task in self._sending.values()), return_exceptions=True)
        try:
            await self._flush()  # attempts that finished; what is left was cut off
            cut_off = [(delivery_id, tried) for delivery_id, (tried, _) in self._sending.items()]
            await hand_back(cut_off)
            record_deliveries("handed_back", len(cut_off))
        except Exception:
            # Their leases run out and another round sends them again.
            logger.exception("handing back webhook deliveries failed")
        if self._client is not None:
            await self._client.aclose()

    async def _run_forever(self) -> None:
        mark_background()
        swept = 0.0
        while not self._stopping:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), POLL_SECONDS)
            if self._stopping:
                return
            await asyncio.sleep(LINGER_SECONDS)
            self._wake.clear()
            try:
                await self._flush()
                for endpoint_id in await endpoints_to_fan_out():
                    while await fan_out(endpoint_id):
                        pass
                await self._claim()
                if time.monotonic() - swept >= SWEEP_SECONDS:
                    swept = time.monotonic()
                    await events.delete_expired(self.settings.event_retention_days)
            except Exception:
                # The loop must outlive a failed round (e.g. the database restarting).
                logger.exception("webhook round failed; retrying")
                await asyncio.sleep(POLL_SECONDS)

    async def _claim(self) -> None:
        free = CONCURRENCY - len(self._sending)
        if free <= 0:
            return
        lease = dt.timedelta(seconds=self.settings.webhook_timeout_s) + LEASE_MARGIN
        for claimed in await claim_due(free, lease):
            task = asyncio.create_task(self._send(claimed))
            self._sending[claimed.delivery.id] = (claimed.delivery.attempts, task)

    async def _send(self, claimed: Claimed) -> None:
        assert self._client is not None
        outcome = await attempt(
            self._client,
            claimed,
            policy=self.policy,
            timeout_s=float(self.settings.webhook_timeout_s),
        )
        self._outcomes.append(outcome)
        self._wake.set()

    async def _flush(self) -> None:
        """Write finished attempts back; their slots are free again after that."""
        outcomes, self._outcomes = self._outcomes, []
        if not outcomes:
            return
        try:
            await record_outcomes(outcomes, self.settings.webhook_retry_schedule)
        except Exception:
            self._outcomes = outcomes + self._outcomes  # tried again next round
            raise
        schedule = len(self.settings.webhook_retry_schedule)
        for outcome in outcomes:
            self._sending.pop(outcome.delivery_id, None)
            if outcome.succeeded:
                record_deliveries("succeeded")
            elif outcome.gone or outcome.attempt >= schedule:
                record_deliveries("failed")
            else:
                record_deliveries("retrying")
