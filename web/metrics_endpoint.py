"""GET /metrics: the Prometheus text format, for all worker processes of the server."""

from __future__ import annotations

import hmac
import os
from collections.abc import Iterable

from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from tortoise import connections

_QUEUE_DEPTH = (
    "SELECT 'import' AS kind, COUNT(*) AS depth FROM import_jobs WHERE status = 'PENDING'"
    " UNION ALL"
    " SELECT 'export' AS kind, COUNT(*) AS depth FROM export_jobs WHERE status = 'PENDING'"
    " UNION ALL"
    " SELECT 'webhook' AS kind, COUNT(*) AS depth FROM webhook_deliveries"
    " WHERE status = 'PENDING'"
)


class _Snapshot:
    """Values read from the database for this scrape (the queue is shared by all workers,
    so it is counted where it lives, not summed over processes)."""

    def __init__(self, depths: dict[str, int]) -> None:
        self.depths = depths

    def collect(self) -> Iterable[Metric]:
        gauge = GaugeMetricFamily(
            "kundenstamm_jobs_queued",
            "Work waiting, by kind: import and export jobs, webhook deliveries.",
            labels=["kind"],
        )
        for kind, depth in sorted(self.depths.items()):
            gauge.add_metric([kind], depth)
        yield gauge


def _registry() -> CollectorRegistry:
    if "PROMETHEUS_MULTIPROC_DIR" not in os.environ:
        return REGISTRY
    registry = CollectorRegistry()
    MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    return registry


class MetricsEndpoint:
    def __init__(self, token: str | None) -> None:
        self.token = token

    async def respond(self, request: Request) -> Response:
        if self.token is not None:
            scheme, _, given = request.headers.get("authorization", "").partition(" ")
            if scheme.lower() != "bearer" or not hmac.compare_digest(
                given.strip().encode(), self.token.encode()
            ):
                return PlainTextResponse(
                    "Send 'Authorization: Bearer <metrics token>'.",
                    status_code=401,
                    headers={"WWW-Authenticate": 'Bearer realm="metrics"'},
                )
        rows = await connections.get("default").execute_query_dict(_QUEUE_DEPTH)
        registry = _registry()
        snapshot = _Snapshot({row["kind"]: int(row["depth"]) for row in rows})
        registry.register(snapshot)
        try:
            body = generate_latest(registry)
        finally:
            registry.unregister(snapshot)
        return Response(body, media_type=CONTENT_TYPE_LATEST)
