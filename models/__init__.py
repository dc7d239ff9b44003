"""Tortoise models: the database tables, nothing else."""

from models.address import Address
from models.api_key import ApiKey
from models.billing import Invoice, Order, Payment, Subscription
from models.customer import Customer
from models.customer_event import CustomerEvent
from models.export_job import ExportJob
from models.number_range import NumberRange
from models.organization import Organization
from models.user import User, UserSession

__all__ = [
    "Address",
    "ApiKey",
    "Customer",
    "CustomerEvent",
    "ExportJob",
    "Invoice",
    "NumberRange",
    "Order",
    "Organization",
    "Payment",
    "Subscription",
    "User",
    "UserSession",
]
