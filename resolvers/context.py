"""The typed per-request context every resolver receives."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from starlette.requests import Request
from starlette.responses import Response
from strawberry.types import Info as StrawberryInfo

from domain.idempotency import Claim
from domain.principal import Principal
from models import Event
from resolvers.errors import ClientError
from resolvers.loaders import Loaders


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
    idempotency: Claim | None = None
    """Set when the mutation runs in the transaction that stores its response."""
    after_commit: list[Callable[[], None]] = field(default_factory=list)
    """Side effects outside the database, run once the request's writes are committed."""
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
