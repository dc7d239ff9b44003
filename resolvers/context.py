"""The typed per-request context every resolver receives."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request
from strawberry.types import Info as StrawberryInfo

from domain.principal import Principal
from resolvers.loaders import Loaders


@dataclass
class Context:
    request: Request
    request_id: str
    principal: Principal
    loaders: Loaders


Info = StrawberryInfo[Context, None]
