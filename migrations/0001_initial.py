from uuid import uuid4

from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.indexes import Index
from tortoise.migrations import operations as ops

from models.enums import (
    AddressType,
    ApiKeyScope,
    CustomerStatus,
    CustomerType,
    Language,
    NumberRangeKind,
    PaymentMethodType,
)


class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name="Organization",
            fields=[
                (
                    "id",
                    fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True),
                ),
                ("name", fields.CharField(max_length=255)),
                (
                    "datev_enabled",
                    fields.BooleanField(
                        default=False, description="DATEV add-on, switched on by the operator"
                    ),
                ),
                (
                    "customers_read_only",
                    fields.BooleanField(
                        default=False,
                        description="Schreibgeschützte Kunden: web-app users may not write customers",
                    ),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "organizations",
                "app": "models",
                "pk_attr": "id",
                "table_description": "A tenant: every customer, address and key belongs to exactly one.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="ApiKey",
            fields=[
                (
                    "id",
                    fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True),
                ),
                (
                    "organization",
                    fields.ForeignKeyField(
                        "models.Organization",
                        source_field="organization_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="api_keys",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "prefix",
                    fields.CharField(
                        description="First characters, to recognise a key", max_length=16
                    ),
                ),
                (
                    "key_hash",
                    fields.CharField(
                        unique=True, description="SHA-256 hex of the key", max_length=64
                    ),
                ),
                (
                    "scope",
                    fields.CharEnumField(
                        description="READ: read\nWRITE: write", enum_type=ApiKeyScope, max_length=8
                    ),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("revoked_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "api_keys",
                "app": "models",
                "pk_attr": "id",
                "table_description": "A bearer key of one organization. Only its SHA-256 digest is stored.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Customer",
            fields=[
                (
                    "id",
                    fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True),
                ),
                (
                    "organization",
                    fields.ForeignKeyField(
                        "models.Organization",
                        source_field="organization_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="customers",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("customer_number", fields.CharField(description="Kundennummer", max_length=64)),
                (
                    "type",
                    fields.CharEnumField(
                        description="PERSON: PERSON\nCOMPANY: COMPANY",
                        enum_type=CustomerType,
                        max_length=16,
                    ),
                ),
                (
                    "status",
                    fields.CharEnumField(
                        default=CustomerStatus.ACTIVE,
                        description="ACTIVE: ACTIVE\nARCHIVED: ARCHIVED",
                        enum_type=CustomerStatus,
                        max_length=16,
                    ),
                ),
                (
                    "display_name",
                    fields.CharField(
                        description="Company name or first and last name, kept for sorting and search",
                        max_length=511,
                    ),
                ),
                ("company_name", fields.CharField(null=True, max_length=255)),
                ("first_name", fields.CharField(null=True, max_length=255)),
                ("last_name", fields.CharField(null=True, max_length=255)),
                (
                    "email",
                    fields.CharField(
                        null=True, description="Kunden-E-Mail-Adresse", max_length=255
                    ),
                ),
                (
                    "invoice_email",
                    fields.CharField(
                        null=True,
                        description="Rechnungs-E-Mail-Adresse (abweichend)",
                        max_length=255,
                    ),
                ),
                ("phone", fields.CharField(null=True, max_length=255)),
                (
                    "language",
                    fields.CharEnumField(
                        description="DE: DE\nEN: EN", enum_type=Language, max_length=2
                    ),
                ),
                ("currency_code", fields.CharField(description="ISO 4217", max_length=3)),
                ("vat_id", fields.CharField(null=True, description="USt-IdNr.", max_length=255)),
                (
                    "commercial_register_court",
                    fields.CharField(null=True, description="Registergericht", max_length=255),
                ),
                (
                    "commercial_register_number",
                    fields.CharField(
                        null=True, description="Handelsregisternummer", max_length=255
                    ),
                ),
                ("external_id", fields.CharField(null=True, max_length=255)),
                (
                    "datev_debtor_number",
                    fields.CharField(null=True, description="DATEV-Debitorennummer", max_length=16),
                ),
                (
                    "default_payment_method",
                    fields.CharEnumField(
                        null=True,
                        description="INVOICE: INVOICE\nSEPA_DEBIT: SEPA_DEBIT\nCARD: CARD\nPAYPAL: PAYPAL\nBANK_TRANSFER: BANK_TRANSFER",
                        enum_type=PaymentMethodType,
                        max_length=16,
                    ),
                ),
                ("version", fields.IntField(default=1)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("updated_at", fields.DatetimeField(auto_now=True, auto_now_add=False)),
                (
                    "archived_at",
                    fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
                ),
            ],
            options={
                "table": "customers",
                "app": "models",
                "unique_together": (
                    ("organization", "customer_number"),
                    ("organization", "external_id"),
                    ("organization", "datev_debtor_number"),
                ),
                "indexes": [
                    Index(fields=["organization_id", "status", "created_at"]),
                    Index(fields=["organization_id", "status", "display_name"]),
                ],
                "pk_attr": "id",
                "table_description": "A customer (Kunde) of an organization.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Address",
            fields=[
                (
                    "id",
                    fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True),
                ),
                (
                    "organization",
                    fields.ForeignKeyField(
                        "models.Organization",
                        source_field="organization_id",
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "customer",
                    fields.ForeignKeyField(
                        "models.Customer",
                        source_field="customer_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="addresses",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "type",
                    fields.CharEnumField(
                        description="DEFAULT: DEFAULT\nINVOICE: INVOICE",
                        enum_type=AddressType,
                        max_length=16,
                    ),
                ),
                (
                    "is_default",
                    fields.BooleanField(default=False, description="The default of its type"),
                ),
                ("company_name", fields.CharField(null=True, max_length=255)),
                ("first_name", fields.CharField(null=True, max_length=255)),
                ("last_name", fields.CharField(null=True, max_length=255)),
                (
                    "addition",
                    fields.CharField(null=True, description="Adresszusatz", max_length=255),
                ),
                ("street", fields.CharField(null=True, max_length=255)),
                ("house_number", fields.CharField(null=True, max_length=255)),
                ("zip", fields.CharField(null=True, max_length=255)),
                ("city", fields.CharField(null=True, max_length=255)),
                (
                    "country_code",
                    fields.CharField(null=True, description="ISO 3166-1 alpha-2", max_length=2),
                ),
                ("email", fields.CharField(null=True, max_length=255)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("updated_at", fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={
                "table": "addresses",
                "app": "models",
                "indexes": [Index(fields=["customer_id", "type"])],
                "pk_attr": "id",
                "table_description": "An address of a customer. The DEFAULT one is the Empfängeradresse.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="NumberRange",
            fields=[
                (
                    "id",
                    fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True),
                ),
                (
                    "organization",
                    fields.ForeignKeyField(
                        "models.Organization",
                        source_field="organization_id",
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "kind",
                    fields.CharEnumField(
                        description="CUSTOMER: CUSTOMER\nDATEV_DEBTOR: DATEV_DEBTOR",
                        enum_type=NumberRangeKind,
                        max_length=16,
                    ),
                ),
                ("format", fields.CharField(description="e.g. K{number}", max_length=64)),
                ("padding", fields.IntField(default=0, description="Zero padding of {number}")),
                (
                    "next_value",
                    fields.BigIntField(description="The number the next allocation hands out"),
                ),
            ],
            options={
                "table": "number_ranges",
                "app": "models",
                "unique_together": (("organization", "kind"),),
                "pk_attr": "id",
                "table_description": "Nummernkreis: where the customer or DATEV debtor numbers come from.",
            },
            bases=["Model"],
        ),
    ]
