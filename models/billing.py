"""Minimal billing records: just enough for the customer rules (deletion, propagation).

Every reference to a customer is ON DELETE RESTRICT: a record created while the customer
is being deleted makes the delete fail instead of being orphaned.
"""

from __future__ import annotations

import uuid

from tortoise import fields
from tortoise.models import Model

from models.address import Address
from models.customer import Customer
from models.enums import OrderStatus, SubscriptionStatus
from models.organization import Organization


class Subscription(Model):
    id = fields.UUIDField(primary_key=True)
    organization: fields.ForeignKeyRelation[Organization] = fields.ForeignKeyField(
        "models.Organization", related_name=False, on_delete=fields.RESTRICT
    )
    organization_id: uuid.UUID
    customer: fields.ForeignKeyRelation[Customer] = fields.ForeignKeyField(
        "models.Customer", related_name="subscriptions", on_delete=fields.RESTRICT
    )
    customer_id: uuid.UUID
    status = fields.CharEnumField(SubscriptionStatus, max_length=16)
    selected_address: fields.ForeignKeyNullableRelation[Address] = fields.ForeignKeyField(
        "models.Address",
        related_name=False,
        null=True,
        on_delete=fields.RESTRICT,
        description="Chosen explicitly. Without one the subscription follows the invoice address",
    )
    selected_address_id: uuid.UUID | None
    created_at = fields.DatetimeField(auto_now_add=True)
    cancelled_at = fields.DatetimeField(null=True)

    class Meta:
        table = "subscriptions"
        indexes = (("customer_id", "status"),)


class Order(Model):
    id = fields.UUIDField(primary_key=True)
    organization: fields.ForeignKeyRelation[Organization] = fields.ForeignKeyField(
        "models.Organization", related_name=False, on_delete=fields.RESTRICT
    )
    organization_id: uuid.UUID
    customer: fields.ForeignKeyRelation[Customer] = fields.ForeignKeyField(
        "models.Customer", related_name="orders", on_delete=fields.RESTRICT
    )
    customer_id: uuid.UUID
    status = fields.CharEnumField(OrderStatus, max_length=16)
    created_at = fields.DatetimeField(auto_now_add=True)
    completed_at = fields.DatetimeField(null=True)

    class Meta:
        table = "orders"
        indexes = (("customer_id", "status"),)


class Invoice(Model):
    """An issued invoice keeps the billing data as it was when it was created (GoBD)."""

    id = fields.UUIDField(primary_key=True)
    organization: fields.ForeignKeyRelation[Organization] = fields.ForeignKeyField(
        "models.Organization", related_name=False, on_delete=fields.RESTRICT
    )
    organization_id: uuid.UUID
    customer: fields.ForeignKeyRelation[Customer] = fields.ForeignKeyField(
        "models.Customer", related_name="invoices", on_delete=fields.RESTRICT
    )
    customer_id: uuid.UUID
    recipient_email = fields.CharField(max_length=255, null=True)
    company_name = fields.CharField(max_length=255, null=True)
    first_name = fields.CharField(max_length=255, null=True)
    last_name = fields.CharField(max_length=255, null=True)
    addition = fields.CharField(max_length=255, null=True)
    street = fields.CharField(max_length=255, null=True)
    house_number = fields.CharField(max_length=255, null=True)
    zip = fields.CharField(max_length=255, null=True)
    city = fields.CharField(max_length=255, null=True)
    country_code = fields.CharField(max_length=2, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "invoices"
        indexes = (("customer_id",),)


class Payment(Model):
    id = fields.UUIDField(primary_key=True)
    organization: fields.ForeignKeyRelation[Organization] = fields.ForeignKeyField(
        "models.Organization", related_name=False, on_delete=fields.RESTRICT
    )
    organization_id: uuid.UUID
    customer: fields.ForeignKeyRelation[Customer] = fields.ForeignKeyField(
        "models.Customer", related_name="payments", on_delete=fields.RESTRICT
    )
    customer_id: uuid.UUID
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "payments"
        indexes = (("customer_id",),)
