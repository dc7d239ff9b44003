"""Bearer authentication: API keys (`ks_...`) and web-app sessions (`kss_...`).

Only the Authorization header counts, never cookies, so there is no CSRF surface.
"""

from __future__ import annotations

import json

from graphql import GraphQLError, OperationDefinitionNode, OperationType, parse
from graphql.language import FieldNode
from starlette.requests import HTTPConnection

from domain.api_keys import find_active_key
from domain.principal import Actor, Principal
from domain.users import SESSION_PREFIX, find_active_session
from models.enums import ActorType

ANONYMOUS_FIELDS = frozenset({"login", "__typename"})
# All a user with a one-time password may do until it is replaced.
PASSWORD_CHANGE_FIELDS = frozenset({"passwordChange", "logout", "currentUser", "__typename"})


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


def asks_only_for(body: bytes, fields: frozenset[str], *, mutation_only: bool) -> bool:
    """Whether a GraphQL request body selects nothing but `fields` at its root."""
    try:
        payload = json.loads(body)
        document = parse(payload["query"], no_location=True, max_tokens=2000)
    except (ValueError, TypeError, KeyError, RecursionError, GraphQLError):
        return False
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if len(operations) != 1 or len(document.definitions) != 1:
        return False
    operation = operations[0]
    if mutation_only and operation.operation is not OperationType.MUTATION:
        return False
    return all(
        isinstance(selection, FieldNode) and selection.name.value in fields
        for selection in operation.selection_set.selections
    )
