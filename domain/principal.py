"""Who is calling: the authenticated API key and the organization it acts for."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from models import Organization
from models.enums import ApiKeyScope


@dataclass(frozen=True, slots=True)
class Principal:
    organization: Organization
    api_key_id: uuid.UUID
    scope: ApiKeyScope

    @property
    def organization_id(self) -> uuid.UUID:
        return self.organization.id

    @property
    def can_write(self) -> bool:
        return self.scope is ApiKeyScope.WRITE
