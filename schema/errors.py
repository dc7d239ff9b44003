"""Errors clients see: UserError in payloads, ClientError at the top level."""

from __future__ import annotations

import strawberry
from graphql import GraphQLError

from domain.errors import DomainError, FieldError
from schema.enums import UserErrorCode


class ClientError(GraphQLError):
    """A top-level error the client caused (limits, bad arguments): shown, never masked."""

    def __init__(self, message: str, code: str = "BAD_USER_INPUT") -> None:
        super().__init__(message, extensions={"code": code})


@strawberry.type
class UserError:
    """The one shape expected failures take in every payload."""

    field: list[str] | None = strawberry.field(
        description='Path into the mutation input, e.g. ["input", "address", "zip"].'
    )
    message: str
    code: UserErrorCode


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def user_error(error: FieldError) -> UserError:
    path = ["input", *(camel(part) for part in error.field)] if error.field is not None else None
    return UserError(field=path, message=error.message, code=UserErrorCode(error.code.value))


def user_errors(error: DomainError) -> list[UserError]:
    return [user_error(item) for item in error.errors]
