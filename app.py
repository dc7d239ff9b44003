"""The ASGI application: routes, middleware and the database lifespan."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.routing import BaseRoute, Mount, Route
from starlette.types import ASGIApp
from tortoise.contrib.starlette import RegisterTortoise

from database import tortoise_config
from schema import build_schema
from settings import Settings
from telemetry.logs import redact_also
from web.body_limit import BodyLimitByType
from web.downloads import download_export
from web.export_runner import ExportRunner
from web.graphiql import ASSETS_PATH, OfflineGraphiQL, graphiql_assets
from web.graphql_app import GraphQLApp
from web.health import healthz, readyz
from web.import_runner import ImportRunner
from web.metrics_endpoint import MetricsEndpoint
from web.request_id import RequestIdMiddleware
from web.request_log import RequestLogMiddleware
from web.webapp import webapp_routes
from web.webhook_runner import WebhookRunner


def operations_routes(settings: Settings) -> list[BaseRoute]:
    """Probes and metrics: no API key, never charged."""
    routes: list[BaseRoute] = [
        Route("/healthz", healthz, methods=["GET"]),
        # The first probe's name, kept for whoever already checks it.
        Route("/health", healthz, methods=["GET"]),
        Route("/readyz", readyz, methods=["GET"]),
    ]
    if settings.metrics:
        routes.append(
            Route("/metrics", MetricsEndpoint(settings.metrics_token).respond, methods=["GET"])
        )
    return routes


def create_app(settings: Settings) -> Starlette:
    redact_also(settings.secret_key)
    if settings.metrics_token:
        redact_also(settings.metrics_token)
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

    endpoint: ASGIApp = BodyLimitByType(
        graphql, json_bytes=settings.max_body_bytes, upload_bytes=settings.import_max_bytes
    )
    ide_routes: list[BaseRoute] = []
    if settings.graphiql:
        endpoint = OfflineGraphiQL(endpoint)
        ide_routes.append(Mount(ASSETS_PATH, graphiql_assets()))
    app = Starlette(
        routes=[
            Route("/graphql", endpoint, methods=["GET", "POST"]),
            *ide_routes,
            Route("/exports/{organization_id}/{job_id}", download_export, methods=["GET", "HEAD"]),
            *operations_routes(settings),
            *webapp_routes(),
        ],
        middleware=[
            Middleware(RequestIdMiddleware),
            Middleware(RequestLogMiddleware),
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
