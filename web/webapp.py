"""/app: the customer web app, a single-page app built from webapp/ into web/static/app/.

The build is committed, so serving it needs no Node. Paths the app routes itself
(/app/kunden/...) have no file: they get index.html and the app's router takes over.
"""

from __future__ import annotations

from pathlib import Path

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

BUILD_DIR = Path(__file__).resolve().parent / "static" / "app"
# index.html must be revalidated so a new build is picked up; the hashed assets never change.
INDEX_HEADERS = {"Cache-Control": "no-cache"}
ASSET_HEADERS = {"Cache-Control": "public, max-age=31536000, immutable"}


class SinglePageApp(StaticFiles):
    """Files of the build; index.html for any other GET below the mount."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        try:
            response = await super().get_response(path, scope)
        except HTTPException as missing:
            # A missing asset stays a 404: only page routes fall back to the app.
            if missing.status_code != 404 or path.startswith("assets"):
                raise
            response = await super().get_response("index.html", scope)
        if path.startswith("assets") and response.status_code == 200:
            response.headers.update(ASSET_HEADERS)
        else:
            response.headers.update(INDEX_HEADERS)
        return response


async def _to_app(request: Request) -> Response:
    return RedirectResponse("/app/", status_code=308)


def webapp_routes() -> list[BaseRoute]:
    return [
        Route("/app", _to_app, methods=["GET", "HEAD"]),
        Mount("/app", app=SinglePageApp(directory=BUILD_DIR, html=True, check_dir=False)),
    ]
