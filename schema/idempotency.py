"""Runs a mutation sent with an Idempotency-Key inside the transaction that stores its response.

The transaction opens here, after the query was priced and charged (the charge must not
wait for, or roll back with, the mutation), and is committed by the HTTP layer once the
response is known.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from graphql import ExecutionResult, GraphQLError
from strawberry.extensions import SchemaExtension


class IdempotentExecution(SchemaExtension):
    async def on_execute(self) -> AsyncIterator[None]:
        execution = self.execution_context
        claim = execution.context.idempotency
        if claim is not None and not execution.result:
            await claim.begin()
            if not claim.holding:
                # A twin runs or ran: the HTTP layer answers instead; this is never sent.
                execution.result = ExecutionResult(
                    data=None, errors=[GraphQLError("Answered by an earlier request.")]
                )
        yield
