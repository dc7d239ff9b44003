"""Top-level errors a client caused (limits, bad arguments): shown, never masked."""

from __future__ import annotations

from graphql import GraphQLError


class ClientError(GraphQLError):
    def __init__(self, message: str, code: str = "BAD_USER_INPUT") -> None:
        super().__init__(message, extensions={"code": code})
