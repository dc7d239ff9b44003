"""Probes for orchestrators: /healthz (the process answers) and /readyz (it can serve).

Neither needs a key or is charged; both say nothing about the data.
"""

from __future__ import annotations

import logging
import pkgutil

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from tortoise import connections

import migrations

logger = logging.getLogger("kundenstamm.health")

# The migrations this code expects: a database that lacks one is not ready for it (a
# rolling deploy whose `kundenstamm migrate` has not run yet).
EXPECTED_MIGRATIONS = frozenset(
    module.name for module in pkgutil.iter_modules(migrations.__path__) if module.name[0].isdigit()
)


async def healthz(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> Response:
    try:
        rows = await connections.get("default").execute_query_dict(
            "SELECT name FROM tortoise_migrations WHERE app = 'models'"
        )
    except Exception as error:
        # Any failure here means "not ready", whatever the driver calls it; the reason
        # goes to the log in full and to the prober in one word.
        logger.warning("readiness: database does not answer (%s: %s)", type(error).__name__, error)
        return JSONResponse(
            {"status": "unavailable", "reason": "database_unavailable"}, status_code=503
        )
    pending = sorted(EXPECTED_MIGRATIONS - {row["name"] for row in rows})
    if pending:
        return JSONResponse(
            {"status": "unavailable", "reason": "migrations_pending", "pending": pending},
            status_code=503,
        )
    return JSONResponse({"status": "ok"})
