from __future__ import annotations

import uuid

from tortoise import fields
from tortoise.models import Model

from models.enums import NumberRangeKind
from models.organization import Organization


class NumberRange(Model):
    """Nummernkreis: where the customer or DATEV debtor numbers come from."""

    id = fields.UUIDField(primary_key=True)
    organization: fields.ForeignKeyRelation[Organization] = fields.ForeignKeyField(
        "models.Organization", related_name=False, on_delete=fields.RESTRICT
    )
    organization_id: uuid.UUID
    kind = fields.CharEnumField(NumberRangeKind, max_length=16)
    format = fields.CharField(max_length=64, description="e.g. K{number}")
    padding = fields.IntField(default=0, description="Zero padding of {number}")
    next_value = fields.BigIntField(description="The number the next allocation hands out")

    class Meta:
        table = "number_ranges"
        unique_together = (("organization", "kind"),)
