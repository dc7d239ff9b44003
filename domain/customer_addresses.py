"""Which of a customer's addresses serves which purpose."""

from __future__ import annotations

from collections.abc import Sequence

from models import Address
from models.enums import AddressType

# The fields of an address that make up a postal address (everything but its e-mail).
POSTAL_FIELDS = (
    "company_name",
    "first_name",
    "last_name",
    "addition",
    "street",
    "house_number",
    "zip",
    "city",
    "country_code",
)


class MissingDefaultAddress(LookupError):
    """Every customer has a DEFAULT address; its absence is a bug, not a user error."""


def default_address(addresses: Sequence[Address]) -> Address:
    """Standard-Kundenadresse (Empfängeradresse)."""
    for address in addresses:
        if address.type is AddressType.DEFAULT and address.is_default:
            return address
    raise MissingDefaultAddress


def invoice_address(addresses: Sequence[Address]) -> Address:
    """Standard-Rechnungsadresse: the default INVOICE address, else the default address."""
    for address in addresses:
        if address.type is AddressType.INVOICE and address.is_default:
            return address
    return default_address(addresses)
