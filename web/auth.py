"""Bearer authentication: API keys (`ks_...`) and web-app sessions (`kss_...`).

Only the Authorization header counts, never cookies, so there is no CSRF surface.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass

from graphql import FieldNode, GraphQLError, OperationDefinitionNode, OperationType
from starlette.requests import HTTPConnection, Request
from starlette.responses import JSONResponse, Response

from domain.api_keys import find_active_key
from domain.principal import Actor, Principal
from domain.users import SESSION_PREFIX, find_active_session
from models.enums import ActorType
from schema.extensions.document import read_document

ANONYMOUS_FIELDS = frozenset({"login", "__typename"})
# All a user with a one-time password may do until it is replaced.
PASSWORD_CHANGE_FIELDS = frozenset({"passwordChange", "logout", "currentUser", "__typename"})

logger = logging.getLogger("kundenstamm.requests")


def bearer_token(connection: HTTPConnection) -> str | None:
    scheme, _, token = connection.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


async def authenticate(connection: HTTPConnection) -> Principal | None:
    token = bearer_token(connection)
    if token is None:
        return None
    if token.startswith(SESSION_PREFIX):
        session = await find_active_session(token)
        if session is None:
            return None
        user = session.user
        return Principal(
            organization=user.organization,
            actor=Actor(ActorType.USER, user.id),
            role=user.role,
            session_id=session.id,
            must_change_password=user.must_change_password,
        )
    key = await find_active_key(token)
    if key is None:
        return None
    return Principal(
        organization=key.organization, actor=Actor(ActorType.API_KEY, key.id), scope=key.scope
    )


# Enough for the few fields allowed without a key, little for a stranger to make us parse.
ANONYMOUS_MAX_TOKENS = 2000


def asks_only_for(body: bytes, fields: frozenset[str], *, mutation_only: bool) -> bool:
    """Whether the operation a GraphQL request body runs selects nothing but `fields`.

    A document whose operation cannot be chosen (several and no operationName, or a name
    it does not have) runs nothing at all, so it passes: the schema refuses it as a
    request error before anything runs, as for every caller.
    """
    try:
        payload = json.loads(body)
        query, name = payload["query"], payload.get("operationName")
        if not isinstance(query, str) or not isinstance(name, str | None):
            return False
        reading = read_document(query, name, ANONYMOUS_MAX_TOKENS)
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError, GraphQLError):
        return False
    if not all(
        isinstance(definition, OperationDefinitionNode)
        for definition in reading.document.definitions
    ):
        return False  # fragments, which these few fields never need
    operation = reading.operation
    if operation is None:
        return True
    if mutation_only and operation.operation is not OperationType.MUTATION:
        return False
    return all(
        isinstance(selection, FieldNode) and selection.name.value in fields
        for selection in operation.selection_set.selections
    )


@dataclass(frozen=True, slots=True)
class Admission:
    """Who a /graphql request comes from, or the answer that turns it away."""

    principal: Principal | None
    refusal: Response | None = None


async def admit(request: Request) -> Admission:
    """Without credentials only `login` may run, with a one-time password only the
    password change; everything else needs a key or a session."""
    principal = await authenticate(request)
    if principal is not None and not principal.must_change_password:
        return Admission(principal)
    # Read once: Starlette keeps the body on the request for Strawberry to read again.
    body = await request.body() if request.method == "POST" else b""
    token = bearer_token(request)
    if principal is None and (
        token is not None or not asks_only_for(body, ANONYMOUS_FIELDS, mutation_only=True)
    ):
        # Never the credential itself: a log must not become a key store.
        logger.warning(
            "refused request %s from %s: %s",
            request.state.request_id,
            request.client.host if request.client else "unknown",
            "no credentials" if token is None else "unknown, revoked or expired credentials",
        )
        return Admission(None, refusal=unauthorized())
    if principal is not None and not asks_only_for(
        body, PASSWORD_CHANGE_FIELDS, mutation_only=False
    ):
        return Admission(principal, refusal=password_change_required())
    return Admission(principal)


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
