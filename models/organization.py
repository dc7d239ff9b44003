from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from models.api_key import ApiKey
    from models.customer import Customer


class Organization(Model):
    """A tenant: every customer, address and key belongs to exactly one."""

    id = fields.UUIDField(primary_key=True)
    name = fields.CharField(max_length=255)
    datev_enabled = fields.BooleanField(
        default=False, description="DATEV add-on, switched on by the operator"
    )
    customers_read_only = fields.BooleanField(
        default=False,
        description="Schreibgeschützte Kunden: web-app users may not write customers",
    )
    datev_account_length = fields.IntField(
        default=4,
        db_default=4,
        description="DATEV Sachkontenlänge (4-8): debtor numbers have one digit more",
    )
    datev_consultant_number = fields.CharField(
        max_length=7, null=True, description="DATEV Beraternummer"
    )
    datev_client_number = fields.CharField(
        max_length=5, null=True, description="DATEV Mandantennummer"
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    api_keys: fields.ReverseRelation[ApiKey]
    customers: fields.ReverseRelation[Customer]

    class Meta:
        table = "organizations"
