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
from schema.operations import OperationNotChosen, chosen_operation

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
    """Whether the operation a GraphQL request body runs selects nothing but `fields`.

    A document whose operation cannot be chosen (several and no operationName, or a name
    it does not have) runs nothing at all, so it passes: the schema refuses it as a
    request error before anything runs, as for every caller.
    """
    try:
        payload = json.loads(body)
        document = parse(payload["query"], no_location=True, max_tokens=2000)
        name = payload.get("operationName")
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError, GraphQLError):
        return False
    if not isinstance(name, str | None) or not all(
        isinstance(definition, OperationDefinitionNode) for definition in document.definitions
    ):
        return False  # a malformed name; fragments, which these few fields never need
    try:
        operation = chosen_operation(document, name)
    except OperationNotChosen:
        return True
    if mutation_only and operation.operation is not OperationType.MUTATION:
        return False
    return all(
        isinstance(selection, FieldNode) and selection.name.value in fields
        for selection in operation.selection_set.selections
    )
