"""GraphiQL served by the app itself: the page and its vendored scripts and styles.

Strawberry's own page loads React and GraphiQL from a CDN, so it is blank offline, behind
a proxy that blocks it, or under a Content-Security-Policy. Ours references this server
only (web/static/graphiql, reproduced by scripts/vendor_graphiql.sh) and says so in a
Content-Security-Policy header.
"""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

ASSETS_PATH = "/static/graphiql"
ASSETS_DIR = Path(__file__).parent / "static" / "graphiql"

# Styles: GraphiQL's editor sets some inline; fonts are data: URLs inside its CSS.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "font-src 'self' data:",
        "img-src 'self' data:",
        "connect-src 'self'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    )
)

PAGE = f"""<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>Kundenstamm GraphiQL</title>
    <link rel="stylesheet" href="{ASSETS_PATH}/graphiql.min.css">
    <link rel="stylesheet" href="{ASSETS_PATH}/page.css">
  </head>
  <body>
    <div id="graphiql">Loading GraphiQL…</div>
    <script src="{ASSETS_PATH}/react.production.min.js"></script>
    <script src="{ASSETS_PATH}/react-dom.production.min.js"></script>
    <script src="{ASSETS_PATH}/graphiql.min.js"></script>
    <script src="{ASSETS_PATH}/start.js"></script>
  </body>
</html>
"""


def wants_ide(scope: Scope) -> bool:
    """Strawberry's rule for showing the IDE: a browser's GET without a query."""
    request = Request(scope)
    accept = request.headers.get("accept", "")
    return (
        request.method == "GET"
        and "query" not in request.query_params
        and ("text/html" in accept or "*/*" in accept)
    )


class OfflineGraphiQL:
    """In front of /graphql: the IDE page for browsers, everything else to the API."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not wants_ide(scope):
            await self.app(scope, receive, send)
            return
        page = HTMLResponse(
            PAGE,
            headers={
                "Content-Security-Policy": CONTENT_SECURITY_POLICY,
                "X-Content-Type-Options": "nosniff",
                "Referrer-Policy": "no-referrer",
            },
        )
        await page(scope, receive, send)


def graphiql_assets() -> StaticFiles:
    return StaticFiles(directory=ASSETS_DIR)
