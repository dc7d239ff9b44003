"""The /graphql endpoint: Strawberry behind our authentication and request protections.

The protections themselves live in schema.extensions; here is only what needs HTTP:
who calls, which body is acceptable, Idempotency-Key around a mutation, and the shape
of the answer. Each request's RequestState is on `request.state.graphql`, and
`finished` sees it once the answer is sent.
"""

from __future__ import annotations

import inspect
import logging
from functools import partial
from typing import Any

from cross_web import AsyncHTTPRequestAdapter, HTTPException
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.types import Message, Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.types import ExecutionResult

from schema import Schema
from schema.context import Context, Outcome, RequestState
from schema.extensions.answers import Answered, method_not_allowed
from schema.extensions.document import reading_of
from schema.extensions.idempotency import IdempotentRequests, idempotency_key
from schema.loaders import Loaders
from settings import ApiLimits
from telemetry.logs import current_request
from telemetry.metrics import operation_label, record_operation
from web.auth import admit
from web.graphql_http import (
    as_graphql_response,
    decode_request_json,
    encode_json,
    internal_error,
    is_request_error,
    outcome_of,
    unsupported_content_type,
    wants_graphql_response,
)

logger = logging.getLogger("kundenstamm.requests")


async def _run_after_commit(context: Context) -> None:
    for callback in context.after_commit:
        try:
            done = callback()
            if inspect.isawaitable(done):
                await done
        except Exception:
            # The response stands (the writes are committed); the log has what failed.
            logger.exception("after-commit step failed in request %s", context.request_id)


class GraphQLApp(GraphQL[Context, None]):
    def __init__(
        self, schema: Schema, *, limits: ApiLimits, secret_key: str, **options: Any
    ) -> None:
        super().__init__(schema, **options)
        self.limits = limits
        self.idempotent = IdempotentRequests(secret_key)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            # No subscriptions: refuse websockets instead of serving them unauthenticated.
            await WebSocket(scope, receive, send).close(code=1008)
            return
        state = RequestState()
        scope.setdefault("state", {})["graphql"] = state
        started = False

        async def send_tracked(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            response = await self._answer(Request(scope, receive))
            await response(scope, receive, send_tracked)
        except StarletteHTTPException:
            raise  # an answer for Starlette to give (413 from the body limit, say)
        except Exception:
            # A bug or an outage outside GraphQL execution (authentication reading the
            # database, say): the same masked answer as inside it, not a bare 500.
            state.outcome = Outcome.ERRORS
            request_id = scope["state"].get("request_id")
            logger.exception("unexpected error in request %s", request_id)
            if started:
                raise
            await internal_error(request_id)(scope, receive, send)
        finally:
            self.finished(scope["state"].get("request_id"), state)

    def finished(self, request_id: str | None, state: RequestState) -> None:
        """Called once per request, answered or failed: the one place to observe it."""
        operation = operation_label(state.operation_name)
        log = current_request.get()
        if log is not None:
            log.operation = operation
            if state.organization_id is not None:
                log.organization_id = str(state.organization_id)
        if state.outcome is not None:
            record_operation(state.operation_name, state.outcome.value)
        logger.debug(
            "answered request %s: operation %s of organization %s: %s",
            request_id,
            state.operation_name,
            state.organization_id,
            state.outcome,
        )

    async def _answer(self, request: Request) -> Response:
        state: RequestState = request.state.graphql
        if self.should_render_graphql_ide(self.request_adapter_class(request)):
            # The IDE page itself holds no data; the key is pasted into its headers.
            if self.graphql_ide:
                return await self.render_graphql_ide(request)
            return PlainTextResponse("GraphiQL is switched off here.", status_code=404)
        admission = await admit(request)
        state.outcome = Outcome.ERRORS  # until an answer says otherwise
        if admission.refusal is not None:
            return admission.refusal
        if admission.principal is not None:
            state.organization_id = admission.principal.organization_id
        request.state.principal = admission.principal
        refusal = unsupported_content_type(request)
        if refusal is not None:
            return refusal
        try:
            response = await self.run(request)
        except HTTPException as error:
            return PlainTextResponse(error.reason, status_code=error.status_code)
        except Answered as answer:
            state.outcome = outcome_of(answer.body)
            response = Response(
                encode_json(answer.body), answer.status, answer.headers, "application/json"
            )
            state.request_error = is_request_error(answer.body)
        if not wants_graphql_response(request):
            return response
        return as_graphql_response(response, request_error=state.request_error)

    async def get_context(self, request: Request | WebSocket, response: Any) -> Context:
        principal = request.state.principal
        loaders = Loaders(organization_id=principal.organization_id) if principal else None
        return Context(
            request=request,  # type: ignore[arg-type]
            request_id=request.state.request_id,
            caller=principal,
            caller_loaders=loaders,
            response=response,
            max_page_size=self.limits.max_page_size,
            state=request.state.graphql,
        )

    async def execute_single(
        self,
        request: Request,
        request_adapter: AsyncHTTPRequestAdapter,
        sub_response: Response,
        context: Context,
        root_value: None,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        key = idempotency_key(request)
        # Read here for the HTTP decisions; the schema finds the same reading, cached.
        reading = reading_of(
            request_data.query, request_data.operation_name, self.limits.max_tokens
        )
        context.state.reading = reading
        mutation = reading is not None and reading.is_mutation
        if request.method == "GET" and mutation:
            raise method_not_allowed()
        execute = partial(
            super().execute_single,
            request,
            request_adapter,
            sub_response,
            context,
            root_value,
            request_data,
        )
        if key is None or context.caller is None or reading is None or not mutation:
            result = await execute()
        else:
            result = await self.idempotent.run(
                key=key,
                principal=context.caller,
                request_data=request_data,
                reading=reading,
                context=context,
                execute=execute,
                respond=partial(self.process_result, request),
            )
        await _run_after_commit(context)
        return result

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        response = await super().process_result(request, result)
        state: RequestState = request.state.graphql
        state.outcome = outcome_of(response)
        state.request_error = is_request_error(response)
        return response

    def encode_json(self, data: object) -> bytes:
        return encode_json(data)

    def decode_json(self, data: str | bytes) -> object:
        return decode_request_json(data)
