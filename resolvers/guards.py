"""Who may write: checked before any domain call that changes data."""

from __future__ import annotations

from domain.errors import DomainError, ErrorCode
from resolvers.context import Info


def require_write(info: Info) -> None:
    if not info.context.principal.can_write:
        raise DomainError.single(
            ErrorCode.FORBIDDEN, "This API key may only read; use a key with the write scope."
        )
