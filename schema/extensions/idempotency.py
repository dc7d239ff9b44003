"""Idempotency-Key: a retried mutation gets the first response instead of running again.

`IdempotentRequests` is the whole flow around one keyed mutation; `IdempotentExecution`
is its step inside the schema: the transaction opens after the query was priced and
charged (the charge must not wait for, or roll back with, the mutation), and is
committed with the stored response once that is known.
"""

from __future__ import annotations

import hashlib
import json
import logging
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any

from graphql import ExecutionResult as GraphQLExecutionResult
from graphql import GraphQLError
from starlette.datastructures import UploadFile
from starlette.requests import HTTPConnection
from strawberry.extensions import SchemaExtension
from strawberry.http import GraphQLRequestData
from strawberry.types import ExecutionResult

from domain.idempotency import (
    Claim,
    fingerprint,
    noting_customers,
    stored_response,
    valid_key,
)
from domain.principal import Principal
from models import IdempotencyRecord
from schema.extensions.answers import (
    Answered,
    database_busy,
    in_progress,
    key_invalid,
    key_not_supported,
    not_stored,
    reused,
)
from schema.extensions.document import ReadDocument

if TYPE_CHECKING:
    from schema.context import Context

HEADER = "idempotency-key"
# They carry passwords and session tokens, which must not be kept in stored responses.
CREDENTIAL_FIELDS = frozenset({"login", "logout", "passwordChange"})

logger = logging.getLogger("kundenstamm.requests")


def idempotency_key(connection: HTTPConnection) -> str | None:
    key = connection.headers.get(HEADER)
    if key is not None and not valid_key(key):
        raise key_invalid()
    return key


def _canonical(value: Any) -> Any:
    """Variables as JSON, with an uploaded file standing for its name and content."""
    if isinstance(value, UploadFile):
        value.file.seek(0)
        digest = hashlib.sha256(value.file.read()).hexdigest()
        value.file.seek(0)
        return {"upload": value.filename, "sha256": digest}
    if isinstance(value, dict):
        return {str(k): _canonical(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_canonical(item) for item in value]
    return value


def request_fingerprint(
    principal: Principal, request_data: GraphQLRequestData, secret_key: str
) -> str:
    return fingerprint(
        secret_key,
        f"{principal.actor.type.value}:{principal.actor.id}",
        {
            "query": request_data.query,
            "operationName": request_data.operation_name,
            "variables": _canonical(request_data.variables or {}),
        },
    )


def _answer_from_earlier(claim: Claim, earlier: IdempotencyRecord | None) -> None:
    if earlier is None:
        return
    if earlier.fingerprint != claim.fingerprint:
        raise reused()
    raise Answered(
        earlier.status_code, json.loads(earlier.response), {"Idempotent-Replayed": "true"}
    )


class IdempotentRequests:
    """Runs keyed mutations: once, replayed, or refused; one instance per server process."""

    def __init__(self, secret_key: str) -> None:
        self.secret_key = secret_key
        # Keys of this process's idempotent requests that are running right now.
        self._running: set[tuple[uuid.UUID, str]] = set()

    async def run(
        self,
        *,
        key: str,
        principal: Principal,
        request_data: GraphQLRequestData,
        reading: ReadDocument,
        context: Context,
        execute: Callable[[], Awaitable[ExecutionResult]],
        respond: Callable[[ExecutionResult], Awaitable[Mapping[str, object]]],
    ) -> ExecutionResult:
        """The result of running the mutation now; Answered when an earlier run answers."""
        if reading.root_fields & CREDENTIAL_FIELDS:
            raise key_not_supported()
        claim = Claim(
            principal.organization_id,
            key,
            request_fingerprint(principal, request_data, self.secret_key),
        )
        _answer_from_earlier(claim, await stored_response(claim.organization_id, key))
        running = (claim.organization_id, key)
        if running in self._running:
            raise in_progress()
        self._running.add(running)
        try:
            context.idempotency = claim
            with noting_customers() as shown:
                result = await execute()
            if claim.unavailable is not None:
                logger.warning(
                    "database busy in request %s: %s", context.request_id, claim.unavailable
                )
                raise database_busy()
            if claim.busy:
                raise in_progress()
            _answer_from_earlier(claim, claim.earlier)
            if claim.holding:
                await self._store(claim, result, context, respond, shown)
        finally:
            # First, and whatever the rollback does: a key left here would be refused
            # with 409 until the process ends.
            self._running.discard(running)
            await claim.release()
        return result

    async def _store(
        self,
        claim: Claim,
        result: ExecutionResult,
        context: Context,
        respond: Callable[[ExecutionResult], Awaitable[Mapping[str, object]]],
        shown: set[uuid.UUID],
    ) -> None:
        """Commit the change with its response, or neither when a bug interfered; `shown`:
        the customers whose data the response holds."""
        if any(
            (error.extensions or {}).get("code") == "INTERNAL_SERVER_ERROR"
            for error in result.errors or ()
        ):
            # All or nothing: a half-done mutation is rolled back, not kept and replayed.
            await claim.release()
            raise not_stored(context.request_id)
        try:
            response = await respond(result)
            await claim.complete(context.response.status_code or 200, dict(response), shown)
        except Exception:
            logger.exception("storing the response of request %s failed", context.request_id)
            await claim.release()
            raise not_stored(context.request_id) from None


class IdempotentExecution(SchemaExtension):
    async def on_execute(self) -> AsyncIterator[None]:
        execution = self.execution_context
        claim = execution.context.idempotency
        if claim is not None and not execution.result:
            await claim.begin()
            if not claim.holding:
                # A twin runs or ran: the HTTP layer answers instead; this is never sent.
                execution.result = GraphQLExecutionResult(
                    data=None, errors=[GraphQLError("Answered by an earlier request.")]
                )
        yield
