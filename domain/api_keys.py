"""API keys: random bearer secrets shown once, stored as SHA-256 digests."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import uuid
from dataclasses import dataclass
from functools import cache

from database.row_reader import Placeholders, column_list, fetch_rows, saved_instance
from models import ApiKey, Organization
from models.enums import ApiKeyScope

KEY_PREFIX = "ks_"


@dataclass(frozen=True, slots=True)
class IssuedKey:
    id: uuid.UUID
    organization_id: uuid.UUID
    scope: ApiKeyScope
    secret: str


def digest(secret: str) -> str:
    # A plain hash suffices: the key has 256 random bits, so there is nothing to brute-force.
    return hashlib.sha256(secret.encode()).hexdigest()


async def issue_key(*, organization_id: uuid.UUID, scope: ApiKeyScope) -> IssuedKey:
    secret = KEY_PREFIX + secrets.token_urlsafe(32)
    key = await ApiKey.create(
        organization_id=organization_id,
        prefix=secret[:11],
        key_hash=digest(secret),
        scope=scope,
    )
    return IssuedKey(id=key.id, organization_id=organization_id, scope=scope, secret=secret)


async def revoke_key(key_id: uuid.UUID) -> bool:
    updated = await ApiKey.filter(id=key_id, revoked_at__isnull=True).update(
        revoked_at=dt.datetime.now(dt.UTC)
    )
    return updated == 1


@cache
def _key_lookup() -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    """The lookup's statement up to its condition, and the columns of each model in it.

    Made once, on first use (a model's key columns exist once Tortoise is initialised).
    """
    key_list, key_columns = column_list(ApiKey, "k")
    organization_list, organization_columns = column_list(Organization, "o")
    select = (
        f"SELECT {key_list}, {organization_list} FROM api_keys k "  # noqa: S608 (names only)
        "JOIN organizations o ON o.id = k.organization_id"
    )
    return select, key_columns, organization_columns


async def find_active_key(secret: str) -> ApiKey | None:
    """The key with its organization: one fixed statement, run by every request with a key."""
    if not secret.startswith(KEY_PREFIX) or len(secret) > 128:
        return None
    select, key_columns, organization_columns = _key_lookup()
    place = Placeholders()
    rows = await fetch_rows(
        f"{select} WHERE k.key_hash = {place(digest(secret))} AND k.revoked_at IS NULL",
        place.parameters,
    )
    if not rows:
        return None
    row = rows[0]
    key = saved_instance(ApiKey, key_columns, row[: len(key_columns)])
    # As select_related leaves it: the organization is the key's loaded relation.
    organization = saved_instance(Organization, organization_columns, row[len(key_columns) :])
    object.__setattr__(key, "_organization", organization)
    return key
