"""Answers given before or instead of execution: refusals of a request, replays of a key."""

from __future__ import annotations

from typing import Any


class Answered(Exception):
    """Ends a request early with a ready answer: a replay, or a refusal of the key."""

    def __init__(
        self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(status)
        self.status = status
        self.body = body
        self.headers = headers or {}


def refusal(status: int, code: str, message: str, **headers: str) -> Answered:
    return Answered(
        status, {"errors": [{"message": message, "extensions": {"code": code}}]}, headers
    )


def key_invalid() -> Answered:
    return refusal(
        400,
        "IDEMPOTENCY_KEY_INVALID",
        "Idempotency-Key must be 1 to 255 printable ASCII characters (a UUID, say).",
    )


def key_not_supported() -> Answered:
    return refusal(
        400,
        "IDEMPOTENCY_KEY_NOT_SUPPORTED",
        "login, logout and passwordChange handle credentials, whose responses are not "
        "stored: send them without Idempotency-Key (they are safe to repeat).",
    )


def in_progress() -> Answered:
    return refusal(
        409,
        "IDEMPOTENCY_REQUEST_IN_PROGRESS",
        "A request with this Idempotency-Key is still running; retry when it has finished.",
        **{"Retry-After": "1"},
    )


def reused() -> Answered:
    return refusal(
        422,
        "IDEMPOTENCY_KEY_REUSED",
        "This Idempotency-Key was used for a different request (or by another caller) in "
        "the last 24 hours; use a new key for a new request.",
    )


def database_busy() -> Answered:
    return refusal(
        503,
        "DATABASE_BUSY",
        "The database is busy with another write; retry shortly with the same key.",
        **{"Retry-After": "1"},
    )


def method_not_allowed() -> Answered:
    return refusal(405, "METHOD_NOT_ALLOWED", "Mutations are sent with POST.", Allow="POST")


def not_stored(request_id: str) -> Answered:
    """A keyed mutation that met a bug: rolled back whole, so a retry may run it again."""
    return Answered(
        500,
        {
            "errors": [
                {
                    "message": "Internal server error. Nothing was changed; retry with the "
                    "same Idempotency-Key.",
                    "extensions": {"code": "INTERNAL_SERVER_ERROR", "requestId": request_id},
                }
            ]
        },
    )
