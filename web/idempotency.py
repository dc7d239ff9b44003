"""The HTTP side of Idempotency-Key: which requests it covers, and the answers it gives."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationType,
    SelectionSetNode,
    parse,
)
from starlette.datastructures import UploadFile
from starlette.requests import Request
from strawberry.http import GraphQLRequestData

from domain.idempotency import fingerprint, valid_key
from domain.principal import Principal
from schema.operations import chosen_operation

HEADER = "idempotency-key"


class Answered(Exception):
    """Ends a request early with a ready answer: a replay, or a refusal of the key."""

    def __init__(
        self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(status)
        self.status = status
        self.body = body
        self.headers = headers or {}


def _error(status: int, code: str, message: str, **headers: str) -> Answered:
    return Answered(
        status, {"errors": [{"message": message, "extensions": {"code": code}}]}, headers
    )


def idempotency_key(request: Request) -> str | None:
    key = request.headers.get(HEADER)
    if key is None:
        return None
    if not valid_key(key):
        raise _error(
            400,
            "IDEMPOTENCY_KEY_INVALID",
            "Idempotency-Key must be 1 to 255 printable ASCII characters (a UUID, say).",
        )
    return key


# They carry passwords and session tokens, which must not be kept in stored responses.
CREDENTIAL_FIELDS = frozenset({"login", "logout", "passwordChange"})


@dataclass(frozen=True, slots=True)
class Operation:
    """The operation a request will run, and the fields at its root (fragments spread)."""

    type: OperationType
    root_fields: frozenset[str]


def _root_fields(
    selection_set: SelectionSetNode, fragments: dict[str, FragmentDefinitionNode], seen: set[str]
) -> set[str]:
    found: set[str] = set()
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            found.add(selection.name.value)
        elif isinstance(selection, InlineFragmentNode):
            found |= _root_fields(selection.selection_set, fragments, seen)
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            if name in fragments and name not in seen:
                seen.add(name)
                found |= _root_fields(fragments[name].selection_set, fragments, seen)
    return found


def operation_of(request_data: GraphQLRequestData, max_tokens: int) -> Operation | None:
    """The operation the request will run; None when it will run none.

    A document that does not parse, or whose operation cannot be chosen (several and no
    operationName, or an unknown name), is refused by the schema before anything runs.
    """
    if not isinstance(request_data.query, str):
        return None
    try:
        document = parse(request_data.query, no_location=True, max_tokens=max_tokens)
        chosen = chosen_operation(document, request_data.operation_name)
    except GraphQLError:
        return None  # reported by the normal path
    fragments = {
        definition.name.value: definition
        for definition in document.definitions
        if isinstance(definition, FragmentDefinitionNode)
    }
    fields = _root_fields(chosen.selection_set, fragments, set())
    return Operation(chosen.operation, frozenset(fields))


def is_mutation(operation: Operation | None) -> bool:
    return operation is not None and operation.type is OperationType.MUTATION


def check_storable(operation: Operation) -> None:
    """Refuse the key where a stored response would hold credentials."""
    if operation.root_fields & CREDENTIAL_FIELDS:
        raise _error(
            400,
            "IDEMPOTENCY_KEY_NOT_SUPPORTED",
            "login, logout and passwordChange handle credentials, whose responses are not "
            "stored: send them without Idempotency-Key (they are safe to repeat).",
        )


def _canonical(value: Any) -> Any:
    """Variables as JSON, with an uploaded file standing for its name and content."""
    if isinstance(value, UploadFile):
        value.file.seek(0)
        digest = hashlib.sha256(value.file.read()).hexdigest()
        value.file.seek(0)
        return {"upload": value.filename, "sha256": digest}
    if isinstance(value, dict):
        return {str(k): _canonical(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_canonical(item) for item in value]
    return value


def request_fingerprint(
    principal: Principal, request_data: GraphQLRequestData, secret_key: str
) -> str:
    return fingerprint(
        secret_key,
        f"{principal.actor.type.value}:{principal.actor.id}",
        {
            "query": request_data.query,
            "operationName": request_data.operation_name,
            "variables": _canonical(request_data.variables or {}),
        },
    )


def in_progress() -> Answered:
    return _error(
        409,
        "IDEMPOTENCY_REQUEST_IN_PROGRESS",
        "A request with this Idempotency-Key is still running; retry when it has finished.",
        **{"Retry-After": "1"},
    )


def reused() -> Answered:
    return _error(
        422,
        "IDEMPOTENCY_KEY_REUSED",
        "This Idempotency-Key was used for a different request (or by another caller) in "
        "the last 24 hours; use a new key for a new request.",
    )


def database_busy() -> Answered:
    return _error(
        503,
        "DATABASE_BUSY",
        "The database is busy with another write; retry shortly with the same key.",
        **{"Retry-After": "1"},
    )


def method_not_allowed() -> Answered:
    return _error(405, "METHOD_NOT_ALLOWED", "Mutations are sent with POST.", Allow="POST")


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
