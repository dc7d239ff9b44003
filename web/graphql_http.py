"""GraphQL over HTTP: what a request body may be, and how answers are shaped."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import orjson
from cross_web import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from strawberry.http.parse_content_type import parse_content_type

from schema.context import Outcome

GRAPHQL_RESPONSE = "application/graphql-response+json"


def unsupported_content_type(request: Request) -> Response | None:
    """GraphQL over HTTP: JSON requests; multipart only for uploads."""
    if request.method != "POST":
        return None
    media_type, _ = parse_content_type(request.headers.get("content-type", ""))
    if media_type.lower() in ("application/json", "multipart/form-data"):
        return None
    return PlainTextResponse(
        "Unsupported content type: send application/json (multipart/form-data for file uploads).",
        status_code=415,
    )


def _has_lone_surrogate(value: object) -> bool:
    if isinstance(value, str):
        return any("\ud800" <= char <= "\udfff" for char in value)
    if isinstance(value, dict):
        return any(_has_lone_surrogate(k) or _has_lone_surrogate(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_lone_surrogate(item) for item in value)
    return False


def decode_request_json(data: str | bytes) -> dict[str, Any]:
    """A JSON object from a body (or a multipart part); json.JSONDecodeError as it is."""
    try:
        parsed = json.loads(data)
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


def encode_json(data: object) -> bytes:
    """orjson: a tenth of the stdlib's time for a page.

    Same JSON, UTF-8 instead of \\u escapes; by the time data gets here, Strawberry has
    made every value (datetimes included) a string, number, bool or null. What orjson
    refuses and the stdlib writes (a lone surrogate in an echoed message, an integer
    beyond 64 bits) is answered as before, not as a 500.
    """
    try:
        return orjson.dumps(data)
    except orjson.JSONEncodeError:
        return json.dumps(data, separators=(",", ":")).encode()


def is_request_error(body: Mapping[str, Any]) -> bool:
    """Parse and validation refusals: no data, and errors that no field raised."""
    errors = body.get("errors") or []
    return body.get("data") is None and bool(errors) and all("path" not in e for e in errors)


def outcome_of(body: Mapping[str, Any]) -> Outcome:
    errors = body.get("errors") or []
    if any((error.get("extensions") or {}).get("code") == "THROTTLED" for error in errors):
        return Outcome.THROTTLED
    if errors:
        return Outcome.ERRORS
    data = body.get("data")
    if isinstance(data, dict) and any(
        isinstance(payload, dict) and payload.get("userErrors") for payload in data.values()
    ):
        return Outcome.USER_ERRORS
    return Outcome.OK


def wants_graphql_response(request: Request) -> bool:
    return GRAPHQL_RESPONSE in request.headers.get("accept", "")


def as_graphql_response(response: Response, *, request_error: bool) -> Response:
    """GraphQL over HTTP: a client that accepts application/graphql-response+json is told
    about request errors (parse, validation) by status 400 and no "data"."""
    if request_error:
        body = json.loads(bytes(response.body))
        body.pop("data", None)
        headers = {
            k: v for k, v in response.headers.items() if k not in ("content-length", "content-type")
        }
        # A throttled request keeps its 429; other request errors are 400s.
        status = 400 if response.status_code == 200 else response.status_code
        return Response(encode_json(body), status, headers, media_type=GRAPHQL_RESPONSE)
    response.headers["content-type"] = GRAPHQL_RESPONSE
    return response


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
