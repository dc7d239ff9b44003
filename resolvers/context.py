"""The typed per-request context every resolver receives."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request
from strawberry.types import Info as StrawberryInfo

from domain.principal import Principal
from resolvers.errors import ClientError
from resolvers.loaders import Loaders


@dataclass
class Context:
    request: Request
    request_id: str
    caller: Principal | None
    """None only for a request that runs nothing but `login`."""
    caller_loaders: Loaders | None

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
