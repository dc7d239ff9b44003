"""The /graphql endpoint: Strawberry behind our authentication and request guards."""

from __future__ import annotations

import inspect
import json
import logging
import uuid
from typing import Any

import orjson
from cross_web import AsyncHTTPRequestAdapter, HTTPException
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.types import Message, Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.http.parse_content_type import parse_content_type
from strawberry.types import ExecutionResult
from strawberry.types.unset import UNSET

from domain.idempotency import Claim, noting_customers, stored_response
from models import IdempotencyRecord
from resolvers.context import Context
from resolvers.loaders import Loaders
from schema import Schema
from settings import ApiLimits
from web.auth import (
    ANONYMOUS_FIELDS,
    PASSWORD_CHANGE_FIELDS,
    asks_only_for,
    authenticate,
    bearer_token,
)
from web.idempotency import (
    Answered,
    check_storable,
    database_busy,
    idempotency_key,
    in_progress,
    is_mutation,
    method_not_allowed,
    not_stored,
    operation_of,
    request_fingerprint,
    reused,
)


def unauthorized() -> Response:
    return JSONResponse(
        {
            "errors": [
                {
                    "message": "Missing or invalid API key. Send 'Authorization: Bearer <key>'.",
                    "extensions": {"code": "UNAUTHENTICATED"},
                }
            ]
        },
        status_code=401,
        headers={"WWW-Authenticate": 'Bearer realm="kundenstamm"'},
    )


def _has_lone_surrogate(value: object) -> bool:
    if isinstance(value, str):
        return any("\ud800" <= char <= "\udfff" for char in value)
    if isinstance(value, dict):
        return any(_has_lone_surrogate(k) or _has_lone_surrogate(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_lone_surrogate(item) for item in value)
    return False


def _replay(body: bytes) -> Receive:
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


def internal_error(request_id: str | None) -> Response:
    return JSONResponse(
        {
            "errors": [
                {
                    "message": "Internal server error.",
                    "extensions": {"code": "INTERNAL_SERVER_ERROR", "requestId": request_id},
                }
            ]
        },
        status_code=500,
    )


def password_change_required() -> Response:
    return JSONResponse(
        {
            "errors": [
                {
                    "message": "Replace the one-time password first (passwordChange).",
                    "extensions": {"code": "PASSWORD_CHANGE_REQUIRED"},
                }
            ]
        },
        status_code=403,
    )


GRAPHQL_RESPONSE = "application/graphql-response+json"

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
        self.secret_key = secret_key
        # Keys of this process's idempotent requests that are running right now.
        self._running: set[tuple[uuid.UUID, str]] = set()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            # No subscriptions: refuse websockets instead of serving them unauthenticated.
            await WebSocket(scope, receive, send).close(code=1008)
            return
        started = False

        async def send_tracked(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self._serve(scope, receive, send_tracked)
        except StarletteHTTPException:
            raise  # an answer for Starlette to give (413 from the body limit, say)
        except Exception:
            # A bug or an outage outside GraphQL execution (authentication reading the
            # database, say): the same masked answer as inside it, not a bare 500.
            request_id = scope.get("state", {}).get("request_id")
            logger.exception("unexpected error in request %s", request_id)
            if started:
                raise
            await internal_error(request_id)(scope, receive, send)

    async def _serve(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        if self.should_render_graphql_ide(self.request_adapter_class(request)):
            # The IDE page itself holds no data; the key is pasted into its headers.
            page = (
                await self.render_graphql_ide(request)
                if self.graphql_ide
                else PlainTextResponse("GraphiQL is switched off here.", status_code=404)
            )
            await page(scope, receive, send)
            return
        principal = await authenticate(request)
        if principal is None or principal.must_change_password:
            # Without credentials only `login` may run, with a one-time password only the
            # password change. The body is read here, so Strawberry gets it replayed.
            body = await request.body() if request.method == "POST" else b""
            token = bearer_token(request)
            if principal is None and (
                token is not None or not asks_only_for(body, ANONYMOUS_FIELDS, mutation_only=True)
            ):
                # Never the credential itself: a log must not become a key store.
                logger.warning(
                    "refused request %s from %s: %s",
                    request.state.request_id,
                    request.client.host if request.client else "unknown",
                    "no credentials"
                    if token is None
                    else "unknown, revoked or expired credentials",
                )
                await unauthorized()(scope, receive, send)
                return
            if principal is not None and not asks_only_for(
                body, PASSWORD_CHANGE_FIELDS, mutation_only=False
            ):
                await password_change_required()(scope, receive, send)
                return
            receive = _replay(body)
        scope.setdefault("state", {})["principal"] = principal
        await super().__call__(scope, receive, send)

    async def get_sub_response(self, request: Request | WebSocket) -> Response:
        sub_response = await super().get_sub_response(request)
        # GraphQL over HTTP: a client that accepts application/graphql-response+json is
        # told about request errors (parse, validation) by status 400 and no "data".
        sub_response.headers["x-graphql-response"] = (
            "1" if GRAPHQL_RESPONSE in request.headers.get("accept", "") else "0"
        )
        return sub_response

    def create_response(
        self, response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse], sub_response: Response
    ) -> Response:
        wants = sub_response.headers.get("x-graphql-response") == "1"
        del sub_response.headers["x-graphql-response"]
        response = super().create_response(response_data, sub_response)
        if not wants or not isinstance(response_data, dict):
            return response
        errors: list[Any] = list(response_data.get("errors") or [])
        request_error = (
            response_data.get("data") is None
            and bool(errors)
            and all("path" not in error for error in errors)
        )
        body = {k: v for k, v in response_data.items() if not (request_error and k == "data")}
        return Response(
            self.encode_json(body),
            # A throttled request keeps its 429; other request errors are 400s.
            status_code=400
            if request_error and response.status_code == 200
            else response.status_code,
            headers={
                k: v
                for k, v in response.headers.items()
                if k not in ("content-length", "content-type")
            },
            media_type=GRAPHQL_RESPONSE,
        )

    async def run(  # type: ignore[override]
        self, request: Request, context: Any = UNSET, root_value: Any = UNSET
    ) -> Response:
        try:
            return await super().run(request, context, root_value)
        except Answered as answer:
            sub_response = await self.get_sub_response(request)
            sub_response.status_code = answer.status
            sub_response.headers.update(answer.headers)
            return self.create_response(answer.body, sub_response)  # type: ignore[arg-type]

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
        principal = context.caller
        # Parsed here only where it decides something (Strawberry parses, cached, anyway).
        needed = request.method == "GET" or (key is not None and principal is not None)
        operation = operation_of(request_data, self.limits.max_tokens) if needed else None
        if request.method == "GET" and is_mutation(operation):
            raise method_not_allowed()
        if key is None or principal is None or operation is None or not is_mutation(operation):
            result = await super().execute_single(
                request, request_adapter, sub_response, context, root_value, request_data
            )
            await _run_after_commit(context)
            return result
        check_storable(operation)
        claim = Claim(
            principal.organization_id,
            key,
            request_fingerprint(principal, request_data, self.secret_key),
        )
        self._answer_from_earlier(claim, await stored_response(claim.organization_id, key))
        running = (claim.organization_id, key)
        if running in self._running:
            raise in_progress()
        self._running.add(running)
        try:
            context.idempotency = claim
            with noting_customers() as shown:
                result = await super().execute_single(
                    request, request_adapter, sub_response, context, root_value, request_data
                )
            if claim.unavailable:
                raise database_busy()
            if claim.busy:
                raise in_progress()
            self._answer_from_earlier(claim, claim.earlier)
            if claim.holding:
                await self._store(claim, request, result, sub_response, context.request_id, shown)
        finally:
            # First, and whatever the rollback does: a key left here would be refused
            # with 409 until the process ends.
            self._running.discard(running)
            await claim.release()
        await _run_after_commit(context)
        return result

    async def _store(
        self,
        claim: Claim,
        request: Request,
        result: ExecutionResult,
        sub_response: Response,
        request_id: str,
        shown: set[uuid.UUID],
    ) -> None:
        """Commit the change with its response, or neither when a bug interfered."""
        if any(
            (error.extensions or {}).get("code") == "INTERNAL_SERVER_ERROR"
            for error in result.errors or ()
        ):
            # All or nothing: a half-done mutation is rolled back, not kept and replayed.
            await claim.release()
            raise not_stored(request_id)
        try:
            response = await self.process_result(request, result)
            await claim.complete(sub_response.status_code or 200, dict(response), shown)
        except Exception:
            logger.exception("storing the response of request %s failed", request_id)
            await claim.release()
            raise not_stored(request_id) from None

    def _answer_from_earlier(self, claim: Claim, earlier: IdempotencyRecord | None) -> None:
        if earlier is None:
            return
        if earlier.fingerprint != claim.fingerprint:
            raise reused()
        raise Answered(
            earlier.status_code, json.loads(earlier.response), {"Idempotent-Replayed": "true"}
        )

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
        )

    async def parse_http_body(
        self, request: AsyncHTTPRequestAdapter
    ) -> GraphQLRequestData | list[GraphQLRequestData]:
        if request.method == "POST":
            media_type, _ = parse_content_type(request.content_type or "")
            if media_type.lower() not in ("application/json", "multipart/form-data"):
                # GraphQL over HTTP: JSON requests; multipart only for uploads.
                raise HTTPException(
                    415,
                    "Unsupported content type: send application/json "
                    "(multipart/form-data for file uploads).",
                )
        return await super().parse_http_body(request)

    def encode_json(self, data: object) -> str | bytes:
        # orjson: a tenth of the stdlib's time for a page. Same JSON, UTF-8 instead of
        # \u escapes; by the time data gets here, Strawberry has made every value
        # (datetimes included) a string, number, bool or null.
        try:
            return orjson.dumps(data)
        except orjson.JSONEncodeError:
            # What orjson refuses and the stdlib writes (a lone surrogate in an echoed
            # message, an integer beyond 64 bits): answered as before, not as a 500.
            return super().encode_json(data)

    def parse_json(self, data: str | bytes) -> Any:
        try:
            parsed = super().parse_json(data)
            unicode_ok = not _has_lone_surrogate(parsed)
        except RecursionError:
            raise HTTPException(400, "The request body is nested too deeply.") from None
        except UnicodeDecodeError:
            raise HTTPException(400, "The request body is not valid UTF-8 JSON.") from None
        # A body that is null, a number or a batch list is not a GraphQL request here.
        if not isinstance(parsed, dict):
            raise HTTPException(400, "The request body must be a JSON object.")
        if not unicode_ok:
            # JSON can escape them, but no database stores them as UTF-8: refuse up front.
            raise HTTPException(400, "The request contains invalid Unicode (a lone surrogate).")
        return parsed
