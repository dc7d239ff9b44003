"""Which rate-limit bucket a request is charged to."""

from __future__ import annotations

from typing import TYPE_CHECKING

from domain.login_throttle import address_key

if TYPE_CHECKING:  # schema.context reads documents through this package
    from schema.context import Context


def caller_bucket(context: Context) -> str:
    """The key's or user's own bucket; anonymous requests (login) share one bucket per
    client address, so nobody gets unlimited requests by sending no key."""
    caller = context.caller
    if caller is not None:
        return f"{caller.actor.type.value}:{caller.actor.id}"
    client = context.request.client
    return address_key(client.host if client else None) or "address:unknown"
