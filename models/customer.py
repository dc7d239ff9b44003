from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from models.enums import CustomerStatus, CustomerType, Language, PaymentMethodType
from models.organization import Organization

if TYPE_CHECKING:
    from models.address import Address


class Customer(Model):
    """A customer (Kunde) of an organization."""

    id = fields.UUIDField(primary_key=True)
    organization: fields.ForeignKeyRelation[Organization] = fields.ForeignKeyField(
        "models.Organization", related_name="customers", on_delete=fields.RESTRICT
    )
    organization_id: uuid.UUID
    customer_number = fields.CharField(max_length=255, description="Kundennummer")
    type = fields.CharEnumField(CustomerType, max_length=16)
    status = fields.CharEnumField(CustomerStatus, max_length=16, default=CustomerStatus.ACTIVE)
    display_name = fields.CharField(
        max_length=511,
        description="Company name or first and last name, kept for sorting and search",
    )
    company_name = fields.CharField(max_length=255, null=True)
    first_name = fields.CharField(max_length=255, null=True)
    last_name = fields.CharField(max_length=255, null=True)
    email = fields.CharField(max_length=255, null=True, description="Kunden-E-Mail-Adresse")
    invoice_email = fields.CharField(
        max_length=255, null=True, description="Rechnungs-E-Mail-Adresse (abweichend)"
    )
    phone = fields.CharField(max_length=255, null=True)
    language = fields.CharEnumField(Language, max_length=2)
    currency_code = fields.CharField(max_length=3, description="ISO 4217")
    vat_id = fields.CharField(max_length=255, null=True, description="USt-IdNr.")
    commercial_register_court = fields.CharField(
        max_length=255, null=True, description="Registergericht"
    )
    commercial_register_number = fields.CharField(
        max_length=255, null=True, description="Handelsregisternummer"
    )
    external_id = fields.CharField(max_length=255, null=True)
    datev_debtor_number = fields.CharField(
        max_length=16, null=True, description="DATEV-Debitorennummer"
    )
    default_payment_method = fields.CharEnumField(PaymentMethodType, max_length=16, null=True)
    version = fields.IntField(default=1)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)
    archived_at = fields.DatetimeField(null=True)
    erased_external_id = fields.CharField(
        max_length=64,
        null=True,
        description="HMAC-SHA256 of the external id an anonymization erased: an import row "
        "bringing it back is recognised without the id being kept",
    )
    staged_import_id = fields.UUIDField(
        null=True,
        description="Set while an import has written the row but not yet published it: "
        "such a row is invisible to every read",
    )

    addresses: fields.ReverseRelation[Address]

    class Meta:
        table = "customers"
        unique_together = (
            ("organization", "customer_number"),
            ("organization", "external_id"),
            ("organization", "datev_debtor_number"),
        )
        indexes = (
            ("organization_id", "status", "created_at"),
            ("organization_id", "status", "display_name"),
        )
