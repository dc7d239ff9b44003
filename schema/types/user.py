from __future__ import annotations

from enum import Enum
from typing import Self

import strawberry

from models import User as UserRow
from schema.node import Node, encode_id


@strawberry.enum
class UserRole(Enum):
    ADMIN = strawberry.enum_value("ADMIN", description="Everything, settings included.")
    EMPLOYEE = strawberry.enum_value("EMPLOYEE", description="Reads and writes customers.")
    READ_ONLY = strawberry.enum_value("READ_ONLY", description="Reads only.")


@strawberry.type(description="A person who uses the web app.")
class User(Node):
    id: strawberry.ID
    email: str
    role: UserRole
    must_change_password: bool = strawberry.field(
        description="Logged in with a one-time password: only passwordChange works until then."
    )

    @classmethod
    def from_model(cls, row: UserRow) -> Self:
        return cls(
            id=encode_id("User", row.id),
            email=row.email,
            role=UserRole[row.role.value],
            must_change_password=row.must_change_password,
        )
