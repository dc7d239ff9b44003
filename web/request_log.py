"""One log line and one metrics sample per request, in place of uvicorn's access log.

The line has the path without its query string: a download link's query is the only
credential it needs, and a GET request's query holds GraphQL variables (names, e-mails).
"""

from __future__ import annotations

import logging
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from telemetry.logs import RequestInfo, current_request
from telemetry.metrics import REQUEST_SECONDS, REQUESTS

logger = logging.getLogger("kundenstamm.access")

# Probes come every few seconds: at info level they would drown the requests that matter.
QUIET_ROUTES = frozenset({"/healthz", "/readyz", "/health", "/metrics"})


def route_of(scope: Scope) -> str:
    """The matched route's template (/exports/{organization_id}/{job_id}), never the path
    itself: paths hold ids, and every distinct label value is a series of its own."""
    route = scope.get("route")
    path = getattr(route, "path", None)
    return path if isinstance(path, str) else "unmatched"


class RequestLogMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        info = RequestInfo(request_id=scope.get("state", {}).get("request_id", "-"))
        token = current_request.set(info)
        started = time.perf_counter()
        status = 500  # what the client gets when the app fails before answering

        async def send_observed(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_observed)
        finally:
            seconds = time.perf_counter() - started
            route = route_of(scope)
            method = scope["method"]
            REQUESTS.labels(route, method, str(status)).inc()
            REQUEST_SECONDS.labels(route, method).observe(seconds)
            client = scope.get("client")
            logger.log(
                logging.DEBUG if route in QUIET_ROUTES else logging.INFO,
                '%s - "%s %s" %d %.1f ms',
                client[0] if client else "-",
                method,
                scope["path"],
                status,
                seconds * 1000,
                extra={
                    "method": method,
                    "path": scope["path"],
                    "route": route,
                    "status": status,
                    "duration_ms": round(seconds * 1000, 1),
                    "client": client[0] if client else None,
                },
            )
            current_request.reset(token)
