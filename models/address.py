from __future__ import annotations

import uuid

from tortoise import fields
from tortoise.models import Model

from models.customer import Customer
from models.enums import AddressType
from models.organization import Organization


class Address(Model):
    """An address of a customer. The DEFAULT one is the Empfängeradresse."""

    id = fields.UUIDField(primary_key=True)
    organization: fields.ForeignKeyRelation[Organization] = fields.ForeignKeyField(
        "models.Organization", related_name=False, on_delete=fields.RESTRICT
    )
    organization_id: uuid.UUID
    customer: fields.ForeignKeyRelation[Customer] = fields.ForeignKeyField(
        "models.Customer", related_name="addresses", on_delete=fields.CASCADE
    )
    customer_id: uuid.UUID
    type = fields.CharEnumField(AddressType, max_length=16)
    is_default = fields.BooleanField(default=False, description="The default of its type")
    company_name = fields.CharField(max_length=255, null=True)
    first_name = fields.CharField(max_length=255, null=True)
    last_name = fields.CharField(max_length=255, null=True)
    addition = fields.CharField(max_length=255, null=True, description="Adresszusatz")
    street = fields.CharField(max_length=255, null=True)
    house_number = fields.CharField(max_length=255, null=True)
    zip = fields.CharField(max_length=255, null=True)
    city = fields.CharField(max_length=255, null=True)
    country_code = fields.CharField(max_length=2, null=True, description="ISO 3166-1 alpha-2")
    email = fields.CharField(max_length=255, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "addresses"
        indexes = (("customer_id", "type"),)
