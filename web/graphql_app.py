"""The /graphql endpoint: Strawberry behind our authentication and request guards."""

from __future__ import annotations

from typing import Any

from cross_web import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.types import Message, Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse

from resolvers.context import Context
from resolvers.loaders import Loaders
from web.auth import (
    ANONYMOUS_FIELDS,
    PASSWORD_CHANGE_FIELDS,
    asks_only_for,
    authenticate,
    bearer_token,
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


class GraphQLApp(GraphQL[Context, None]):
    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            # No subscriptions: refuse websockets instead of serving them unauthenticated.
            await WebSocket(scope, receive, send).close(code=1008)
            return
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
            if principal is None and (
                bearer_token(request) is not None
                or not asks_only_for(body, ANONYMOUS_FIELDS, mutation_only=True)
            ):
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
            status_code=400 if request_error else response.status_code,
            headers={
                k: v
                for k, v in response.headers.items()
                if k not in ("content-length", "content-type")
            },
            media_type=GRAPHQL_RESPONSE,
        )

    async def get_context(self, request: Request | WebSocket, response: Any) -> Context:
        principal = request.state.principal
        loaders = Loaders(organization_id=principal.organization_id) if principal else None
        return Context(
            request=request,  # type: ignore[arg-type]
            request_id=request.state.request_id,
            caller=principal,
            caller_loaders=loaders,
        )

    def parse_json(self, data: str | bytes) -> Any:
        try:
            parsed = super().parse_json(data)
            unicode_ok = not _has_lone_surrogate(parsed)
        except RecursionError:
            raise HTTPException(400, "The request body is nested too deeply.") from None
        # A body that is null, a number or a batch list is not a GraphQL request here.
        if not isinstance(parsed, dict):
            raise HTTPException(400, "The request body must be a JSON object.")
        if not unicode_ok:
            # JSON can escape them, but no database stores them as UTF-8: refuse up front.
            raise HTTPException(400, "The request contains invalid Unicode (a lone surrogate).")
        return parsed
