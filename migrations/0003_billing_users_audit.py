from uuid import uuid4

from orjson import loads
from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise.indexes import Index
from tortoise.migrations import operations as ops

from models.enums import ActorType, CustomerEventAction, OrderStatus, SubscriptionStatus, UserRole


class Migration(migrations.Migration):
    dependencies = [("models", "0002_datev_settings_and_longer_numbers")]

    initial = False

    operations = [
        ops.CreateModel(
            name="CustomerEvent",
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
                ("customer_id", fields.UUIDField(db_index=True)),
                ("address_id", fields.UUIDField(null=True, description="For address events")),
                (
                    "action",
                    fields.CharEnumField(
                        description="CREATED: CREATED\nUPDATED: UPDATED\nARCHIVED: ARCHIVED\nRESTORED: RESTORED\nDELETED: DELETED\nADDRESS_CREATED: ADDRESS_CREATED\nADDRESS_UPDATED: ADDRESS_UPDATED\nADDRESS_SET_DEFAULT: ADDRESS_SET_DEFAULT",
                        enum_type=CustomerEventAction,
                        max_length=32,
                    ),
                ),
                (
                    "actor_type",
                    fields.CharEnumField(
                        description="API_KEY: API_KEY\nUSER: USER",
                        enum_type=ActorType,
                        max_length=16,
                    ),
                ),
                ("actor_id", fields.UUIDField(description="The API key or user that wrote")),
                (
                    "changes",
                    fields.JSONField(
                        null=True,
                        description="List of field, old and new value",
                        encoder=JSON_DUMPS,
                        decoder=loads,
                    ),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "customer_events",
                "app": "models",
                "indexes": [Index(fields=["customer_id", "created_at"])],
                "pk_attr": "id",
                "table_description": "Kept after the customer is deleted, so the customer is referenced by id only.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Invoice",
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
                        related_name="invoices",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("recipient_email", fields.CharField(null=True, max_length=255)),
                ("company_name", fields.CharField(null=True, max_length=255)),
                ("first_name", fields.CharField(null=True, max_length=255)),
                ("last_name", fields.CharField(null=True, max_length=255)),
                ("addition", fields.CharField(null=True, max_length=255)),
                ("street", fields.CharField(null=True, max_length=255)),
                ("house_number", fields.CharField(null=True, max_length=255)),
                ("zip", fields.CharField(null=True, max_length=255)),
                ("city", fields.CharField(null=True, max_length=255)),
                ("country_code", fields.CharField(null=True, max_length=2)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "invoices",
                "app": "models",
                "indexes": [Index(fields=["customer_id"])],
                "pk_attr": "id",
                "table_description": "An issued invoice keeps the billing data as it was when it was created (GoBD).",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Order",
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
                        related_name="orders",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "status",
                    fields.CharEnumField(
                        description="OPEN: OPEN\nCOMPLETED: COMPLETED",
                        enum_type=OrderStatus,
                        max_length=16,
                    ),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                (
                    "completed_at",
                    fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
                ),
            ],
            options={
                "table": "orders",
                "app": "models",
                "indexes": [Index(fields=["customer_id", "status"])],
                "pk_attr": "id",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Payment",
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
                        related_name="payments",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "payments",
                "app": "models",
                "indexes": [Index(fields=["customer_id"])],
                "pk_attr": "id",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Subscription",
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
                        related_name="subscriptions",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "status",
                    fields.CharEnumField(
                        description="ACTIVE: ACTIVE\nCANCELLED: CANCELLED",
                        enum_type=SubscriptionStatus,
                        max_length=16,
                    ),
                ),
                (
                    "selected_address",
                    fields.ForeignKeyField(
                        "models.Address",
                        source_field="selected_address_id",
                        null=True,
                        description="Chosen explicitly. Without one the subscription follows the invoice address",
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                (
                    "cancelled_at",
                    fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
                ),
            ],
            options={
                "table": "subscriptions",
                "app": "models",
                "indexes": [Index(fields=["customer_id", "status"])],
                "pk_attr": "id",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="User",
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
                    "email",
                    fields.CharField(
                        unique=True, description="Login name, normalised", max_length=255
                    ),
                ),
                (
                    "password_hash",
                    fields.CharField(description="scrypt, with its parameters", max_length=255),
                ),
                (
                    "role",
                    fields.CharEnumField(
                        description="ADMIN: ADMIN\nEMPLOYEE: EMPLOYEE\nREAD_ONLY: READ_ONLY",
                        enum_type=UserRole,
                        max_length=16,
                    ),
                ),
                ("failed_logins", fields.IntField(default=0)),
                (
                    "locked_until",
                    fields.DatetimeField(
                        null=True,
                        description="Set after repeated failures",
                        auto_now=False,
                        auto_now_add=False,
                    ),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={"table": "users", "app": "models", "pk_attr": "id"},
            bases=["Model"],
        ),
        ops.CreateModel(
            name="UserSession",
            fields=[
                (
                    "id",
                    fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True),
                ),
                (
                    "user",
                    fields.ForeignKeyField(
                        "models.User",
                        source_field="user_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="sessions",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("token_hash", fields.CharField(unique=True, max_length=64)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("expires_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("revoked_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "user_sessions",
                "app": "models",
                "pk_attr": "id",
                "table_description": "A login: the bearer token is stored as its SHA-256 digest only.",
            },
            bases=["Model"],
        ),
    ]
