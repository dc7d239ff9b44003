"""Organizations (tenants) and their operator-controlled settings."""

from __future__ import annotations

import uuid

from tortoise.transactions import in_transaction

from domain.api_keys import IssuedKey, issue_key
from domain.numbers import create_default_ranges
from models import Organization
from models.enums import ApiKeyScope


async def create_organization(
    *, name: str, datev_enabled: bool = False
) -> tuple[Organization, IssuedKey]:
    """A new organization with its number ranges and a first `write` API key."""
    async with in_transaction():
        organization = await Organization.create(name=name, datev_enabled=datev_enabled)
        await create_default_ranges(organization.id)
        key = await issue_key(organization_id=organization.id, scope=ApiKeyScope.WRITE)
    return organization, key


async def update_organization(
    organization_id: uuid.UUID,
    *,
    datev_enabled: bool | None = None,
    customers_read_only: bool | None = None,
) -> Organization | None:
    changes: dict[str, bool] = {}
    if datev_enabled is not None:
        changes["datev_enabled"] = datev_enabled
    if customers_read_only is not None:
        changes["customers_read_only"] = customers_read_only
    if changes:
        await Organization.filter(id=organization_id).update(**changes)
    return await Organization.get_or_none(id=organization_id)


async def ensure_default_organization() -> IssuedKey | None:
    """On a database without organizations, create "Default" and return its first key."""
    if await Organization.exists():
        return None
    _, key = await create_organization(name="Default")
    return key
