"""What many test modules do alike: create a customer over the API, read user errors, ids."""

from __future__ import annotations

import uuid
from typing import Any

from schema.node import decode_id
from tests.client import Tenant


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
