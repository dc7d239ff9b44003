"""Who is calling: an API key or a web-app user, and the organization they act for."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from domain.errors import DomainError, ErrorCode
from models import Organization
from models.enums import ActorType, ApiKeyScope, UserRole


@dataclass(frozen=True, slots=True)
class Actor:
    """Who wrote, as the audit trail records it."""

    type: ActorType
    id: uuid.UUID


@dataclass(frozen=True, slots=True)
class Principal:
    organization: Organization
    actor: Actor
    scope: ApiKeyScope | None = None
    role: UserRole | None = None
    session_id: uuid.UUID | None = None
    must_change_password: bool = False

    @property
    def organization_id(self) -> uuid.UUID:
        return self.organization.id

    @property
    def is_user(self) -> bool:
        return self.actor.type is ActorType.USER

    @property
    def can_write(self) -> bool:
        if self.is_user:
            return self.role in (UserRole.ADMIN, UserRole.EMPLOYEE)
        return self.scope is ApiKeyScope.WRITE

    def check_write(self) -> None:
        if not self.can_write:
            what = "user" if self.is_user else "API key"
            raise DomainError.single(ErrorCode.FORBIDDEN, f"This {what} may only read.")

    def check_customer_write(self) -> None:
        """Schreibgeschützte Kunden bind web-app users; API keys (synchronisation) still write."""
        self.check_write()
        if self.is_user and self.organization.customers_read_only:
            raise DomainError.single(
                ErrorCode.READ_ONLY,
                "Customers of this organization are read-only in the web app.",
            )

    def check_customer_anonymize(self) -> None:
        """Irreversible erasure: write keys and administrators, not employees."""
        self.check_customer_write()
        if self.is_user and self.role is not UserRole.ADMIN:
            raise DomainError.single(
                ErrorCode.FORBIDDEN, "Only administrators may anonymize customers."
            )

    def check_settings_write(self) -> None:
        self.check_write()
        if self.is_user and self.role is not UserRole.ADMIN:
            raise DomainError.single(
                ErrorCode.FORBIDDEN, "Only administrators may change organization settings."
            )
