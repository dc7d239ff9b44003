"""What many test modules do alike: create a customer over the API, read user errors, ids."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from schema.node import decode_id
from tests.client import Tenant
from web.background import in_background


def pk_of(global_id: str, type_name: str = "Customer") -> uuid.UUID:
    """The database id behind a global id (the test then reads the row itself)."""
    pk = decode_id(global_id, type_name)
    assert pk is not None, global_id
    return pk


def errors_of(payload: dict[str, Any]) -> list[tuple[list[str] | None, str]]:
    """(field, code) of every userError, in the order reported."""
    return [(error["field"], error["code"]) for error in payload["userErrors"]]


async def customer_create(
    tenant: Tenant, document: str, *, key: str | None = None, **fields: Any
) -> dict[str, Any]:
    """The customerCreate payload for `fields` (the input), user errors as they come."""
    data = await tenant.api.execute(document, {"input": fields}, key=key or tenant.key)
    payload: dict[str, Any] = data["customerCreate"]
    return payload


async def create_customer(
    tenant: Tenant, document: str, *, key: str | None = None, **fields: Any
) -> dict[str, Any]:
    """A customer the API must accept, as `document` (the module's customerCreate) selects it."""
    payload = await customer_create(tenant, document, key=key, **fields)
    assert payload["userErrors"] == [], payload["userErrors"]
    customer: dict[str, Any] = payload["customer"]
    return customer


SQL_VERBS = ("SELECT", "INSERT", "UPDATE", "DELETE", "WITH")
# A busy caller's rate-limit bucket is charged in the database once a second, whichever
# request comes then (domain/bucket_leases.py): no statement of the page being counted.
LEASE_RENEWALS = ("rate_limit_buckets",)


class StatementLog(logging.Handler):
    """Collects the SQL statements Tortoise logs at DEBUG level."""

    def __init__(self, ignored: tuple[str, ...] = ()) -> None:
        super().__init__(level=logging.DEBUG)
        self.ignored = ignored
        self.statements: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        # The queue pollers (imports, webhooks) run beside the request: their statements,
        # which on a slow machine land inside the window, are not the request's.
        if in_background():
            return
        message = record.getMessage().lstrip()
        if message.upper().startswith(SQL_VERBS) and not any(
            marker in message for marker in self.ignored
        ):
            self.statements.append(message)


@contextmanager
def statements(ignored: tuple[str, ...] = ()) -> Iterator[list[str]]:
    """The statements run meanwhile, but those containing one of `ignored`."""
    logger = logging.getLogger("tortoise.db_client")
    handler = StatementLog(ignored)
    previous_level = logger.level
    logger.setLevel(logging.DEBUG)
    logger.addHandler(handler)
    try:
        yield handler.statements
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous_level)
