"""The ASGI application: routes, middleware and the database lifespan."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from tortoise.contrib.starlette import RegisterTortoise

from database import tortoise_config
from schema import build_schema
from settings import Settings
from web.body_limit import BodyLimitByType
from web.downloads import download_export
from web.export_runner import ExportRunner
from web.graphql_app import GraphQLApp
from web.import_runner import ImportRunner
from web.request_id import RequestIdMiddleware
from web.webhook_runner import WebhookRunner


async def health(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


def create_app(settings: Settings) -> Starlette:
    limits = settings.api_limits()
    schema = build_schema(
        limits=limits,
        introspection=settings.introspection,
        suggestions=settings.environment == "development",
    )
    graphql = GraphQLApp(
        schema,
        limits=limits,
        secret_key=settings.secret_key,
        graphql_ide="graphiql" if settings.graphiql else None,
        allow_queries_via_get=True,
        # For customersImport. Safe: credentials come only in the Authorization header,
        # which a cross-site form cannot set.
        multipart_uploads_enabled=True,
    )

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with RegisterTortoise(app, config=tortoise_config(settings.database_url)):
            runner = ExportRunner(settings)
            await runner.start()
            app.state.export_runner = runner
            imports = ImportRunner(settings)
            await imports.start()
            app.state.import_runner = imports
            webhooks = WebhookRunner(settings)
            if settings.webhook_delivery:
                await webhooks.start()
            app.state.webhook_runner = webhooks
            try:
                yield
            finally:
                await webhooks.stop()
                await imports.stop()
                await runner.stop()

    app = Starlette(
        routes=[
            Route(
                "/graphql",
                BodyLimitByType(
                    graphql,
                    json_bytes=settings.max_body_bytes,
                    upload_bytes=settings.import_max_bytes,
                ),
                methods=["GET", "POST"],
            ),
            Route("/exports/{organization_id}/{job_id}", download_export, methods=["GET", "HEAD"]),
            Route("/health", health, methods=["GET"]),
        ],
        middleware=[
            Middleware(RequestIdMiddleware),
            # Web apps on other origins: bearer headers only, never cookies, so listing
            # the allowed origins is all CORS needs.
            Middleware(
                CORSMiddleware,
                allow_origins=list(settings.cors_origins),
                allow_methods=["GET", "POST"],
                allow_headers=["Authorization", "Content-Type", "X-Request-ID", "Idempotency-Key"],
                # What a client needs to pace itself and to recognise a replay.
                expose_headers=["X-Request-ID", "Retry-After", "Idempotent-Replayed"],
                max_age=600,
            ),
        ],
        lifespan=lifespan,
    )
    app.state.settings = settings
    return app


def create_app_from_env() -> Starlette:
    """The app with settings from the environment: what each `kundenstamm serve` worker runs."""
    return create_app(Settings.from_env())
