"""One place that turns refused domain calls into payloads with userErrors."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Any, ParamSpec, Protocol, TypeVar

from domain.errors import DomainError
from schema.errors import UserError, user_errors


class _Payload(Protocol):
    def __init__(self, *, user_errors: list[UserError]) -> None: ...


P = ParamSpec("P")
T = TypeVar("T", bound=_Payload)


def refusals_as(
    payload: type[T],
) -> Callable[[Callable[P, Awaitable[T]]], Callable[P, Awaitable[T]]]:
    def decorate(resolver: Callable[P, Awaitable[T]]) -> Callable[P, Awaitable[T]]:
        @functools.wraps(resolver)
        async def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
            try:
                return await resolver(*args, **kwargs)
            except DomainError as error:
                return payload(user_errors=user_errors(error))

        return wrapper

    return decorate


__all__: list[Any] = ["refusals_as"]
