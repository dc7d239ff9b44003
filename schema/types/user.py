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

    @classmethod
    def from_model(cls, row: UserRow) -> Self:
        return cls(id=encode_id("User", row.id), email=row.email, role=UserRole[row.role.value])
