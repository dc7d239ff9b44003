"""The one error vocabulary of the domain: typed errors with a stable code and a field path."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class ErrorCode(StrEnum):
    REQUIRED = "REQUIRED"
    INVALID = "INVALID"
    TOO_LONG = "TOO_LONG"
    TAKEN = "TAKEN"
    NOT_FOUND = "NOT_FOUND"
    CONFLICT = "CONFLICT"
    OUT_OF_RANGE = "OUT_OF_RANGE"
    NUMBER_RANGE_EXHAUSTED = "NUMBER_RANGE_EXHAUSTED"
    ADDON_NOT_ENABLED = "ADDON_NOT_ENABLED"
    READ_ONLY = "READ_ONLY"
    HAS_ACTIVE_SUBSCRIPTIONS = "HAS_ACTIVE_SUBSCRIPTIONS"
    HAS_INVOICES = "HAS_INVOICES"
    HAS_COMPLETED_ORDERS = "HAS_COMPLETED_ORDERS"
    HAS_PAYMENTS = "HAS_PAYMENTS"
    ALREADY_ARCHIVED = "ALREADY_ARCHIVED"
    NOT_ARCHIVED = "NOT_ARCHIVED"
    FORBIDDEN = "FORBIDDEN"
    ANONYMIZED = "ANONYMIZED"


FieldPath = tuple[str, ...]


@dataclass(frozen=True, slots=True)
class FieldError:
    """One violation. `field` names domain attributes (snake_case), outermost first."""

    code: ErrorCode
    message: str
    field: FieldPath | None = None

    def nested(self, *prefix: str) -> FieldError:
        return FieldError(self.code, self.message, (*prefix, *(self.field or ())))


class DomainError(Exception):
    """A request the rules refuse; carries every violation found, not only the first."""

    def __init__(self, errors: Iterable[FieldError]) -> None:
        self.errors = list(errors)
        if not self.errors:
            raise ValueError("DomainError needs at least one FieldError")
        super().__init__("; ".join(f"{e.code}: {e.message}" for e in self.errors))

    @classmethod
    def single(cls, code: ErrorCode, message: str, field: FieldPath | None = None) -> DomainError:
        return cls([FieldError(code, message, field)])


def not_found(what: str, field: FieldPath = ("id",)) -> DomainError:
    return DomainError.single(ErrorCode.NOT_FOUND, f"{what} not found.", field)
