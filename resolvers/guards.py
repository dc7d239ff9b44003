"""Who may write what: checked before any domain call that changes data."""

from __future__ import annotations

from schema.context import Info


def require_write(info: Info) -> None:
    """Billing records: write keys, administrators and employees."""
    info.context.principal.check_write()


def require_customer_write(info: Info) -> None:
    """Customers and their addresses: also refused to web users while customers are read-only."""
    info.context.principal.check_customer_write()


def require_customer_anonymize(info: Info) -> None:
    """Anonymizing a customer: write keys and administrators (customers read-only binds them)."""
    info.context.principal.check_customer_anonymize()


def require_settings_write(info: Info) -> None:
    """Organization settings: write keys and administrators."""
    info.context.principal.check_settings_write()
