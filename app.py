"""The ASGI application: routes, middleware and the database lifespan."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from tortoise.contrib.starlette import RegisterTortoise

from database import tortoise_config
from schema import schema
from settings import Settings
from web.graphql_app import GraphQLApp
from web.request_id import RequestIdMiddleware


async def health(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


def create_app(settings: Settings, *, manage_database: bool = True) -> Starlette:
    """The app; `manage_database=False` leaves opening the database to the caller (tests)."""
    graphql = GraphQLApp(schema, graphql_ide="graphiql", allow_queries_via_get=True)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if not manage_database:
            yield
            return
        async with RegisterTortoise(app, config=tortoise_config(settings.database_url)):
            yield

    app = Starlette(
        routes=[
            Route(
                "/graphql", graphql, methods=["GET", "POST"], max_body_size=settings.max_body_bytes
            ),
            Route("/health", health, methods=["GET"]),
        ],
        middleware=[Middleware(RequestIdMiddleware)],
        lifespan=lifespan,
    )
    app.state.settings = settings
    return app
