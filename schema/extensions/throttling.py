"""Query cost and rate limit: priced after validation, charged before execution.

Every response tells the caller what the query cost and what is left, in Shopify's
shape, so a client can pace itself instead of running into 429s.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import AsyncIterator
from typing import Any

from graphql import ExecutionResult, GraphQLError
from strawberry.extensions import SchemaExtension

from domain.bucket_leases import BucketLeases
from domain.customers.listing import DEFAULT_PAGE_SIZE
from schema.extensions.caller_bucket import caller_bucket
from schema.extensions.cost import PagePricing, query_cost
from settings import ApiLimits

logger = logging.getLogger("kundenstamm.requests")


class ChargeBreaker:
    """After a charge failed, requests pass uncharged for a moment without trying again.

    On SQLite a charge waits up to a second for another process's write; requests queue
    for the process's one connection, so without this each would wait its second in turn.
    The log says so once a minute, not once a request.
    """

    OPEN_SECONDS = 2.0

    def __init__(self) -> None:
        self._open_until = -math.inf
        self._warned = -math.inf

    def closed(self) -> bool:
        return time.monotonic() >= self._open_until

    def trip(self, bucket: str, error: Exception) -> None:
        now = time.monotonic()
        self._open_until = now + self.OPEN_SECONDS
        if now - self._warned >= 60:
            self._warned = now
            logger.warning(
                "rate limit not charged (%s: %s), e.g. for %s; letting requests pass",
                type(error).__name__,
                error,
                bucket,
            )


def _refuse(message: str, code: str, **extensions: Any) -> ExecutionResult:
    return ExecutionResult(
        data=None, errors=[GraphQLError(message, extensions={"code": code, **extensions})]
    )


class QueryCost(SchemaExtension):
    def __init__(self, *, limits: ApiLimits, breaker: ChargeBreaker, leases: BucketLeases) -> None:
        self.limits = limits
        self.breaker = breaker
        self.leases = leases
        self.pages = PagePricing(
            default_size=min(DEFAULT_PAGE_SIZE, limits.max_page_size),
            max_size=limits.max_page_size,
        )
        self.policy = leases.policy
        self.report: dict[str, Any] = {}

    async def on_execute(self) -> AsyncIterator[None]:
        execution = self.execution_context
        reading = execution.context.state.reading
        assert reading is not None  # read before validation, which let it through
        cost = query_cost(execution.schema._schema, reading, execution.variables, self.pages)
        self.report = {"requestedQueryCost": cost}
        if cost > self.limits.max_query_cost:
            execution.result = _refuse(
                f"The query costs {cost} points, more than the {self.limits.max_query_cost} "
                "a single query may cost. Ask for fewer or smaller pages (first/last).",
                "MAX_COST_EXCEEDED",
                cost=cost,
                maximumCost=self.limits.max_query_cost,
            )
        elif self.breaker.closed():
            bucket = caller_bucket(execution.context)
            try:
                taken = await self.leases.charge(bucket, cost)
            except Exception as error:
                # The limit protects the service; it must not be what takes it down. A
                # database too busy to charge (SQLite behind another process's long
                # import) lets the request through.
                self.breaker.trip(bucket, error)
                yield
                return
            self.report |= {
                "maximumAvailable": self.policy.capacity,
                "currentlyAvailable": int(taken.available),
                "restoreRate": self.policy.restore_rate,
            }
            if not taken.granted:
                response = execution.context.response
                response.status_code = 429
                response.headers["Retry-After"] = str(taken.retry_after)
                execution.result = _refuse(
                    f"Throttled: the query costs {cost} points and {int(taken.available)} are "
                    f"available; {self.policy.restore_rate} come back each second. "
                    f"Retry after {taken.retry_after} s.",
                    "THROTTLED",
                )
        yield

    def get_results(self) -> dict[str, Any]:
        return {"cost": self.report} if self.report else {}
