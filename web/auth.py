"""Bearer authentication with API keys (no cookies, so no CSRF surface)."""

from __future__ import annotations

from starlette.requests import HTTPConnection

from domain.api_keys import find_active_key
from domain.principal import Principal


def bearer_token(connection: HTTPConnection) -> str | None:
    scheme, _, token = connection.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


async def authenticate(connection: HTTPConnection) -> Principal | None:
    token = bearer_token(connection)
    if token is None:
        return None
    key = await find_active_key(token)
    if key is None:
        return None
    return Principal(organization=key.organization, api_key_id=key.id, scope=key.scope)
