"""Tortoise models: the database tables, nothing else."""

from models.address import Address
from models.api_key import ApiKey
from models.billing import Invoice, Order, Payment, Subscription
from models.customer import Customer
from models.customer_event import CustomerEvent
from models.event import Event
from models.export_job import ExportJob
from models.idempotency import IdempotencyRecord
from models.import_job import ImportJob
from models.login_failure import LoginFailure
from models.number_range import NumberRange
from models.organization import Organization
from models.rate_limit import RateLimitBucket
from models.staged_event import StagedEvent
from models.user import User, UserSession
from models.webhook import WebhookDelivery, WebhookEndpoint

__all__ = [
    "Address",
    "ApiKey",
    "Customer",
    "CustomerEvent",
    "Event",
    "ExportJob",
    "IdempotencyRecord",
    "ImportJob",
    "Invoice",
    "LoginFailure",
    "NumberRange",
    "Order",
    "Organization",
    "Payment",
    "RateLimitBucket",
    "StagedEvent",
    "Subscription",
    "User",
    "UserSession",
    "WebhookDelivery",
    "WebhookEndpoint",
]
