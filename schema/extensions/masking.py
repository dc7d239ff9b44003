"""Bugs reach clients as a masked error with a request id; the details go to the log."""

from __future__ import annotations

import logging

from graphql import GraphQLError
from strawberry.extensions import MaskErrors
from tortoise.exceptions import OperationalError, TransactionManagementError

from schema.errors import ClientError

logger = logging.getLogger("kundenstamm.errors")


def is_unexpected(error: GraphQLError) -> bool:
    # Errors without a path come from parsing, validation or variable coercion: the
    # client's own mistake, safe and useful to show. With a path, only our ClientError is.
    if error.path is None:
        # ...unless it was raised by our own code before execution (an extension that
        # reached the database, say): a scalar refusing a value raises ValueError or
        # TypeError, anything else there is a bug whose text must not leave the server.
        original = error.original_error
        return original is not None and not isinstance(
            original, GraphQLError | ClientError | ValueError | TypeError
        )
    return not isinstance(error.original_error, ClientError) and not isinstance(error, ClientError)


def _database_busy(error: BaseException) -> bool:
    return isinstance(error, TransactionManagementError | OperationalError) and (
        "database is locked" in str(error)
    )


class MaskUnexpectedErrors(MaskErrors):
    def __init__(self) -> None:
        super().__init__(should_mask_error=is_unexpected, error_message="Internal server error.")

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        request_id = getattr(self.execution_context.context, "request_id", None)
        original = error.original_error or error
        if _database_busy(original):
            # Not a bug: another process held SQLite's write lock past the busy timeout.
            logger.warning("database busy in request %s: %s", request_id, original)
            busy = GraphQLError(
                "The database is busy with another write; retry shortly.",
                nodes=error.nodes,
                path=error.path,
            )
            busy.extensions = {"code": "DATABASE_BUSY", "requestId": request_id}
            return busy
        logger.error(
            "unexpected error in request %s at %s",
            request_id,
            ".".join(str(part) for part in error.path or ()),
            exc_info=(type(original), original, original.__traceback__),
        )
        masked = super().anonymise_error(error)
        masked.extensions = {"code": "INTERNAL_SERVER_ERROR", "requestId": request_id}
        return masked
