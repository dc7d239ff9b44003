"""One customer with its addresses, as an export row is built from it."""

from __future__ import annotations

from dataclasses import dataclass

from domain.customer_addresses import default_address, invoice_address
from models import Address, Customer


@dataclass(frozen=True, slots=True)
class CustomerRecord:
    customer: Customer
    addresses: list[Address]

    @property
    def default_address(self) -> Address:
        return default_address(self.addresses)

    @property
    def invoice_address(self) -> Address:
        return invoice_address(self.addresses)

    @property
    def invoice_email(self) -> str | None:
        return self.customer.invoice_email or self.customer.email
