"""Counts each GraphQL operation by name and outcome, and names it in the request's log."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from strawberry.extensions import SchemaExtension

from telemetry.logs import current_request
from telemetry.metrics import operation_label, record_operation


def _has_user_errors(value: Any) -> bool:
    """Whether any payload in the data answered with userErrors (walks the whole tree:
    payloads sit under aliases and, with several mutations, side by side)."""
    if isinstance(value, dict):
        errors = value.get("userErrors")
        if isinstance(errors, list) and errors:
            return True
        return any(_has_user_errors(item) for item in value.values())
    if isinstance(value, list):
        return any(_has_user_errors(item) for item in value)
    return False


def outcome_of(data: Any, errors: list[Any]) -> str:
    codes = {(getattr(error, "extensions", None) or {}).get("code") for error in errors}
    if "THROTTLED" in codes:
        return "throttled"
    if errors:
        return "errors"
    return "user_errors" if _has_user_errors(data) else "ok"


class OperationOutcome(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        execution = self.execution_context
        info = current_request.get()
        caller = getattr(execution.context, "caller", None)
        if info is not None and caller is not None:
            info.organization_id = str(caller.organization_id)
        yield
        name = execution.operation_name
        if info is not None:
            info.operation = operation_label(name)
        result = execution.result
        errors = list((result.errors if result else None) or execution.pre_execution_errors or [])
        record_operation(name, outcome_of(result.data if result else None, errors))
