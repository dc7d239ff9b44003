"""One customer with its addresses, as an export row is built from it."""

from __future__ import annotations

from dataclasses import dataclass

from models import Address, Customer


@dataclass(frozen=True, slots=True)
class CustomerRecord:
    """Which address serves which purpose is decided by the domain that builds the record."""

    customer: Customer
    default_address: Address
    invoice_address: Address

    @property
    def invoice_email(self) -> str | None:
        return self.customer.invoice_email or self.customer.email
