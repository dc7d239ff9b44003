"""Request body limits: small for GraphQL documents, larger for file uploads (imports)."""

from __future__ import annotations

from starlette.middleware.body_limit import RequestBodyLimitMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send


class BodyLimitByType:
    """`multipart/form-data` (uploads) may be up to `upload_bytes`, anything else `json_bytes`."""

    def __init__(self, app: ASGIApp, *, json_bytes: int, upload_bytes: int) -> None:
        self.json = RequestBodyLimitMiddleware(app, max_body_size=json_bytes)
        # The multipart framing around the file needs a little room of its own.
        self.upload = RequestBodyLimitMiddleware(app, max_body_size=upload_bytes + 65_536)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        content_type = dict(scope.get("headers", [])).get(b"content-type", b"")
        limited = self.upload if content_type.startswith(b"multipart/form-data") else self.json
        await limited(scope, receive, send)
