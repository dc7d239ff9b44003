"""The typed per-request context every resolver receives, and the request's own state."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from enum import StrEnum

from starlette.requests import Request
from starlette.responses import Response
from strawberry.types import Info as StrawberryInfo

from domain.idempotency import Claim
from domain.principal import Principal
from models import Event
from schema.errors import ClientError
from schema.extensions.document import ReadDocument
from schema.loaders import Loaders


class Outcome(StrEnum):
    OK = "ok"
    USER_ERRORS = "user_errors"
    """Answered with data whose payloads carry userErrors."""
    ERRORS = "errors"
    """Top-level errors: request errors, refusals, bugs."""
    THROTTLED = "throttled"


@dataclass
class RequestState:
    """One /graphql request as a whole, kept on `request.state.graphql`.

    The HTTP layer fills it and sets the outcome when the answer is known: the one
    place to observe a request (logs, metrics) without parsing anything again.
    """

    organization_id: uuid.UUID | None = None
    reading: ReadDocument | None = None
    """The document as read once for this request; None before or if it does not parse."""
    outcome: Outcome | None = None
    request_error: bool = False
    """Refused before execution (parse, validation): no data, errors without a path."""

    @property
    def operation_name(self) -> str | None:
        operation = self.reading.operation if self.reading else None
        return operation.name.value if operation and operation.name else None


@dataclass
class Context:
    request: Request
    request_id: str
    caller: Principal | None
    """None only for a request that runs nothing but `login`."""
    caller_loaders: Loaders | None
    response: Response
    """Status and headers beyond the JSON body (429 and Retry-After, for one)."""
    max_page_size: int
    state: RequestState
    idempotency: Claim | None = None
    """Set when the mutation runs in the transaction that stores its response."""
    after_commit: list[Callable[[], Awaitable[None] | None]] = field(default_factory=list)
    """Side effects outside the database, run once the request's writes are committed
    (awaited before the response is sent when they return an awaitable)."""
    loaded_events: dict[int, Event] = field(default_factory=dict)
    """Events of the delivery log pages read in this request, by id (one query a page)."""

    @property
    def principal(self) -> Principal:
        if self.caller is None:
            raise ClientError("Authentication required.", code="UNAUTHENTICATED")
        return self.caller

    @property
    def loaders(self) -> Loaders:
        if self.caller_loaders is None:
            raise ClientError("Authentication required.", code="UNAUTHENTICATED")
        return self.caller_loaders


Info = StrawberryInfo[Context, None]
